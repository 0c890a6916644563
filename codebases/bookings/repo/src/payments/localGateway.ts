/**
 * An in-process gateway for development and tests: approves every token except the test
 * tokens below. Charges are remembered by idempotency key, like a real gateway's.
 *   tok_decline -> declined, tok_unavailable -> gateway error, anything else -> approved
 */
import { sha256Hex } from "../lib/crypto";
import { ChargeRequest, GatewayResult, GatewayUnavailableError, PaymentDeclinedError, PaymentGateway, RefundRequest } from "./gateway";

export class LocalGateway implements PaymentGateway {
  readonly name = "local";
  private readonly charges = new Map<string, GatewayResult>();
  private readonly refunds = new Map<string, GatewayResult>();
  chargeCalls = 0;
  refundCalls = 0;

  async charge(request: ChargeRequest): Promise<GatewayResult> {
    this.chargeCalls += 1;
    const seen = this.charges.get(request.idempotencyKey);
    if (seen) return seen;
    if (request.token === "tok_decline") throw new PaymentDeclinedError("card_declined");
    if (request.token === "tok_unavailable") throw new GatewayUnavailableError("local gateway told to fail");
    if (request.amountCents < 0) throw new PaymentDeclinedError("invalid_amount");
    const result = { ref: `ch_${sha256Hex(request.idempotencyKey).slice(0, 20)}` };
    this.charges.set(request.idempotencyKey, result);
    return result;
  }

  async refund(request: RefundRequest): Promise<GatewayResult> {
    this.refundCalls += 1;
    const seen = this.refunds.get(request.idempotencyKey);
    if (seen) return seen;
    const result = { ref: `re_${sha256Hex(request.idempotencyKey).slice(0, 20)}` };
    this.refunds.set(request.idempotencyKey, result);
    return result;
  }
}

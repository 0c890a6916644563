/**
 * The payment gateway the service charges and refunds through. Every call carries an
 * idempotency key, so a retried call (after a timeout) never charges twice.
 */
export interface ChargeRequest {
  amountCents: number;
  currency: string;
  token: string;
  idempotencyKey: string;
  description?: string;
}

export interface RefundRequest {
  chargeRef: string;
  amountCents: number;
  idempotencyKey: string;
}

export interface GatewayResult {
  ref: string;
}

export interface PaymentGateway {
  readonly name: string;
  charge(request: ChargeRequest): Promise<GatewayResult>;
  refund(request: RefundRequest): Promise<GatewayResult>;
}

/** The card was refused: the customer must use another one (not worth a retry). */
export class PaymentDeclinedError extends Error {
  constructor(readonly reason: string) {
    super(`payment declined: ${reason}`);
    this.name = "PaymentDeclinedError";
  }
}

/** The gateway could not be reached or failed: the same request may succeed later. */
export class GatewayUnavailableError extends Error {
  constructor(
    message: string,
    readonly timedOut = false,
  ) {
    super(message);
    this.name = "GatewayUnavailableError";
  }
}

/**
 * A payment gateway over HTTP (PAYMENT_GATEWAY_URL): `POST /charges` and `POST /refunds` with
 * JSON bodies and an `Idempotency-Key` header. Each attempt has a deadline; network errors,
 * timeouts and 5xx answers are retried with backoff under the same key; 402 is a decline.
 */
import { logger } from "../lib/logger";
import { withRetries } from "../lib/retry";
import { ChargeRequest, GatewayResult, GatewayUnavailableError, PaymentDeclinedError, PaymentGateway, RefundRequest } from "./gateway";

export class HttpGateway implements PaymentGateway {
  readonly name = "http";

  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
    private readonly retries: number,
    private readonly baseDelayMs = 100,
  ) {}

  charge(request: ChargeRequest): Promise<GatewayResult> {
    return this.post(
      "/charges",
      { amount_cents: request.amountCents, currency: request.currency, token: request.token, description: request.description },
      request.idempotencyKey,
    );
  }

  refund(request: RefundRequest): Promise<GatewayResult> {
    return this.post("/refunds", { charge: request.chargeRef, amount_cents: request.amountCents }, request.idempotencyKey);
  }

  private post(path: string, body: unknown, idempotencyKey: string): Promise<GatewayResult> {
    return withRetries((attempt) => this.attempt(path, body, idempotencyKey, attempt), {
      retries: this.retries,
      baseDelayMs: this.baseDelayMs,
      maxDelayMs: 2000,
      retryable: (err) => err instanceof GatewayUnavailableError,
      onRetry: (err, attempt, delayMs) =>
        logger().warn("payment gateway call failed; retrying", { path, attempt, delay_ms: delayMs, error: (err as Error).message }),
    });
  }

  private async attempt(path: string, body: unknown, idempotencyKey: string, attempt: number): Promise<GatewayResult> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": idempotencyKey, "x-attempt": String(attempt) },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
    } catch (err) {
      const timedOut = controller.signal.aborted;
      throw new GatewayUnavailableError(
        timedOut ? `payment gateway did not answer within ${this.timeoutMs} ms` : `payment gateway unreachable: ${(err as Error).message}`,
        timedOut,
      );
    } finally {
      clearTimeout(timer);
    }
    const text = await response.text().catch(() => "");
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = {};
    }
    if (response.status === 402) throw new PaymentDeclinedError(String(parsed.reason ?? "declined"));
    if (response.status >= 500 || response.status === 429) {
      throw new GatewayUnavailableError(`payment gateway answered ${response.status}`);
    }
    if (!response.ok || typeof parsed.id !== "string") {
      throw new PaymentDeclinedError(`gateway refused the request (${response.status})`);
    }
    return { ref: parsed.id };
  }
}

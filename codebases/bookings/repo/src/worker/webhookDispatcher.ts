/**
 * Sends due webhook deliveries. Deliveries are leased (their next attempt pushed past the send
 * deadline) in a short transaction, sent outside it, and their outcome recorded: 2xx delivered;
 * anything else retried with exponential backoff until MAX_DELIVERY_ATTEMPTS, then dead.
 */
import { Deps } from "../deps";
import { logger } from "../lib/logger";
import { addMs } from "../lib/time";
import { WebhookDelivery } from "../models/types";
import { webhooks } from "../repositories/webhooks";
import { signPayload } from "../services/webhooks";

const SEND_CONCURRENCY = 8;

type Claimed = WebhookDelivery & { url: string; secret: string };

export function retryDelayMs(attempts: number, baseMs: number): number {
  return Math.min(3_600_000, baseMs * 2 ** Math.max(0, attempts - 1));
}

export async function send(deps: Deps, delivery: Claimed): Promise<{ ok: boolean; statusCode: number | null; error: string | null }> {
  const body = JSON.stringify(delivery.payload);
  const timestamp = Math.floor(deps.clock.now().getTime() / 1000);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), deps.config.worker.webhookTimeoutMs);
  try {
    const response = await fetch(delivery.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "bookings-webhooks/1",
        "x-bookings-event-id": String(delivery.event_id),
        "x-bookings-event-type": delivery.event_type,
        "x-bookings-delivery-id": delivery.id,
        "x-bookings-timestamp": String(timestamp),
        "x-bookings-signature": signPayload(delivery.secret, timestamp, body),
      },
      body,
      signal: controller.signal,
      redirect: "manual",
    });
    await response.arrayBuffer().catch(() => undefined);
    const ok = response.status >= 200 && response.status < 300;
    return { ok, statusCode: response.status, error: ok ? null : `endpoint answered ${response.status}` };
  } catch (err) {
    const timedOut = controller.signal.aborted;
    return { ok: false, statusCode: null, error: timedOut ? `no answer within ${deps.config.worker.webhookTimeoutMs} ms` : (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

export async function dispatchWebhooks(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  const lease = addMs(now, deps.config.worker.webhookTimeoutMs * 2 + 1000);
  const claimed: Claimed[] = await deps.db.transaction(async (trx) => {
    const rows = await webhooks.claimDue(trx, now, deps.config.worker.batchSize);
    if (rows.length) {
      await trx("webhook_deliveries")
        .whereIn(
          "id",
          rows.map((r) => r.id),
        )
        .update({ next_attempt_at: lease });
    }
    return rows;
  });
  let delivered = 0;
  for (let i = 0; i < claimed.length; i += SEND_CONCURRENCY) {
    const chunk = claimed.slice(i, i + SEND_CONCURRENCY);
    const outcomes = await Promise.all(chunk.map((d) => send(deps, d)));
    for (const [j, outcome] of outcomes.entries()) {
      const delivery = chunk[j];
      const attempts = delivery.attempts + 1;
      if (outcome.ok) {
        delivered += 1;
        await webhooks.recordAttempt(deps.db, delivery.id, { status: "delivered", statusCode: outcome.statusCode, error: null });
        continue;
      }
      const dead = attempts >= deps.config.worker.maxDeliveryAttempts;
      await webhooks.recordAttempt(deps.db, delivery.id, {
        status: dead ? "dead" : "pending",
        statusCode: outcome.statusCode,
        error: outcome.error,
        nextAttemptAt: addMs(deps.clock.now(), retryDelayMs(attempts, deps.config.worker.webhookBackoffBaseMs)),
      });
      logger().warn(dead ? "webhook delivery gave up" : "webhook delivery failed; will retry", {
        delivery_id: delivery.id,
        event_id: delivery.event_id,
        attempts,
        status_code: outcome.statusCode,
        error: outcome.error,
      });
    }
  }
  return delivered;
}

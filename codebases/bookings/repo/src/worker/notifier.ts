/**
 * Consumes the events stream (consumer group `notifier`): each event becomes a customer
 * notification and one webhook delivery per interested endpoint, written in one transaction,
 * then acknowledged. Both writes are keyed by event id, so an event delivered twice is applied
 * once. An event that cannot be handled stays pending, is claimed again after
 * WORKER_RECLAIM_IDLE_MS, and after MAX_DELIVERY_ATTEMPTS goes to the dead-letter stream.
 */
import { Deps } from "../deps";
import { logger } from "../lib/logger";
import { notifications } from "../repositories/notifications";
import { webhooks } from "../repositories/webhooks";
import { notificationFor } from "../services/notifications";

export interface StreamEvent {
  streamId: string;
  eventId: string;
  type: string;
  orgId: string;
  createdAt: string;
  payload: Record<string, unknown>;
}

type RawEntry = [string, string[]];

export class PoisonMessage extends Error {}

export function parseEntry([streamId, fields]: RawEntry): StreamEvent {
  const map: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) map[fields[i]] = fields[i + 1];
  if (!map.event_id || !/^\d+$/.test(map.event_id)) throw new PoisonMessage(`entry ${streamId} has no valid event_id`);
  if (!map.type || !map.org_id) throw new PoisonMessage(`entry ${streamId} lacks type or org_id`);
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(map.payload ?? "{}");
  } catch {
    throw new PoisonMessage(`entry ${streamId} has a payload that is not JSON`);
  }
  if (payload === null || typeof payload !== "object") throw new PoisonMessage(`entry ${streamId} payload is not an object`);
  return { streamId, eventId: map.event_id, type: map.type, orgId: map.org_id, createdAt: map.created_at ?? "", payload };
}

export async function ensureGroup(deps: Deps): Promise<void> {
  try {
    await deps.redis.xgroup("CREATE", deps.keys.eventsStream(), deps.keys.notifierGroup(), "0", "MKSTREAM");
  } catch (err) {
    if (!String((err as Error).message).includes("BUSYGROUP")) throw err;
  }
}

/** Applies one event: its notification and its webhook deliveries, once. */
export async function handleEvent(deps: Deps, event: StreamEvent): Promise<void> {
  await deps.db.transaction(async (trx) => {
    const text = notificationFor(event.type, event.payload);
    const customerId = typeof event.payload.customer_id === "string" ? event.payload.customer_id : null;
    if (text) {
      await notifications.insertOnce(trx, {
        org_id: event.orgId,
        customer_id: customerId,
        event_id: event.eventId,
        kind: text.kind,
        title: text.title,
        body: text.body,
        payload: event.payload,
      });
    }
    const endpoints = await webhooks.activeFor(trx, event.orgId, event.type);
    await webhooks.enqueue(
      trx,
      endpoints.map((endpoint) => ({
        org_id: event.orgId,
        endpoint_id: endpoint.id,
        event_id: event.eventId,
        event_type: event.type,
        payload: { id: Number(event.eventId), type: event.type, created_at: event.createdAt, data: event.payload },
      })),
    );
  });
}

async function deadLetter(deps: Deps, entry: RawEntry, reason: string): Promise<void> {
  const [streamId, fields] = entry;
  await deps.redis.xadd(deps.keys.deadLetterStream(), "*", ...fields, "original_id", streamId, "error", reason.slice(0, 500));
  await deps.redis.xack(deps.keys.eventsStream(), deps.keys.notifierGroup(), streamId);
  logger().warn("event dead-lettered", { stream_id: streamId, reason });
}

async function processEntry(deps: Deps, entry: RawEntry, deliveries: number): Promise<boolean> {
  let event: StreamEvent;
  try {
    event = parseEntry(entry);
  } catch (err) {
    await deadLetter(deps, entry, (err as Error).message);
    return false;
  }
  if (deliveries > deps.config.worker.maxDeliveryAttempts) {
    await deadLetter(deps, entry, `not handled after ${deliveries - 1} attempts`);
    return false;
  }
  try {
    await handleEvent(deps, event);
  } catch (err) {
    logger().warn("event handling failed; it stays pending", { event_id: event.eventId, error: (err as Error).message, deliveries });
    return false;
  }
  await deps.redis.xack(deps.keys.eventsStream(), deps.keys.notifierGroup(), entry[0]);
  return true;
}

/** How often each pending entry of this group was delivered. */
async function deliveryCounts(deps: Deps, ids: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (ids.length === 0) return counts;
  const pending = (await deps.redis.xpending(deps.keys.eventsStream(), deps.keys.notifierGroup(), ids[0], ids[ids.length - 1], ids.length)) as [
    string,
    string,
    number,
    number,
  ][];
  for (const [id, , , times] of pending) counts.set(id, Number(times));
  return counts;
}

/** One pass: entries left pending too long first (a crashed or failing consumer), then new ones. */
export async function consumeEvents(deps: Deps): Promise<number> {
  await ensureGroup(deps);
  const stream = deps.keys.eventsStream();
  const group = deps.keys.notifierGroup();
  const consumer = deps.config.worker.consumerName;
  const count = deps.config.worker.batchSize;
  let handled = 0;

  const claimed = (await deps.redis.xautoclaim(stream, group, consumer, deps.config.worker.reclaimIdleMs, "0-0", "COUNT", count)) as [
    string,
    RawEntry[],
  ];
  const reclaimed = (claimed?.[1] ?? []).filter((e) => Array.isArray(e[1]));
  if (reclaimed.length) {
    const counts = await deliveryCounts(deps, reclaimed.map((e) => e[0]));
    for (const entry of reclaimed) if (await processEntry(deps, entry, counts.get(entry[0]) ?? 1)) handled += 1;
  }

  const fresh = (await deps.redis.xreadgroup("GROUP", group, consumer, "COUNT", count, "STREAMS", stream, ">")) as
    | [string, RawEntry[]][]
    | null;
  for (const entry of fresh?.[0]?.[1] ?? []) if (await processEntry(deps, entry, 1)) handled += 1;
  return handled;
}

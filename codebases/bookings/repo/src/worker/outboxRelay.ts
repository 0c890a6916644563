/**
 * Publishes outbox events to the Redis stream, oldest first, at least once: an event is marked
 * published only after Redis took it (a crash in between publishes it again; consumers dedupe
 * by event id).
 */
import { Deps } from "../deps";
import { logger } from "../lib/logger";
import { toIso } from "../lib/time";
import { outbox } from "../repositories/outbox";

export const STREAM_MAXLEN = 100_000;

export async function relayOutbox(deps: Deps): Promise<number> {
  return deps.db.transaction(async (trx) => {
    const events = await outbox.claimBatch(trx, deps.config.worker.batchSize);
    if (events.length === 0) return 0;
    const pipeline = deps.redis.pipeline();
    for (const e of events) {
      pipeline.xadd(
        deps.keys.eventsStream(),
        "MAXLEN",
        "~",
        String(STREAM_MAXLEN),
        "*",
        "event_id",
        String(e.id),
        "type",
        e.event_type,
        "org_id",
        e.org_id,
        "aggregate_id",
        e.aggregate_id,
        "created_at",
        toIso(e.created_at)!,
        "payload",
        JSON.stringify(e.payload),
      );
    }
    let results: [Error | null, unknown][] | null;
    try {
      results = await pipeline.exec();
    } catch (err) {
      results = null;
      logger().warn("publishing outbox events failed", { error: (err as Error).message });
    }
    const published: string[] = [];
    const failed: string[] = [];
    events.forEach((e, i) => {
      const outcome = results?.[i];
      if (outcome && !outcome[0]) published.push(String(e.id));
      else failed.push(String(e.id));
    });
    await outbox.markPublished(trx, published);
    await outbox.markFailed(trx, failed, "redis did not accept the event");
    if (failed.length) logger().warn("outbox events not published; will retry", { count: failed.length });
    return published.length;
  });
}

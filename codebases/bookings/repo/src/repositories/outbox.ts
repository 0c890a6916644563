/**
 * The transactional outbox: events are written in the same transaction as the change they
 * describe, and a relay (the worker) publishes them afterwards, at least once.
 */
import { Db } from "../db/knex";
import { EventType, OutboxEvent } from "../models/types";

export const outbox = {
  async add(
    trx: Db,
    event: { org_id: string; event_type: EventType; aggregate_type: string; aggregate_id: string; payload: Record<string, unknown> },
  ): Promise<OutboxEvent> {
    const [row] = await trx<OutboxEvent>("outbox")
      .insert({ ...event, payload: JSON.stringify(event.payload) as unknown as Record<string, unknown> })
      .returning("*");
    return row;
  },

  /** The oldest unpublished events, locked (other relays skip them) until the transaction ends. */
  async claimBatch(trx: Db, limit: number): Promise<OutboxEvent[]> {
    return trx<OutboxEvent>("outbox")
      .whereNull("published_at")
      .orderBy("id")
      .limit(limit)
      .forUpdate()
      .skipLocked();
  },

  async markPublished(trx: Db, ids: string[]): Promise<void> {
    if (ids.length) await trx("outbox").whereIn("id", ids).update({ published_at: trx.fn.now() });
  },

  async markFailed(trx: Db, ids: string[], error: string): Promise<void> {
    if (ids.length) {
      await trx("outbox")
        .whereIn("id", ids)
        .update({ attempts: trx.raw("attempts + 1"), last_error: error.slice(0, 1000) });
    }
  },

  async pendingCount(db: Db): Promise<number> {
    const row = await db("outbox").whereNull("published_at").count<{ count: string }[]>("* as count").first();
    return Number(row?.count ?? 0);
  },
};

import { Db } from "../db/knex";
import { IdempotencyRecord } from "../models/types";

export const idempotency = {
  /** Claims the key for this request; undefined when another request holds or held it. */
  async claim(
    db: Db,
    input: { org_id: string; key: string; api_key_id: string; request_hash: string; expires_at: Date },
  ): Promise<IdempotencyRecord | undefined> {
    const [row] = await db<IdempotencyRecord>("idempotency_keys")
      .insert({ ...input, status: "in_progress" })
      .onConflict(["org_id", "key"])
      .ignore()
      .returning("*");
    return row;
  },

  async find(db: Db, orgId: string, key: string): Promise<IdempotencyRecord | undefined> {
    return db<IdempotencyRecord>("idempotency_keys").where({ org_id: orgId, key }).first();
  },

  async complete(db: Db, id: string, status: number, body: unknown): Promise<void> {
    await db("idempotency_keys")
      .where({ id })
      .update({
        status: "completed",
        response_status: status,
        response_body: JSON.stringify(body ?? null),
        completed_at: db.fn.now(),
      });
  },

  /** Gives the key back (the request failed in a way a retry may fix). */
  async release(db: Db, id: string): Promise<void> {
    await db("idempotency_keys").where({ id, status: "in_progress" }).delete();
  },

  async purgeExpired(db: Db, now: Date, limit: number): Promise<number> {
    const expired = db("idempotency_keys").select("id").where("expires_at", "<", now).limit(limit);
    return db("idempotency_keys").whereIn("id", expired).delete();
  },
};

import { Db } from "../db/knex";
import { Notification } from "../models/types";

export const notifications = {
  /** Inserts unless this event already produced its notification; true when inserted. */
  async insertOnce(
    trx: Db,
    input: { org_id: string; customer_id: string | null; event_id: string; kind: string; title: string; body: string; payload: Record<string, unknown> },
  ): Promise<boolean> {
    const rows = await trx("notifications")
      .insert({ ...input, payload: JSON.stringify(input.payload) })
      .onConflict("event_id")
      .ignore()
      .returning("id");
    return rows.length > 0;
  },

  async list(
    db: Db,
    orgId: string,
    options: { limit: number; after?: { k: string; id: string }; customerId?: string | null },
  ): Promise<Notification[]> {
    const query = db<Notification>("notifications")
      .where({ org_id: orgId })
      .orderBy([{ column: "created_at", order: "desc" }, { column: "id", order: "desc" }])
      .limit(options.limit + 1);
    if (options.customerId) query.where({ customer_id: options.customerId });
    if (options.after) query.whereRaw("(created_at, id) < (?, ?)", [options.after.k, options.after.id]);
    return query;
  },
};

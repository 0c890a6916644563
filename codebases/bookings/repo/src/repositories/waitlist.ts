import { Db } from "../db/knex";
import { WaitlistEntry, WaitlistStatus } from "../models/types";

export const waitlist = {
  async insert(
    db: Db,
    input: { org_id: string; resource_id: string; customer_id: string; starts_at: Date; ends_at: Date },
  ): Promise<WaitlistEntry> {
    const [row] = await db<WaitlistEntry>("waitlist_entries").insert(input).returning("*");
    return row;
  },

  async findById(db: Db, orgId: string, id: string): Promise<WaitlistEntry | undefined> {
    return db<WaitlistEntry>("waitlist_entries").where({ org_id: orgId, id }).first();
  },

  async list(
    db: Db,
    orgId: string,
    options: { limit: number; after?: { k: string; id: string }; resourceId?: string; status?: WaitlistStatus; customerId?: string | null },
  ): Promise<WaitlistEntry[]> {
    const query = db<WaitlistEntry>("waitlist_entries")
      .where({ org_id: orgId })
      .orderBy([{ column: "created_at" }, { column: "id" }])
      .limit(options.limit + 1);
    if (options.resourceId) query.where({ resource_id: options.resourceId });
    if (options.status) query.where({ status: options.status });
    if (options.customerId) query.where({ customer_id: options.customerId });
    if (options.after) query.whereRaw("(created_at, id) > (?, ?)", [options.after.k, options.after.id]);
    return query;
  },

  async setStatus(db: Db, orgId: string, id: string, status: WaitlistStatus): Promise<WaitlistEntry | undefined> {
    const [row] = await db<WaitlistEntry>("waitlist_entries")
      .where({ org_id: orgId, id })
      .update({ status, notified_at: status === "notified" ? (db.fn.now() as unknown as Date) : undefined })
      .returning("*");
    return row;
  },

  /** Waiting entries of the resource whose wanted time overlaps [start, end), first come first. */
  async waitingOverlapping(trx: Db, resourceId: string, start: Date, end: Date): Promise<WaitlistEntry[]> {
    return trx<WaitlistEntry>("waitlist_entries")
      .where({ resource_id: resourceId, status: "waiting" })
      .andWhere("starts_at", "<", end)
      .andWhere("ends_at", ">", start)
      .orderBy([{ column: "created_at" }, { column: "id" }])
      .forUpdate()
      .skipLocked();
  },

  async hasWaiting(db: Db, orgId: string, resourceId: string, customerId: string, start: Date, end: Date) {
    const row = await db("waitlist_entries")
      .where({ org_id: orgId, resource_id: resourceId, customer_id: customerId, status: "waiting" })
      .andWhere({ starts_at: start, ends_at: end })
      .first("id");
    return row !== undefined;
  },
};

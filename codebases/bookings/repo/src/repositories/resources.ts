import { Db } from "../db/knex";
import { Resource, ResourceKind } from "../models/types";

export type NewResource = Omit<Resource, "id" | "active" | "version" | "created_at" | "updated_at">;
export type ResourceChanges = Partial<
  Omit<Resource, "id" | "org_id" | "venue_id" | "currency" | "slot_minutes" | "version" | "created_at" | "updated_at">
>;

export const resources = {
  async create(db: Db, input: NewResource): Promise<Resource> {
    const [row] = await db<Resource>("resources").insert(input).returning("*");
    return row;
  },

  async findById(db: Db, orgId: string, id: string): Promise<Resource | undefined> {
    return db<Resource>("resources").where({ org_id: orgId, id }).first();
  },

  /**
   * The resource row locked until the transaction ends: bookings of one resource are created
   * one at a time, so two requests cannot both see a slot free and both take it.
   */
  async lockForBooking(trx: Db, orgId: string, id: string): Promise<Resource | undefined> {
    return trx<Resource>("resources").where({ org_id: orgId, id }).forUpdate().first();
  },

  async list(
    db: Db,
    orgId: string,
    options: { limit: number; afterId?: string; venueId?: string; kind?: ResourceKind; active?: boolean },
  ): Promise<Resource[]> {
    const query = db<Resource>("resources")
      .where({ org_id: orgId })
      .orderBy("id")
      .limit(options.limit + 1);
    if (options.venueId) query.where({ venue_id: options.venueId });
    if (options.kind) query.where({ kind: options.kind });
    if (options.active !== undefined) query.where({ active: options.active });
    if (options.afterId) query.where("id", ">", options.afterId);
    return query;
  },

  /**
   * Applies `changes` when the row is still at `expectedVersion` (when given) and bumps the
   * version; undefined when no row matched (missing, or changed meanwhile).
   */
  async update(
    db: Db,
    orgId: string,
    id: string,
    changes: ResourceChanges,
    expectedVersion?: number,
  ): Promise<Resource | undefined> {
    const query = db<Resource>("resources").where({ org_id: orgId, id });
    if (expectedVersion !== undefined) query.andWhere({ version: expectedVersion });
    const [row] = await query
      .update({
        ...changes,
        version: db.raw("version + 1") as unknown as number,
        updated_at: db.fn.now() as unknown as Date,
      })
      .returning("*");
    return row;
  },
};

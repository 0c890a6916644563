import { Db } from "../db/knex";
import { Venue } from "../models/types";

export const venues = {
  async create(db: Db, input: { org_id: string; name: string; address?: string | null; timezone: string }): Promise<Venue> {
    const [row] = await db<Venue>("venues").insert(input).returning("*");
    return row;
  },

  async findById(db: Db, orgId: string, id: string): Promise<Venue | undefined> {
    return db<Venue>("venues").where({ org_id: orgId, id }).first();
  },

  async list(db: Db, orgId: string, limit: number, afterId?: string): Promise<Venue[]> {
    const query = db<Venue>("venues")
      .where({ org_id: orgId })
      .orderBy("id")
      .limit(limit + 1);
    if (afterId) query.where("id", ">", afterId);
    return query;
  },

  async update(db: Db, orgId: string, id: string, changes: Partial<Pick<Venue, "name" | "address" | "timezone">>) {
    const [row] = await db<Venue>("venues")
      .where({ org_id: orgId, id })
      .update({ ...changes, updated_at: db.fn.now() as unknown as Date })
      .returning("*");
    return row as Venue | undefined;
  },

  async remove(db: Db, orgId: string, id: string): Promise<number> {
    return db("venues").where({ org_id: orgId, id }).delete();
  },

  async countResources(db: Db, orgId: string, venueId: string): Promise<number> {
    const row = await db("resources").where({ org_id: orgId, venue_id: venueId }).count<{ count: string }[]>("* as count").first();
    return Number(row?.count ?? 0);
  },
};

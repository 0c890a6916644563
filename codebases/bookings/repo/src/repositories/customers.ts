import { Db } from "../db/knex";
import { Customer } from "../models/types";

export const customers = {
  async create(db: Db, input: { org_id: string; email: string; name: string; phone?: string | null }): Promise<Customer> {
    const [row] = await db<Customer>("customers").insert(input).returning("*");
    return row;
  },

  async findById(db: Db, orgId: string, id: string): Promise<Customer | undefined> {
    return db<Customer>("customers").where({ org_id: orgId, id }).first();
  },

  async list(
    db: Db,
    orgId: string,
    options: { limit: number; after?: { k: string; id: string }; email?: string },
  ): Promise<Customer[]> {
    const query = db<Customer>("customers")
      .where({ org_id: orgId })
      .orderBy("id")
      .limit(options.limit + 1);
    if (options.email) query.whereRaw("lower(email) = ?", [options.email.toLowerCase()]);
    if (options.after) query.where("id", ">", options.after.id);
    return query;
  },
};

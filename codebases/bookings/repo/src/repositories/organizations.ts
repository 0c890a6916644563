import { Db } from "../db/knex";
import { Organization } from "../models/types";

export const organizations = {
  async create(db: Db, input: { slug: string; name: string }): Promise<Organization> {
    const [row] = await db<Organization>("organizations").insert(input).returning("*");
    return row;
  },

  async findBySlug(db: Db, slug: string): Promise<Organization | undefined> {
    return db<Organization>("organizations").where({ slug }).first();
  },

  async findById(db: Db, id: string): Promise<Organization | undefined> {
    return db<Organization>("organizations").where({ id }).first();
  },
};

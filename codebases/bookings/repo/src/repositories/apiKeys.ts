import { Db } from "../db/knex";
import { ApiKeyRow, Role } from "../models/types";

export interface NewApiKey {
  org_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  role: Role;
  customer_id?: string | null;
  expires_at?: Date | null;
}

export const apiKeys = {
  async create(db: Db, input: NewApiKey): Promise<ApiKeyRow> {
    const [row] = await db<ApiKeyRow>("api_keys").insert(input).returning("*");
    return row;
  },

  /** Authentication looks keys up by their public prefix, across tenants (the key names its tenant). */
  async findByPrefix(db: Db, prefix: string): Promise<ApiKeyRow | undefined> {
    return db<ApiKeyRow>("api_keys").where({ prefix }).first();
  },

  async findById(db: Db, orgId: string, id: string): Promise<ApiKeyRow | undefined> {
    return db<ApiKeyRow>("api_keys").where({ org_id: orgId, id }).first();
  },

  async list(db: Db, orgId: string, limit: number, after?: { k: string; id: string }): Promise<ApiKeyRow[]> {
    const query = db<ApiKeyRow>("api_keys")
      .where({ org_id: orgId })
      .orderBy([{ column: "created_at" }, { column: "id" }])
      .limit(limit + 1);
    if (after) query.whereRaw("(created_at, id) > (?, ?)", [after.k, after.id]);
    return query;
  },

  async revoke(db: Db, orgId: string, id: string): Promise<ApiKeyRow | undefined> {
    const [row] = await db<ApiKeyRow>("api_keys")
      .where({ org_id: orgId, id })
      .update({ revoked_at: db.fn.now() as unknown as Date })
      .returning("*");
    return row;
  },

  /** Records use, at most once a minute per key (a write per request would be a hot row). */
  async touch(db: Db, id: string): Promise<void> {
    await db("api_keys")
      .where({ id })
      .andWhere((q) => q.whereNull("last_used_at").orWhereRaw("last_used_at < now() - interval '60 seconds'"))
      .update({ last_used_at: db.fn.now() });
  },
};

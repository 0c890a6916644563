/**
 * API keys: `bk_<prefix>_<secret>`. Only a SHA-256 of the whole key is stored; the prefix finds
 * the row, the hash proves the key. A key is shown once, when it is made.
 */
import { Db } from "../db/knex";
import { randomToken, safeEqualHex, sha256Hex } from "../lib/crypto";
import { badRequest, notFound } from "../lib/errors";
import { logger } from "../lib/logger";
import { decodeCursor, Page, pageOf } from "../lib/pagination";
import { toIso } from "../lib/time";
import { apiKeyView } from "../models/views";
import { ApiKeyRow, Principal, Role } from "../models/types";
import { apiKeys } from "../repositories/apiKeys";
import { customers } from "../repositories/customers";

const KEY_FORMAT = /^bk_([a-z0-9]{8})_([a-z0-9]{32})$/;

export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const prefix = randomToken(8);
  const key = `bk_${prefix}_${randomToken(32)}`;
  return { key, prefix, hash: sha256Hex(key) };
}

/** A key made from a seed string: the same seed always gives the same key (fixtures, demos). */
export function deterministicApiKey(seed: string): { key: string; prefix: string; hash: string } {
  const digest = sha256Hex(`bookings-seed:${seed}`);
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const chars = [...Buffer.from(digest, "hex"), ...Buffer.from(sha256Hex(digest), "hex")].map((b) => alphabet[b % 36]);
  const prefix = chars.slice(0, 8).join("");
  const key = `bk_${prefix}_${chars.slice(8, 40).join("")}`;
  return { key, prefix, hash: sha256Hex(key) };
}

export function parseApiKey(raw: string): { prefix: string } | null {
  const match = KEY_FORMAT.exec(raw);
  return match ? { prefix: match[1] } : null;
}

/** The principal a presented key stands for, or null (unknown, wrong, revoked or expired key). */
export async function authenticate(db: Db, raw: string, now: Date): Promise<Principal | null> {
  const parsed = parseApiKey(raw);
  if (!parsed) return null;
  const row = await apiKeys.findByPrefix(db, parsed.prefix);
  if (!row) return null;
  if (!safeEqualHex(row.key_hash, sha256Hex(raw))) return null;
  if (row.revoked_at !== null) return null;
  if (row.expires_at !== null && row.expires_at.getTime() <= now.getTime()) return null;
  apiKeys.touch(db, row.id).catch((err) => logger().warn("could not record API key use", { error: (err as Error).message }));
  return { orgId: row.org_id, apiKeyId: row.id, role: row.role, customerId: row.customer_id };
}

export async function createApiKey(
  db: Db,
  orgId: string,
  input: { name: string; role: Role; customer_id?: string; expires_at?: Date },
  now: Date,
): Promise<{ key: string; row: ApiKeyRow }> {
  if (input.customer_id) {
    const customer = await customers.findById(db, orgId, input.customer_id);
    if (!customer) throw notFound("customer");
  }
  if (input.role !== "member" && input.customer_id) {
    throw badRequest("only member keys act as a customer", [{ field: "customer_id", message: "only for role member" }]);
  }
  if (input.expires_at && input.expires_at.getTime() <= now.getTime()) {
    throw badRequest("expires_at is in the past", [{ field: "expires_at", message: "must be in the future" }]);
  }
  const made = generateApiKey();
  const row = await apiKeys.create(db, {
    org_id: orgId,
    name: input.name,
    prefix: made.prefix,
    key_hash: made.hash,
    role: input.role,
    customer_id: input.customer_id ?? null,
    expires_at: input.expires_at ?? null,
  });
  return { key: made.key, row };
}

export async function listApiKeys(db: Db, principal: Principal, limit: number, cursor?: string): Promise<Page<ReturnType<typeof apiKeyView>>> {
  const after = decodeCursor(cursor) ?? undefined;
  const rows = await apiKeys.list(db, principal.orgId, limit, after);
  const page = pageOf(rows, limit, (k) => ({ k: toIso(k.created_at)!, id: k.id }));
  return { data: page.data.map(apiKeyView), next_cursor: page.next_cursor };
}

export async function revokeApiKey(db: Db, principal: Principal, id: string) {
  const row = await apiKeys.revoke(db, principal.orgId, id);
  if (!row) throw notFound("API key");
  logger().info("API key revoked", { revoked_key_id: id });
  return apiKeyView(row);
}

/**
 * The PostgreSQL connection pool (node-postgres under knex). Every connection gets a statement
 * timeout, so one slow query cannot hold a request (and a pool slot) forever.
 */
import knexFactory, { Knex } from "knex";
import { Config } from "../config";
import { logger } from "../lib/logger";

export type Db = Knex | Knex.Transaction;

export function createDb(config: Config, options: { application?: string } = {}): Knex {
  return knexFactory({
    client: "pg",
    connection: {
      connectionString: config.databaseUrl,
      application_name: options.application ?? "bookings",
      statement_timeout: config.db.statementTimeoutMs || undefined,
      connectionTimeoutMillis: config.db.connectTimeoutMs,
    },
    pool: {
      min: config.db.poolMin,
      max: config.db.poolMax,
      idleTimeoutMillis: 30_000,
    },
    acquireConnectionTimeout: Math.max(config.db.connectTimeoutMs, 2000),
    log: {
      warn: (message: unknown) => logger().warn("knex warning", { detail: String(message) }),
      error: (message: unknown) => logger().error("knex error", { detail: String(message) }),
      deprecate: () => undefined,
      debug: () => undefined,
    },
  });
}

/** Pool occupancy for /metrics. */
export function poolStats(db: Knex): { used: number; free: number; pending: number } {
  const pool = (db.client as { pool?: { numUsed(): number; numFree(): number; numPendingAcquires(): number } }).pool;
  if (!pool) return { used: 0, free: 0, pending: 0 };
  return { used: pool.numUsed(), free: pool.numFree(), pending: pool.numPendingAcquires() };
}

/** A trivial query with its own deadline: what /ready asks the database. */
export async function pingDb(db: Knex, timeoutMs: number): Promise<void> {
  await db.raw("select 1").timeout(timeoutMs, { cancel: true });
}

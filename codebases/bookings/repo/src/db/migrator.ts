/**
 * Plain SQL migrations: `migrations/NNNN_name.up.sql` and `NNNN_name.down.sql`, applied in order,
 * each in its own transaction, recorded in `schema_migrations`. A session advisory lock keeps two
 * migrators (two deploys starting at once) from applying the same step twice.
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { Client } from "pg";
import { sha256Hex } from "../lib/crypto";
import { Logger, logger } from "../lib/logger";
import { migrationsDir } from "./paths";

export interface Migration {
  version: number;
  name: string;
  up: string;
  down: string | null;
  checksum: string;
}

export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
  applied_at: Date;
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.(up|down)\.sql$/;
const LOCK_KEY = 72_114_001;

export function loadMigrations(dir: string = migrationsDir()): Migration[] {
  const byVersion = new Map<number, Partial<Migration>>();
  for (const file of readdirSync(dir).sort()) {
    const match = FILE.exec(file);
    if (!match) continue;
    const version = Number(match[1]);
    const entry = byVersion.get(version) ?? { version, name: match[2] };
    if (entry.name !== match[2]) throw new Error(`migration ${version} has two names: ${entry.name}, ${match[2]}`);
    const sql = readFileSync(path.join(dir, file), "utf8");
    if (match[3] === "up") entry.up = sql;
    else entry.down = sql;
    byVersion.set(version, entry);
  }
  const migrations = [...byVersion.values()]
    .map((m) => {
      if (!m.up) throw new Error(`migration ${m.version}_${m.name} has no .up.sql`);
      return { version: m.version!, name: m.name!, up: m.up, down: m.down ?? null, checksum: sha256Hex(m.up) };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrations must be numbered 1, 2, 3...: found ${m.version} at position ${i + 1}`);
  });
  return migrations;
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain schema name: ${name}`);
  return `"${name}"`;
}

export class Migrator {
  private readonly log: Logger;

  constructor(
    private readonly databaseUrl: string,
    private readonly options: { schema?: string; dir?: string; log?: Logger } = {},
  ) {
    this.log = options.log ?? logger().child({ component: "migrate" });
  }

  private async connect(): Promise<Client> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: "bookings-migrate" });
    await client.connect();
    if (this.options.schema) {
      const schema = quoteIdent(this.options.schema);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(`SET search_path TO ${schema}, public`);
    }
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version     integer PRIMARY KEY,
        name        text NOT NULL,
        checksum    text NOT NULL,
        applied_at  timestamptz NOT NULL DEFAULT now()
    )`);
    return client;
  }

  private async withLock<T>(fn: (client: Client) => Promise<T>): Promise<T> {
    const client = await this.connect();
    try {
      await client.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
      try {
        return await fn(client);
      } finally {
        await client.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]);
      }
    } finally {
      await client.end();
    }
  }

  private async applied(client: Client): Promise<AppliedMigration[]> {
    const result = await client.query<AppliedMigration>(
      "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version",
    );
    return result.rows;
  }

  async status(): Promise<{ version: number; name: string; applied: boolean; changed: boolean }[]> {
    const migrations = loadMigrations(this.options.dir);
    const client = await this.connect();
    try {
      const applied = new Map((await this.applied(client)).map((a) => [a.version, a]));
      return migrations.map((m) => ({
        version: m.version,
        name: m.name,
        applied: applied.has(m.version),
        changed: applied.has(m.version) && applied.get(m.version)!.checksum !== m.checksum,
      }));
    } finally {
      await client.end();
    }
  }

  /** Applies every pending migration up to `target` (default: the last). Returns the versions applied. */
  async up(target?: number): Promise<number[]> {
    const migrations = loadMigrations(this.options.dir);
    return this.withLock(async (client) => {
      const applied = await this.applied(client);
      const done = new Set(applied.map((a) => a.version));
      for (const a of applied) {
        const file = migrations.find((m) => m.version === a.version);
        if (file && file.checksum !== a.checksum) {
          this.log.warn("an applied migration's file has changed since it ran", { version: a.version, name: a.name });
        }
      }
      const ran: number[] = [];
      for (const m of migrations) {
        if (done.has(m.version) || (target !== undefined && m.version > target)) continue;
        await client.query("BEGIN");
        try {
          await client.query(m.up);
          await client.query("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", [
            m.version,
            m.name,
            m.checksum,
          ]);
          await client.query("COMMIT");
        } catch (err) {
          await client.query("ROLLBACK");
          throw new Error(`migration ${m.version}_${m.name} failed: ${(err as Error).message}`);
        }
        this.log.info("migration applied", { version: m.version, name: m.name });
        ran.push(m.version);
      }
      return ran;
    });
  }

  /** Reverts applied migrations, newest first, down to (not including) `target` (default: one step). */
  async down(target?: number): Promise<number[]> {
    const migrations = loadMigrations(this.options.dir);
    return this.withLock(async (client) => {
      const applied = (await this.applied(client)).map((a) => a.version).sort((a, b) => b - a);
      const stopAt = target ?? (applied.length ? applied[0] - 1 : 0);
      const reverted: number[] = [];
      for (const version of applied) {
        if (version <= stopAt) break;
        const m = migrations.find((x) => x.version === version);
        if (!m || m.down === null) throw new Error(`migration ${version} cannot be reverted: no .down.sql`);
        await client.query("BEGIN");
        try {
          await client.query(m.down);
          await client.query("DELETE FROM schema_migrations WHERE version = $1", [version]);
          await client.query("COMMIT");
        } catch (err) {
          await client.query("ROLLBACK");
          throw new Error(`reverting migration ${version}_${m.name} failed: ${(err as Error).message}`);
        }
        this.log.info("migration reverted", { version, name: m.name });
        reverted.push(version);
      }
      return reverted;
    });
  }

  /** Drops the migrator's own schema (tests that migrate a throwaway schema). */
  async dropSchema(): Promise<void> {
    if (!this.options.schema) throw new Error("dropSchema needs a schema");
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(this.options.schema)} CASCADE`);
    } finally {
      await client.end();
    }
  }
}

/**
 * Schema migrations: `node dist/migrate.js up [VERSION]`, `down [VERSION]` (revert down to
 * VERSION, default: the last one only), `status`. Needs only DATABASE_URL.
 */
import { normalizeDatabaseUrl } from "./config";
import { Migrator } from "./db/migrator";
import { configureLogger, logger } from "./lib/logger";

function usage(): never {
  process.stderr.write("usage: node dist/migrate.js up [VERSION] | down [VERSION] | status\n");
  process.exit(2);
}

function versionArg(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) usage();
  return Number(value);
}

async function main(argv: string[]): Promise<void> {
  configureLogger((process.env.LOG_LEVEL as "info") ?? "info", { process: "migrate" });
  const url = process.env.DATABASE_URL;
  if (!url) {
    process.stderr.write("DATABASE_URL is required\n");
    process.exit(2);
  }
  const migrator = new Migrator(normalizeDatabaseUrl(url), { schema: process.env.DB_SCHEMA || undefined });
  const [command = "up", arg] = argv;
  switch (command) {
    case "up": {
      const applied = await migrator.up(versionArg(arg));
      logger().info("migrations up to date", { applied });
      break;
    }
    case "down": {
      const reverted = await migrator.down(versionArg(arg));
      logger().info("migrations reverted", { reverted });
      break;
    }
    case "status": {
      for (const m of await migrator.status()) {
        process.stdout.write(`${String(m.version).padStart(4, "0")} ${m.name} ${m.applied ? "applied" : "pending"}${m.changed ? " (file changed)" : ""}\n`);
      }
      break;
    }
    default:
      usage();
  }
}

main(process.argv.slice(2)).catch((err) => {
  logger().error("migration failed", { error: (err as Error).message });
  process.exit(1);
});

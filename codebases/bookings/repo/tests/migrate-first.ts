/** Brings the test database's schema up to date before the suite runs (npm test calls it). */
import { normalizeDatabaseUrl } from "../src/config";
import { Migrator } from "../src/db/migrator";
import { configureLogger } from "../src/lib/logger";

configureLogger("warn");
const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write("DATABASE_URL is required for the tests\n");
  process.exit(2);
}
new Migrator(normalizeDatabaseUrl(url))
  .up()
  .then(() => process.exit(0))
  .catch((err) => {
    process.stderr.write(`migrations failed: ${(err as Error).message}\n`);
    process.exit(1);
  });

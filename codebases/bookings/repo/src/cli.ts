/**
 * Operator commands (output is JSON on stdout):
 *   node dist/cli.js create-org SLUG [NAME]            a tenant and its first admin key
 *   node dist/cli.js create-key SLUG ROLE [CUSTOMER_ID] another key of a tenant
 */
import knexFactory from "knex";
import { normalizeDatabaseUrl } from "./config";
import { configureLogger } from "./lib/logger";
import { Role } from "./models/types";
import { organizations } from "./repositories/organizations";
import { createApiKey } from "./services/apiKeys";

function fail(message: string, code = 2): never {
  process.stderr.write(message + "\n");
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  configureLogger("warn", { process: "cli" });
  const url = process.env.DATABASE_URL ?? fail("DATABASE_URL is required");
  const db = knexFactory({ client: "pg", connection: normalizeDatabaseUrl(url), pool: { min: 0, max: 1 } });
  try {
    const [command, ...args] = argv;
    if (command === "create-org") {
      const [slug, name] = args;
      if (!slug || !/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug)) fail("create-org needs a slug: lowercase letters, digits, dashes");
      if (await organizations.findBySlug(db, slug)) fail(`an organization '${slug}' exists already`, 1);
      const result = await db.transaction(async (trx) => {
        const org = await organizations.create(trx, { slug, name: name ?? slug });
        const made = await createApiKey(trx, org.id, { name: "first admin key", role: "admin" }, new Date());
        return { org_id: org.id, slug: org.slug, api_key_id: made.row.id, admin_key: made.key };
      });
      process.stdout.write(JSON.stringify(result) + "\n");
      return;
    }
    if (command === "create-key") {
      const [slug, role, customerId] = args;
      if (!slug || !["admin", "staff", "member"].includes(role)) fail("create-key SLUG admin|staff|member [CUSTOMER_ID]");
      const org = (await organizations.findBySlug(db, slug)) ?? fail(`no organization '${slug}'`, 1);
      const made = await createApiKey(db, org.id, { name: `${role} key (cli)`, role: role as Role, customer_id: customerId }, new Date());
      process.stdout.write(JSON.stringify({ org_id: org.id, api_key_id: made.row.id, role, key: made.key }) + "\n");
      return;
    }
    fail("usage: node dist/cli.js create-org SLUG [NAME] | create-key SLUG ROLE [CUSTOMER_ID]");
  } finally {
    await db.destroy();
  }
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});

/** Migrations, run in a throwaway schema: up, down and up again; the reference backfill keeps data. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import knexFactory, { Knex } from "knex";
import { Migrator } from "../src/db/migrator";
import { bookingReference } from "../src/models/booking";
import { testConfig, uniqueSlug } from "./helpers";

const schema = uniqueSlug("mig").replace(/-/g, "_");
const config = testConfig();
const migrator = new Migrator(config.databaseUrl, { schema });
let db: Knex;

async function tables(): Promise<string[]> {
  const rows = await db("information_schema.tables").where({ table_schema: schema }).orderBy("table_name").pluck("table_name");
  return rows as string[];
}

before(async () => {
  db = knexFactory({ client: "pg", connection: config.databaseUrl, pool: { min: 0, max: 2 } });
});

after(async () => {
  await migrator.dropSchema();
  await db.destroy();
});

test("up applies every migration once; a second up does nothing", async () => {
  const applied = await migrator.up();
  assert.deepEqual(applied, [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(await migrator.up(), []);
  const names = await tables();
  for (const table of ["organizations", "api_keys", "bookings", "payments", "outbox", "webhook_deliveries", "schema_migrations"]) {
    assert.ok(names.includes(table), table);
  }
  const status = await migrator.status();
  assert.ok(status.every((m) => m.applied && !m.changed));
});

test("down to 0 removes everything but the ledger; up again rebuilds it", async () => {
  assert.deepEqual(await migrator.down(0), [6, 5, 4, 3, 2, 1]);
  assert.deepEqual(await tables(), ["schema_migrations"]);
  assert.deepEqual(await migrator.up(), [1, 2, 3, 4, 5, 6]);
});

test("the booking reference migration backfills existing rows and reverts cleanly", async () => {
  await migrator.down(5);
  const s = db.withSchema(schema);
  const [org] = await db.withSchema(schema).table("organizations").insert({ slug: "mig-org", name: "M" }).returning("*");
  const [customer] = await db.withSchema(schema).table("customers").insert({ org_id: org.id, email: "m@example.com", name: "M" }).returning("*");
  const [venue] = await db.withSchema(schema).table("venues").insert({ org_id: org.id, name: "V" }).returning("*");
  const [resource] = await db
    .withSchema(schema)
    .table("resources")
    .insert({ org_id: org.id, venue_id: venue.id, name: "R", kind: "room", price_per_slot_cents: 100 })
    .returning("*");
  const [booking] = await s
    .table("bookings")
    .insert({
      org_id: org.id,
      resource_id: resource.id,
      customer_id: customer.id,
      starts_at: new Date("2031-01-01T10:00:00Z"),
      ends_at: new Date("2031-01-01T11:00:00Z"),
      status: "confirmed",
      price_cents: 100,
      currency: "EUR",
    })
    .returning("*");
  assert.deepEqual(await migrator.up(), [6]);
  const after = await db.withSchema(schema).table("bookings").where({ id: booking.id }).first();
  assert.equal(after.reference, bookingReference(booking.id));
  assert.equal(after.price_cents, 100);
  assert.deepEqual(await migrator.down(5), [6]);
  const reverted = await db.withSchema(schema).table("bookings").where({ id: booking.id }).first();
  assert.equal(reverted.reference, undefined);
  assert.equal(reverted.status, "confirmed");
  await migrator.up();
});

/**
 * Loads the demo data, deterministically (same ids, same API keys every time):
 *   node dist/seed.js [--reset] [--bookings N]
 * --reset empties every table first; --bookings N adds N generated paid bookings per tenant
 * (from 2031-01-01 on, never overlapping). Prints what it made as JSON on stdout.
 */
import knexFactory, { Knex } from "knex";
import { normalizeDatabaseUrl } from "./config";
import { bookingReference } from "./models/booking";
import { priceFor, refundAmount } from "./models/pricing";
import { prng, stableUuid } from "./lib/ids";
import { configureLogger } from "./lib/logger";
import { addMs, DAY_MS, MINUTE_MS } from "./lib/time";
import { SEED_ORGS, SeedOrg, SeedResource } from "./seed/data";
import { deterministicApiKey } from "./services/apiKeys";

const TABLES = [
  "webhook_deliveries",
  "webhook_endpoints",
  "notifications",
  "outbox",
  "idempotency_keys",
  "waitlist_entries",
  "refunds",
  "payments",
  "bookings",
  "resources",
  "venues",
  "api_keys",
  "customers",
  "organizations",
];

function resourceRow(orgId: string, org: SeedOrg, r: SeedResource) {
  return {
    id: stableUuid(`${org.slug}:resource:${r.key}`),
    org_id: orgId,
    venue_id: stableUuid(`${org.slug}:venue:${r.venue}`),
    name: r.name,
    kind: r.kind,
    capacity: r.capacity ?? 1,
    slot_minutes: r.slot_minutes,
    price_per_slot_cents: r.price_per_slot_cents,
    currency: "EUR",
    open_minute: r.open_minute,
    close_minute: r.close_minute,
    min_slots: r.min_slots ?? 1,
    max_slots: r.max_slots ?? 8,
  };
}

async function seedOrg(db: Knex, org: SeedOrg, generated: number) {
  const orgId = stableUuid(`${org.slug}:org`);
  await db("organizations").insert({ id: orgId, slug: org.slug, name: org.name }).onConflict("id").ignore();
  for (const v of org.venues) {
    await db("venues")
      .insert({ id: stableUuid(`${org.slug}:venue:${v.key}`), org_id: orgId, name: v.name, address: v.address })
      .onConflict("id")
      .ignore();
  }
  const resources = org.resources.map((r) => resourceRow(orgId, org, r));
  await db("resources").insert(resources).onConflict("id").ignore();
  const customers = org.customers.map((c) => ({ id: stableUuid(`${org.slug}:customer:${c.key}`), org_id: orgId, email: c.email, name: c.name }));
  await db("customers").insert(customers).onConflict("id").ignore();

  const keys: Record<string, string> = {};
  for (const k of org.keys) {
    const made = deterministicApiKey(`${org.slug}:${k.role}`);
    keys[k.role] = made.key;
    await db("api_keys")
      .insert({
        id: stableUuid(`${org.slug}:key:${k.role}`),
        org_id: orgId,
        name: `${k.role} (seed)`,
        prefix: made.prefix,
        key_hash: made.hash,
        role: k.role,
        customer_id: k.customer ? stableUuid(`${org.slug}:customer:${k.customer}`) : null,
      })
      .onConflict("id")
      .ignore();
  }

  const byKey = new Map(org.resources.map((r, i) => [r.key, resources[i]]));
  const bookingRows: Record<string, unknown>[] = [];
  const paymentRows: Record<string, unknown>[] = [];
  const refundRows: Record<string, unknown>[] = [];
  const addBooking = (key: string, resource: ReturnType<typeof resourceRow>, customerId: string, start: Date, end: Date, status: string, notes: string | null, refundPercent = 0) => {
    const id = stableUuid(`${org.slug}:booking:${key}`);
    const price = priceFor(resource, start, end);
    const cancelled = status === "cancelled";
    bookingRows.push({
      id,
      org_id: orgId,
      reference: bookingReference(id),
      resource_id: resource.id,
      customer_id: customerId,
      starts_at: start,
      ends_at: end,
      status,
      hold_expires_at: null,
      price_cents: price,
      currency: "EUR",
      notes,
      confirmed_at: addMs(start, -7 * DAY_MS),
      cancelled_at: cancelled ? addMs(start, -3 * DAY_MS) : null,
      cancel_reason: cancelled ? "customer request" : null,
      created_at: addMs(start, -8 * DAY_MS),
      updated_at: addMs(start, -7 * DAY_MS),
    });
    const paymentId = stableUuid(`${org.slug}:payment:${key}`);
    const refunded = cancelled ? refundAmount(price, 0, refundPercent) : 0;
    paymentRows.push({
      id: paymentId,
      org_id: orgId,
      booking_id: id,
      amount_cents: price,
      refunded_cents: refunded,
      currency: "EUR",
      status: refunded === 0 ? "captured" : refunded >= price ? "refunded" : "partially_refunded",
      gateway_ref: `ch_seed_${key}`,
      created_at: addMs(start, -7 * DAY_MS),
    });
    if (refunded > 0) {
      refundRows.push({
        id: stableUuid(`${org.slug}:refund:${key}`),
        org_id: orgId,
        payment_id: paymentId,
        booking_id: id,
        amount_cents: refunded,
        reason: "customer request",
        gateway_ref: `re_seed_${key}`,
        created_at: addMs(start, -3 * DAY_MS),
      });
    }
  };

  for (const b of org.bookings) {
    addBooking(
      b.key,
      byKey.get(b.resource)!,
      stableUuid(`${org.slug}:customer:${b.customer}`),
      new Date(b.starts_at),
      new Date(b.ends_at),
      b.status,
      b.notes ?? null,
      b.refund_percent ?? 0,
    );
  }

  // generated bookings: one slot each, walking resources, then slots, then days
  const random = prng(generated * 31 + org.slug.length);
  const firstDay = new Date("2031-01-01T00:00:00Z");
  const cursor = resources.map(() => ({ day: 0, slot: 0 }));
  for (let i = 0; i < generated; i++) {
    const ri = i % resources.length;
    const resource = resources[ri];
    const slotsPerDay = Math.floor((resource.close_minute - resource.open_minute) / resource.slot_minutes);
    const at = cursor[ri];
    const start = addMs(firstDay, at.day * DAY_MS + (resource.open_minute + at.slot * resource.slot_minutes) * MINUTE_MS);
    const end = addMs(start, resource.slot_minutes * MINUTE_MS);
    at.slot += 1;
    if (at.slot >= slotsPerDay) {
      at.slot = 0;
      at.day += 1;
    }
    const customer = customers[Math.floor(random() * customers.length)];
    const cancelled = random() < 0.1;
    addBooking(`gen-${i}`, resource, customer.id, start, end, cancelled ? "cancelled" : "confirmed", random() < 0.3 ? `generated booking ${i}` : null, cancelled ? 50 : 0);
  }

  for (const [table, rows] of [["bookings", bookingRows], ["payments", paymentRows], ["refunds", refundRows]] as const) {
    for (let i = 0; i < rows.length; i += 500) {
      await db(table).insert(rows.slice(i, i + 500)).onConflict("id").ignore();
    }
  }

  return {
    id: orgId,
    slug: org.slug,
    keys,
    venues: Object.fromEntries(org.venues.map((v) => [v.key, stableUuid(`${org.slug}:venue:${v.key}`)])),
    resources: Object.fromEntries(org.resources.map((r) => [r.key, stableUuid(`${org.slug}:resource:${r.key}`)])),
    customers: Object.fromEntries(org.customers.map((c) => [c.key, stableUuid(`${org.slug}:customer:${c.key}`)])),
    bookings: bookingRows.length,
  };
}

export async function seed(db: Knex, options: { reset: boolean; bookings: number }) {
  if (options.reset) await db.raw(`TRUNCATE ${TABLES.join(", ")} RESTART IDENTITY CASCADE`);
  const orgs: Record<string, unknown> = {};
  for (const org of SEED_ORGS) {
    orgs[org.slug] = await db.transaction((trx) => seedOrg(trx, org, options.bookings));
  }
  return { orgs };
}

async function main(argv: string[]): Promise<void> {
  configureLogger("warn", { process: "seed" });
  const url = process.env.DATABASE_URL;
  if (!url) {
    process.stderr.write("DATABASE_URL is required\n");
    process.exit(2);
  }
  const reset = argv.includes("--reset");
  const at = argv.indexOf("--bookings");
  const bookings = at >= 0 ? Number(argv[at + 1]) : 0;
  if (!Number.isInteger(bookings) || bookings < 0 || bookings > 1_000_000) {
    process.stderr.write("--bookings takes a whole number (0 to 1000000)\n");
    process.exit(2);
  }
  const db = knexFactory({ client: "pg", connection: normalizeDatabaseUrl(url), pool: { min: 0, max: 2 } });
  try {
    const result = await seed(db, { reset, bookings });
    process.stdout.write(JSON.stringify(result, null, 2) + "\n");
  } finally {
    await db.destroy();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`seed failed: ${(err as Error).message}\n`);
    process.exit(1);
  });
}

/** Bookings end to end: holds, conflicts, concurrency, idempotency, payment, cancellation, listing. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { LocalGateway } from "../src/payments/localGateway";
import { book, call, future, newTenant, startApp, Tenant, TestApp, testDeps } from "./helpers";

let app: TestApp;
let t: Tenant;
const gateway = new LocalGateway();

before(async () => {
  app = await startApp(await testDeps({ RATE_LIMIT_BOOKINGS_MAX: "1000", RATE_LIMIT_MAX: "5000" }, { gateway }));
  t = await newTenant(app);
});

after(async () => {
  await app.close();
});

test("a new booking is a hold with the price of its slots and an outbox event", async () => {
  const r = await book(app, t, { days: 10, hour: 9, hours: 2 });
  assert.equal(r.status, 201);
  assert.equal(r.body.status, "held");
  assert.equal(r.body.price_cents, 5000);
  assert.equal(r.body.currency, "EUR");
  assert.match(r.body.reference, /^BK-[0-9A-F]{8}$/);
  const expires = new Date(r.body.hold_expires_at).getTime();
  assert.ok(expires > Date.now() + 500_000 && expires < Date.now() + 700_000);
  const events = await app.deps.db("outbox").where({ aggregate_id: r.body.id });
  assert.deepEqual(
    events.map((e: { event_type: string }) => e.event_type),
    ["booking.held"],
  );
});

test("overlapping bookings are refused with 409; touching ones are fine", async () => {
  assert.equal((await book(app, t, { days: 11, hour: 10, hours: 2 })).status, 201);
  const clash = await book(app, t, { days: 11, hour: 11, customer: t.bob });
  assert.equal(clash.status, 409);
  assert.equal(clash.body.error.code, "slot_unavailable");
  assert.equal((await book(app, t, { days: 11, hour: 12, customer: t.bob })).status, 201);
  assert.equal((await book(app, t, { days: 11, hour: 9, customer: t.bob })).status, 201);
});

test("slot rules: off-grid, closed hours, too long and past times are 422; bad bodies 400", async () => {
  const body = (starts: string, ends: string) => ({ resource_id: t.courtId, customer_id: t.alice, starts_at: starts, ends_at: ends });
  const offGrid = await call(app.url, "POST", "/v1/bookings", { key: t.staff, body: body(future(12, 10, 30), future(12, 11, 30)) });
  assert.equal(offGrid.status, 422);
  assert.equal(offGrid.body.error.code, "invalid_slot");
  assert.equal((await call(app.url, "POST", "/v1/bookings", { key: t.staff, body: body(future(12, 5), future(12, 6)) })).status, 422);
  assert.equal((await call(app.url, "POST", "/v1/bookings", { key: t.staff, body: body(future(12, 8), future(12, 12)) })).status, 422);
  assert.equal((await call(app.url, "POST", "/v1/bookings", { key: t.staff, body: body(future(-2, 10), future(-2, 11)) })).status, 422);
  const backwards = await call(app.url, "POST", "/v1/bookings", { key: t.staff, body: body(future(12, 11), future(12, 10)) });
  assert.equal(backwards.status, 400);
  const noTz = await call(app.url, "POST", "/v1/bookings", { key: t.staff, body: body("2031-01-01T10:00:00", "2031-01-01T11:00:00") });
  assert.equal(noTz.status, 400);
  const noCustomer = await call(app.url, "POST", "/v1/bookings", { key: t.staff, body: { resource_id: t.courtId, starts_at: future(12, 10), ends_at: future(12, 11) } });
  assert.equal(noCustomer.status, 422);
  assert.equal(noCustomer.body.error.code, "customer_required");
});

test("concurrent requests for the same slot: exactly one wins", async () => {
  const attempts = await Promise.all(
    Array.from({ length: 8 }, (_, i) => book(app, t, { days: 13, hour: 14, customer: i % 2 ? t.alice : t.bob })),
  );
  const statuses = attempts.map((a) => a.status).sort();
  assert.deepEqual(statuses, [201, 409, 409, 409, 409, 409, 409, 409]);
  const rows = await app.deps.db("bookings").where({ resource_id: t.courtId, starts_at: new Date(future(13, 14)) });
  assert.equal(rows.length, 1);
});

test("Idempotency-Key: a retry gets the first answer; another body with the key is 422", async () => {
  const headers = { "idempotency-key": `retry-${Date.now()}` };
  const first = await book(app, t, { days: 14, hour: 10, headers });
  const again = await book(app, t, { days: 14, hour: 10, headers });
  assert.equal(first.status, 201);
  assert.equal(again.status, 201);
  assert.equal(again.body.id, first.body.id);
  assert.equal(again.headers.get("idempotent-replayed"), "true");
  assert.equal(first.headers.get("idempotent-replayed"), null);
  const different = await book(app, t, { days: 14, hour: 15, headers });
  assert.equal(different.status, 422);
  assert.equal(different.body.error.code, "idempotency_key_reused");
  const count = await app.deps.db("bookings").where({ org_id: t.orgId, starts_at: new Date(future(14, 10)) }).count<{ count: string }[]>("* as count");
  assert.equal(Number(count[0].count), 1);
});

test("Idempotency-Key: concurrent duplicates create one booking", async () => {
  const headers = { "idempotency-key": `burst-${Date.now()}` };
  const answers = await Promise.all(Array.from({ length: 6 }, () => book(app, t, { days: 15, hour: 10, headers })));
  const created = answers.filter((a) => a.status === 201);
  assert.ok(created.length >= 1);
  assert.equal(new Set(created.map((a) => a.body.id)).size, 1);
  for (const a of answers) assert.ok([201, 409].includes(a.status), `status ${a.status}`);
  const rows = await app.deps.db("bookings").where({ org_id: t.orgId, starts_at: new Date(future(15, 10)) });
  assert.equal(rows.length, 1);
});

test("Idempotency-Key: a stored refusal is replayed, not re-run", async () => {
  assert.equal((await book(app, t, { days: 16, hour: 10 })).status, 201);
  const headers = { "idempotency-key": `refused-${Date.now()}` };
  const first = await book(app, t, { days: 16, hour: 10, customer: t.bob, headers });
  assert.equal(first.status, 409);
  const again = await book(app, t, { days: 16, hour: 10, customer: t.bob, headers });
  assert.equal(again.status, 409);
  assert.equal(again.headers.get("idempotent-replayed"), "true");
});

test("confirm: the gateway is charged, a payment recorded, the booking confirmed", async () => {
  const held = await book(app, t, { days: 17, hour: 10, hours: 2 });
  const before = gateway.chargeCalls;
  const confirmed = await call(app.url, "POST", `/v1/bookings/${held.body.id}/confirm`, {
    key: t.staff,
    body: { payment_token: "tok_visa", amount_cents: 5000 },
  });
  assert.equal(confirmed.status, 200);
  assert.equal(confirmed.body.status, "confirmed");
  assert.equal(confirmed.body.hold_expires_at, null);
  assert.equal(confirmed.body.payment.amount_cents, 5000);
  assert.equal(confirmed.body.payment.status, "captured");
  assert.equal(gateway.chargeCalls, before + 1);
  const twice = await call(app.url, "POST", `/v1/bookings/${held.body.id}/confirm`, { key: t.staff, body: { payment_token: "tok_visa" } });
  assert.equal(twice.status, 409);
  assert.equal(twice.body.error.code, "invalid_state");
  const payments = await app.deps.db("payments").where({ booking_id: held.body.id });
  assert.equal(payments.length, 1);
});

test("confirm: declined cards, wrong amounts and expired holds are refused", async () => {
  const held = await book(app, t, { days: 18, hour: 10 });
  const declined = await call(app.url, "POST", `/v1/bookings/${held.body.id}/confirm`, { key: t.staff, body: { payment_token: "tok_decline" } });
  assert.equal(declined.status, 402);
  assert.equal(declined.body.error.code, "payment_declined");
  const wrong = await call(app.url, "POST", `/v1/bookings/${held.body.id}/confirm`, { key: t.staff, body: { payment_token: "tok_visa", amount_cents: 1 } });
  assert.equal(wrong.status, 422);
  const down = await call(app.url, "POST", `/v1/bookings/${held.body.id}/confirm`, { key: t.staff, body: { payment_token: "tok_unavailable" } });
  assert.equal(down.status, 502);
  const still = await call(app.url, "GET", `/v1/bookings/${held.body.id}`, { key: t.staff });
  assert.equal(still.body.status, "held");
  await app.deps.db("bookings").where({ id: held.body.id }).update({ hold_expires_at: new Date(Date.now() - 1000) });
  const late = await call(app.url, "POST", `/v1/bookings/${held.body.id}/confirm`, { key: t.staff, body: { payment_token: "tok_visa" } });
  assert.equal(late.status, 409);
  assert.equal(late.body.error.code, "hold_expired");
  assert.equal((await book(app, t, { days: 18, hour: 10, customer: t.bob })).status, 201, "an expired hold no longer blocks its slot");
});

test("cancel: full refund well before the start, partial refund close to it", async () => {
  const early = await book(app, t, { days: 19, hour: 10, hours: 2 });
  await call(app.url, "POST", `/v1/bookings/${early.body.id}/confirm`, { key: t.staff, body: { payment_token: "tok_visa" } });
  const cancelled = await call(app.url, "POST", `/v1/bookings/${early.body.id}/cancel`, { key: t.staff, body: { reason: "rain" } });
  assert.equal(cancelled.status, 200);
  assert.equal(cancelled.body.status, "cancelled");
  assert.equal(cancelled.body.cancel_reason, "rain");
  assert.equal(cancelled.body.payment.refunded_cents, 5000);
  assert.equal(cancelled.body.payment.status, "refunded");
  assert.equal(cancelled.body.refunds.length, 1);

  const soon = await book(app, t, { days: 20, hour: 10 });
  await call(app.url, "POST", `/v1/bookings/${soon.body.id}/confirm`, { key: t.staff, body: { payment_token: "tok_visa" } });
  // move it to start in 5 hours: inside the 24 h window, outside the 2 h one
  const start = new Date(Date.now() + 5 * 3_600_000);
  await app.deps.db("bookings").where({ id: soon.body.id }).update({ starts_at: start, ends_at: new Date(start.getTime() + 3_600_000) });
  const partial = await call(app.url, "POST", `/v1/bookings/${soon.body.id}/cancel`, { key: t.staff, body: {} });
  assert.equal(partial.status, 200);
  assert.equal(partial.body.payment.refunded_cents, 1250);
  assert.equal(partial.body.payment.status, "partially_refunded");
  const again = await call(app.url, "POST", `/v1/bookings/${soon.body.id}/cancel`, { key: t.staff, body: {} });
  assert.equal(again.status, 409);
});

test("members book only as themselves and see only their own bookings", async () => {
  const mine = await book(app, t, { days: 21, hour: 10, key: t.member });
  assert.equal(mine.status, 201);
  assert.equal(mine.body.customer_id, t.alice);
  const forBob = await call(app.url, "POST", "/v1/bookings", {
    key: t.member,
    body: { resource_id: t.courtId, customer_id: t.bob, starts_at: future(21, 12), ends_at: future(21, 13) },
  });
  assert.equal(forBob.status, 403);
  const bobs = await book(app, t, { days: 21, hour: 14, customer: t.bob });
  assert.equal((await call(app.url, "GET", `/v1/bookings/${bobs.body.id}`, { key: t.member })).status, 404);
  assert.equal((await call(app.url, "POST", `/v1/bookings/${bobs.body.id}/cancel`, { key: t.member, body: {} })).status, 404);
  const list = await call(app.url, "GET", "/v1/bookings?limit=100", { key: t.member });
  assert.ok(list.body.data.length > 0);
  assert.ok(list.body.data.every((b: { customer_id: string }) => b.customer_id === t.alice));
  const searched = await call(app.url, "GET", "/v1/bookings/search?q=bob", { key: t.member });
  assert.ok(searched.body.data.every((b: { customer_id: string }) => b.customer_id === t.alice));
});

test("listing pages by cursor in start order, every booking once, with names and payments", async () => {
  const tenant = await newTenant(app);
  const made: string[] = [];
  for (let i = 0; i < 7; i++) {
    const r = await book(app, tenant, { days: 30 + i, hour: 10 + (i % 3), resource: i % 2 ? tenant.roomId : tenant.courtId });
    assert.equal(r.status, 201);
    made.push(r.body.id);
  }
  const seen: { id: string; starts_at: string; resource: { name: string }; customer: { name: string }; payment: unknown }[] = [];
  let cursor: string | null = "";
  let pages = 0;
  while (cursor !== null) {
    const page: { status: number; body: { data: typeof seen; next_cursor: string | null } } = await call(
      app.url,
      "GET",
      `/v1/bookings?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      { key: tenant.staff },
    );
    assert.equal(page.status, 200);
    seen.push(...page.body.data);
    cursor = page.body.next_cursor;
    pages += 1;
  }
  assert.equal(pages, 3);
  assert.deepEqual(new Set(seen.map((b) => b.id)), new Set(made));
  const starts = seen.map((b) => b.starts_at);
  assert.deepEqual([...starts].sort(), starts);
  assert.ok(seen.every((b) => b.resource.name && b.customer.name === "Alice" && b.payment === null));
  const filtered = await call(app.url, "GET", `/v1/bookings?resource_id=${tenant.roomId}&status=held`, { key: tenant.staff });
  assert.equal(filtered.body.data.length, 3);
  assert.equal((await call(app.url, "GET", "/v1/bookings?limit=1000", { key: tenant.staff })).status, 400);
  assert.equal((await call(app.url, "GET", "/v1/bookings?cursor=garbage", { key: tenant.staff })).status, 400);
});

test("search matches reference, notes and customer, literally, and never runs user text as SQL", async () => {
  const r = await call(app.url, "POST", "/v1/bookings", {
    key: t.staff,
    body: { resource_id: t.roomId, customer_id: t.bob, starts_at: future(22, 9), ends_at: future(22, 10), notes: "50% deposit paid" },
  });
  assert.equal(r.status, 201);
  const byNote = await call(app.url, "GET", `/v1/bookings/search?q=${encodeURIComponent("50%")}`, { key: t.staff });
  assert.deepEqual(
    byNote.body.data.map((b: { id: string }) => b.id),
    [r.body.id],
  );
  const byRef = await call(app.url, "GET", `/v1/bookings/search?q=${r.body.reference.toLowerCase()}`, { key: t.staff });
  assert.equal(byRef.body.data[0].id, r.body.id);
  for (const q of ["' OR '1'='1", "x'; DROP TABLE bookings; --", "%' OR 1=1 --"]) {
    const attack = await call(app.url, "GET", `/v1/bookings/search?q=${encodeURIComponent(q)}`, { key: t.staff });
    assert.equal(attack.status, 200, q);
    assert.deepEqual(attack.body.data, [], q);
  }
  const badSort = await call(app.url, "GET", "/v1/bookings/search?q=a&sort=id;DROP", { key: t.staff });
  assert.equal(badSort.status, 400);
  const sorted = await call(app.url, "GET", "/v1/bookings/search?q=bob&sort=-starts_at", { key: t.staff });
  const starts = sorted.body.data.map((b: { starts_at: string }) => b.starts_at);
  assert.deepEqual([...starts].sort().reverse(), starts);
});

test("revenue report sums payments and refunds per resource", async () => {
  const tenant = await newTenant(app);
  const a = await book(app, tenant, { days: 50, hour: 10, hours: 2 });
  const b = await book(app, tenant, { days: 51, hour: 10 });
  for (const id of [a.body.id, b.body.id]) {
    assert.equal((await call(app.url, "POST", `/v1/bookings/${id}/confirm`, { key: tenant.staff, body: { payment_token: "tok_visa" } })).status, 200);
  }
  await call(app.url, "POST", `/v1/bookings/${b.body.id}/cancel`, { key: tenant.staff, body: {} });
  const from = future(49, 0);
  const to = future(53, 0);
  const report = await call(app.url, "GET", `/v1/reports/revenue?from=${from}&to=${to}`, { key: tenant.staff });
  assert.equal(report.status, 200);
  assert.equal(report.body.rows.length, 1);
  assert.deepEqual(report.body.totals, { bookings: 2, gross_cents: 7500, refunded_cents: 2500, net_cents: 5000 });
  const byDay = await call(app.url, "GET", `/v1/reports/revenue?from=${from}&to=${to}&group_by=day`, { key: tenant.staff });
  assert.equal(byDay.body.rows.length, 2);
  const util = await call(app.url, "GET", `/v1/reports/utilization?from=${future(50, 0)}&to=${future(51, 0)}`, { key: tenant.admin });
  const court = util.body.rows.find((r: { resource_id: string }) => r.resource_id === tenant.courtId);
  assert.equal(court.booked_minutes, 120);
});

test("waitlist: join once per time; members join for themselves", async () => {
  const body = { resource_id: t.courtId, starts_at: future(23, 10), ends_at: future(23, 11) };
  const joined = await call(app.url, "POST", "/v1/waitlist", { key: t.member, body });
  assert.equal(joined.status, 201);
  assert.equal(joined.body.customer_id, t.alice);
  assert.equal(joined.body.status, "waiting");
  const twice = await call(app.url, "POST", "/v1/waitlist", { key: t.member, body });
  assert.equal(twice.status, 409);
  const list = await call(app.url, "GET", `/v1/waitlist?resource_id=${t.courtId}`, { key: t.member });
  assert.ok(list.body.data.some((w: { id: string }) => w.id === joined.body.id));
  const left = await call(app.url, "DELETE", `/v1/waitlist/${joined.body.id}`, { key: t.member });
  assert.equal(left.body.status, "cancelled");
});

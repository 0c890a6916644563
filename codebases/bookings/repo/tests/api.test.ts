/** The API against PostgreSQL and Redis: auth, roles, tenants, catalog, customers. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { apiKeys } from "../src/repositories/apiKeys";
import { book, call, newTenant, startApp, Tenant, TestApp, testDeps } from "./helpers";

let app: TestApp;
let t: Tenant;
let other: Tenant;

before(async () => {
  app = await startApp(await testDeps());
  t = await newTenant(app);
  other = await newTenant(app);
});

after(async () => {
  await app.close();
});

test("no key, a malformed key, an unknown key: 401 with WWW-Authenticate", async () => {
  for (const key of [undefined, "nonsense", "bk_aaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"]) {
    const r = await call(app.url, "GET", "/v1/venues", { key });
    assert.equal(r.status, 401, `key ${key}`);
    assert.equal(r.body.error.code, "unauthorized");
    assert.match(r.headers.get("www-authenticate") ?? "", /Bearer/);
  }
});

test("X-Api-Key works like a bearer token", async () => {
  const r = await call(app.url, "GET", "/v1/me", { headers: { "x-api-key": t.staff } });
  assert.equal(r.status, 200);
  assert.equal(r.body.role, "staff");
  assert.equal(r.body.org_id, t.orgId);
});

test("a revoked key stops working at once; an expired key never works", async () => {
  const made = await call(app.url, "POST", "/v1/api-keys", { key: t.admin, body: { name: "temp", role: "staff" } });
  assert.equal(made.status, 201);
  assert.match(made.body.key, /^bk_/);
  assert.equal((await call(app.url, "GET", "/v1/me", { key: made.body.key })).status, 200);
  const revoked = await call(app.url, "DELETE", `/v1/api-keys/${made.body.id}`, { key: t.admin });
  assert.equal(revoked.status, 200);
  assert.ok(revoked.body.revoked_at);
  assert.equal((await call(app.url, "GET", "/v1/me", { key: made.body.key })).status, 401);

  const soon = await call(app.url, "POST", "/v1/api-keys", {
    key: t.admin,
    body: { name: "short", role: "staff", expires_at: new Date(Date.now() + 60_000).toISOString() },
  });
  assert.equal(soon.status, 201);
  await app.deps.db("api_keys").where({ id: soon.body.id }).update({ expires_at: new Date(Date.now() - 1000) });
  assert.equal((await call(app.url, "GET", "/v1/me", { key: soon.body.key })).status, 401);
});

test("key listings never show the key or its hash", async () => {
  const r = await call(app.url, "GET", "/v1/api-keys", { key: t.admin });
  assert.equal(r.status, 200);
  assert.ok(r.body.data.length >= 3);
  const text = JSON.stringify(r.body);
  assert.ok(!text.includes("key_hash"));
  assert.ok(!text.includes(t.admin));
  const row = await apiKeys.findByPrefix(app.deps.db, t.admin.split("_")[1]);
  assert.ok(row && !text.includes(row.key_hash));
});

test("roles: staff cannot manage keys or venues, members cannot list customers or read reports", async () => {
  assert.equal((await call(app.url, "POST", "/v1/api-keys", { key: t.staff, body: { name: "x", role: "admin" } })).status, 403);
  assert.equal((await call(app.url, "POST", "/v1/venues", { key: t.staff, body: { name: "x" } })).status, 403);
  assert.equal((await call(app.url, "GET", "/v1/customers", { key: t.member })).status, 403);
  const report = await call(app.url, "GET", "/v1/reports/revenue?from=2030-01-01T00:00:00Z&to=2030-02-01T00:00:00Z", { key: t.member });
  assert.equal(report.status, 403);
  assert.equal(report.body.error.code, "forbidden");
  assert.equal((await call(app.url, "GET", `/v1/customers/${t.alice}`, { key: t.member })).status, 200);
  assert.equal((await call(app.url, "GET", `/v1/customers/${t.bob}`, { key: t.member })).status, 403);
});

test("tenants never see each other's venues, resources, customers or bookings", async () => {
  const booking = await book(app, other, { days: 40 });
  assert.equal(booking.status, 201);
  for (const path of [
    `/v1/venues/${other.venueId}`,
    `/v1/resources/${other.courtId}`,
    `/v1/customers/${other.alice}`,
    `/v1/bookings/${booking.body.id}`,
    `/v1/resources/${other.courtId}/availability?date=2031-01-01`,
  ]) {
    const r = await call(app.url, "GET", path, { key: t.admin });
    assert.equal(r.status, 404, path);
  }
  const list = await call(app.url, "GET", "/v1/bookings?limit=100", { key: t.admin });
  assert.ok(!list.body.data.some((b: { id: string }) => b.id === booking.body.id));
  const cancel = await call(app.url, "POST", `/v1/bookings/${booking.body.id}/cancel`, { key: t.admin, body: {} });
  assert.equal(cancel.status, 404);
});

test("booking another tenant's resource or customer is refused", async () => {
  const r = await book(app, t, { resource: other.courtId, days: 41 });
  assert.equal(r.status, 404);
  const c = await book(app, t, { customer: other.alice, days: 41 });
  assert.equal(c.status, 404);
});

test("venues: create, read, update, list by cursor, delete only when empty", async () => {
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await call(app.url, "POST", "/v1/venues", { key: t.admin, body: { name: `Venue ${i}`, address: `${i} Road` } });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get("location"), `/v1/venues/${r.body.id}`);
    ids.push(r.body.id);
  }
  const patched = await call(app.url, "PATCH", `/v1/venues/${ids[0]}`, { key: t.admin, body: { name: "Renamed" } });
  assert.equal(patched.body.name, "Renamed");
  assert.equal(patched.body.address, "0 Road");
  const seen: string[] = [];
  let cursor: string | null = "";
  while (cursor !== null) {
    const page: { body: { data: { id: string }[]; next_cursor: string | null } } = await call(
      app.url,
      "GET",
      `/v1/venues?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      { key: t.staff },
    );
    assert.ok(page.body.data.length <= 2);
    seen.push(...page.body.data.map((v) => v.id));
    cursor = page.body.next_cursor;
  }
  assert.equal(new Set(seen).size, seen.length);
  for (const id of [...ids, t.venueId]) assert.ok(seen.includes(id));
  assert.equal((await call(app.url, "DELETE", `/v1/venues/${t.venueId}`, { key: t.admin })).status, 409);
  assert.equal((await call(app.url, "DELETE", `/v1/venues/${ids[2]}`, { key: t.admin })).status, 204);
  assert.equal((await call(app.url, "GET", `/v1/venues/${ids[2]}`, { key: t.admin })).status, 404);
});

test("resources: ETag and If-Match guard against lost updates", async () => {
  const read = await call(app.url, "GET", `/v1/resources/${t.roomId}`, { key: t.admin });
  const etag = read.headers.get("etag")!;
  assert.equal(etag, `"${read.body.version}"`);
  const first = await call(app.url, "PATCH", `/v1/resources/${t.roomId}`, { key: t.admin, body: { price_per_slot_cents: 1200 }, headers: { "if-match": etag } });
  assert.equal(first.status, 200);
  assert.equal(first.body.version, read.body.version + 1);
  const stale = await call(app.url, "PATCH", `/v1/resources/${t.roomId}`, { key: t.admin, body: { price_per_slot_cents: 1300 }, headers: { "if-match": etag } });
  assert.equal(stale.status, 412);
  const now = await call(app.url, "GET", `/v1/resources/${t.roomId}`, { key: t.admin });
  assert.equal(now.body.price_per_slot_cents, 1200);
});

test("resource validation: closing before opening is a 400 naming the field", async () => {
  const r = await call(app.url, "POST", "/v1/resources", {
    key: t.admin,
    body: { venue_id: t.venueId, name: "Bad", kind: "room", price_per_slot_cents: 100, open_minute: 600, close_minute: 500 },
  });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, "validation_error");
  assert.ok(r.body.error.details.some((d: { field: string }) => d.field === "close_minute"));
  const unknown = await call(app.url, "POST", "/v1/resources", {
    key: t.admin,
    body: { venue_id: t.venueId, name: "X", kind: "spaceship", price_per_slot_cents: 1 },
  });
  assert.equal(unknown.status, 400);
  const patch = await call(app.url, "PATCH", `/v1/resources/${t.courtId}`, { key: t.admin, body: { open_minute: 1400 } });
  assert.equal(patch.status, 400);
});

test("customers: emails are unique per tenant, case-insensitively", async () => {
  const dup = await call(app.url, "POST", "/v1/customers", { key: t.staff, body: { email: "ALICE@example.com", name: "Alice again" } });
  assert.equal(dup.status, 409);
  assert.equal(dup.body.error.code, "customer_exists");
  const elsewhere = await call(app.url, "POST", "/v1/customers", { key: other.admin, body: { email: "carol@example.com", name: "Carol" } });
  assert.equal(elsewhere.status, 201);
  const found = await call(app.url, "GET", "/v1/customers?email=Alice@Example.com", { key: t.staff });
  assert.deepEqual(
    found.body.data.map((c: { id: string }) => c.id),
    [t.alice],
  );
});

test("malformed JSON and unknown routes give JSON errors with the request id", async () => {
  const response = await fetch(`${app.url}/v1/venues`, {
    method: "POST",
    headers: { authorization: `Bearer ${t.admin}`, "content-type": "application/json" },
    body: "{not json",
  });
  assert.equal(response.status, 400);
  const body = (await response.json()) as { error: { code: string }; request_id: string };
  assert.equal(body.error.code, "invalid_json");
  assert.equal(body.request_id, response.headers.get("x-request-id"));
  const missing = await call(app.url, "GET", "/v1/nothing-here", { key: t.admin });
  assert.equal(missing.status, 404);
  const badId = await call(app.url, "GET", "/v1/venues/not-a-uuid", { key: t.admin });
  assert.equal(badId.status, 400);
});

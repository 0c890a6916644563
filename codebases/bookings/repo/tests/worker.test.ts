/** The worker: hold expiry, the outbox relay, the event consumer, webhook delivery, poison messages. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createServer, IncomingHttpHeaders, Server } from "node:http";
import { AddressInfo } from "node:net";
import path from "node:path";
import { after, before, test } from "node:test";
import { Deps } from "../src/deps";
import { hmacSha256Hex } from "../src/lib/crypto";
import { expireHolds } from "../src/worker/holdExpiry";
import { consumeEvents, ensureGroup } from "../src/worker/notifier";
import { relayOutbox } from "../src/worker/outboxRelay";
import { WorkerRunner } from "../src/worker/runner";
import { dispatchWebhooks } from "../src/worker/webhookDispatcher";
import { book, call, FakeClock, newTenant, startApp, Tenant, TestApp, testDeps, uniqueSlug } from "./helpers";

let app: TestApp;
let worker: Deps;
let clock: FakeClock;
let t: Tenant;
const prefix = `${uniqueSlug("wt")}:`;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

function receiver(status: number): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(status).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received })),
  );
}

const settings = {
  REDIS_KEY_PREFIX: prefix,
  WORKER_RECLAIM_IDLE_MS: "50",
  MAX_DELIVERY_ATTEMPTS: "2",
  WEBHOOK_BACKOFF_BASE_MS: "1",
  WEBHOOK_TIMEOUT_MS: "2000",
  WORKER_BATCH_SIZE: "500",
};

before(async () => {
  app = await startApp(await testDeps({ ...settings, HOLD_TTL_SECONDS: "60" }));
  clock = new FakeClock();
  worker = await testDeps({ ...settings, WORKER_CONSUMER_NAME: "test-worker" }, { clock });
  t = await newTenant(app);
});

after(async () => {
  await app.close();
  await worker.db.destroy();
  await worker.redis.quit();
});

async function drain(): Promise<void> {
  clock.current = new Date();
  while ((await relayOutbox(worker)) > 0);
  while ((await consumeEvents(worker)) > 0);
}

test("holds past their time expire, free the slot and tell the waitlist", async () => {
  const held = await book(app, t, { days: 5, hour: 10 });
  assert.equal(held.status, 201);
  const waiting = await call(app.url, "POST", "/v1/waitlist", {
    key: t.staff,
    body: { resource_id: t.courtId, customer_id: t.bob, starts_at: held.body.starts_at, ends_at: held.body.ends_at },
  });
  assert.equal(waiting.status, 201);
  clock.current = new Date(Date.now() + 120_000);
  assert.ok((await expireHolds(worker)) >= 1);
  const after = await call(app.url, "GET", `/v1/bookings/${held.body.id}`, { key: t.staff });
  assert.equal(after.body.status, "expired");
  assert.equal(after.body.hold_expires_at, null);
  const types = (await app.deps.db("outbox").where({ aggregate_id: held.body.id }).orderBy("id")).map((e: { event_type: string }) => e.event_type);
  assert.deepEqual(types, ["booking.held", "booking.expired"]);
  const entry = await call(app.url, "GET", `/v1/waitlist?resource_id=${t.courtId}&status=notified`, { key: t.staff });
  assert.deepEqual(
    entry.body.data.map((w: { id: string }) => w.id),
    [waiting.body.id],
  );
  assert.equal((await book(app, t, { days: 5, hour: 10, customer: t.bob })).status, 201);
});

test("the outbox is published to the stream once and becomes one notification per event", async () => {
  const held = await book(app, t, { days: 6, hour: 10, key: t.member });
  const confirmed = await call(app.url, "POST", `/v1/bookings/${held.body.id}/confirm`, { key: t.member, body: { payment_token: "tok_visa" } });
  assert.equal(confirmed.status, 200);
  await drain();
  const events = await app.deps.db("outbox").where({ aggregate_id: held.body.id }).orderBy("id");
  assert.ok(events.every((e: { published_at: Date | null }) => e.published_at !== null));
  const confirmedEvent = events.find((e: { event_type: string }) => e.event_type === "booking.confirmed");
  const notes = await call(app.url, "GET", "/v1/notifications", { key: t.member });
  const mine = notes.body.data.filter((n: { event_id: number }) => n.event_id === Number(confirmedEvent.id));
  assert.equal(mine.length, 1);
  assert.equal(mine[0].kind, "booking_confirmed");
  assert.match(mine[0].body, /Paid 25\.00 EUR/);
  // the same event delivered again (a relay that crashed before marking it) changes nothing
  const entries = await worker.redis.xrange(worker.keys.eventsStream(), "-", "+");
  const original = entries.find(([, fields]) => fields[1] === String(confirmedEvent.id))!;
  await worker.redis.xadd(worker.keys.eventsStream(), "*", ...original[1]);
  await drain();
  const count = await app.deps.db("notifications").where({ event_id: confirmedEvent.id }).count<{ count: string }[]>("* as count");
  assert.equal(Number(count[0].count), 1);
  const pending = (await worker.redis.xpending(worker.keys.eventsStream(), worker.keys.notifierGroup())) as [number];
  assert.equal(pending[0], 0);
});

test("webhooks are delivered signed; failing endpoints are retried, then given up", async () => {
  const tenant = await newTenant(app);
  const good = await receiver(204);
  const bad = await receiver(500);
  try {
    const hook = await call(app.url, "POST", "/v1/webhooks", { key: tenant.admin, body: { url: good.url, event_types: ["booking.confirmed"] } });
    assert.equal(hook.status, 201);
    assert.match(hook.body.secret, /^whsec_/);
    const failing = await call(app.url, "POST", "/v1/webhooks", { key: tenant.admin, body: { url: bad.url } });
    const held = await book(app, tenant, { days: 7, hour: 10 });
    await call(app.url, "POST", `/v1/bookings/${held.body.id}/confirm`, { key: tenant.staff, body: { payment_token: "tok_visa" } });
    await drain();
    clock.current = new Date(Date.now() + 1000);
    await dispatchWebhooks(worker);
    assert.equal(good.received.length, 1, "only the subscribed event type");
    const delivery = good.received[0];
    assert.equal(delivery.headers["x-bookings-event-type"], "booking.confirmed");
    const ts = delivery.headers["x-bookings-timestamp"] as string;
    assert.equal(delivery.headers["x-bookings-signature"], `sha256=${hmacSha256Hex(hook.body.secret, `${ts}.${delivery.body}`)}`);
    const payload = JSON.parse(delivery.body);
    assert.equal(payload.type, "booking.confirmed");
    assert.equal(payload.data.booking_id, held.body.id);
    assert.ok(bad.received.length >= 2, "both events tried on the catch-all endpoint");
    await new Promise((r) => setTimeout(r, 20));
    clock.current = new Date(Date.now() + 2000);
    await dispatchWebhooks(worker);
    const deliveries = await call(app.url, "GET", `/v1/webhooks/${failing.body.id}/deliveries`, { key: tenant.admin });
    assert.equal(deliveries.status, 200);
    assert.ok(deliveries.body.data.length >= 2);
    for (const d of deliveries.body.data) {
      assert.equal(d.status, "dead");
      assert.equal(d.attempts, 2);
      assert.equal(d.last_status_code, 500);
    }
    const ok = await call(app.url, "GET", `/v1/webhooks/${hook.body.id}/deliveries?status=delivered`, { key: tenant.admin });
    assert.equal(ok.body.data.length, 1);
    assert.equal((await call(app.url, "GET", `/v1/webhooks/${hook.body.id}/deliveries`, { key: t.admin })).status, 404);
  } finally {
    good.server.close();
    bad.server.close();
  }
});

test("a poison entry goes to the dead-letter stream and does not block the others", async () => {
  await ensureGroup(worker);
  await worker.redis.xadd(worker.keys.eventsStream(), "*", "type", "booking.held", "payload", "{broken");
  const held = await book(app, t, { days: 8, hour: 10 });
  await drain();
  const dead = await worker.redis.xrange(worker.keys.deadLetterStream(), "-", "+");
  assert.ok(dead.some(([, fields]) => fields.includes("{broken")));
  const event = await app.deps.db("outbox").where({ aggregate_id: held.body.id }).first();
  assert.ok(event.published_at);
  const pending = (await worker.redis.xpending(worker.keys.eventsStream(), worker.keys.notifierGroup())) as [number];
  assert.equal(pending[0], 0);
});

test("entries a crashed consumer left unacknowledged are claimed and handled", async () => {
  const held = await book(app, t, { days: 9, hour: 10 });
  await call(app.url, "POST", `/v1/bookings/${held.body.id}/cancel`, { key: t.staff, body: {} });
  while ((await relayOutbox(worker)) > 0);
  await ensureGroup(worker);
  // another consumer reads the entries and dies before acknowledging them
  await worker.redis.xreadgroup("GROUP", worker.keys.notifierGroup(), "crashed-consumer", "COUNT", 1000, "STREAMS", worker.keys.eventsStream(), ">");
  await new Promise((r) => setTimeout(r, 100));
  await consumeEvents(worker);
  const cancelledEvent = await app.deps.db("outbox").where({ aggregate_id: held.body.id, event_type: "booking.cancelled" }).first();
  const note = await app.deps.db("notifications").where({ event_id: cancelledEvent.id }).first();
  assert.ok(note, "the cancellation was notified");
  assert.equal(note.kind, "booking_cancelled");
});

test("a runner tick runs every task; `worker.js --once` exits 0", async () => {
  const runner = new WorkerRunner(worker);
  const done = await runner.tick(true);
  assert.deepEqual(Object.keys(done).sort(), ["consume-events", "dispatch-webhooks", "expire-holds", "purge-idempotency-keys", "relay-outbox"]);
  assert.ok(Object.values(done).every((n) => n >= 0), JSON.stringify(done));
  const run = spawnSync(process.execPath, [path.join(__dirname, "..", "src", "worker.js"), "--once"], {
    env: { PATH: process.env.PATH, DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: prefix },
    encoding: "utf8",
    timeout: 30_000,
  });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /"msg":"worker pass done"/);
});

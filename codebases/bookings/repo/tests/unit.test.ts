/** Pure logic: no database, no Redis. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadConfig, normalizeDatabaseUrl } from "../src/config";
import { loadMigrations } from "../src/db/migrator";
import { can } from "../src/auth/permissions";
import { runWithContext } from "../src/lib/context";
import { canonicalJson } from "../src/lib/crypto";
import { AppError } from "../src/lib/errors";
import { Logger } from "../src/lib/logger";
import { Counter, Histogram, Registry } from "../src/lib/metrics";
import { decodeCursor, encodeCursor, pageOf } from "../src/lib/pagination";
import { withRetries } from "../src/lib/retry";
import { daysTouched } from "../src/lib/time";
import { acceptRequestId } from "../src/middleware/requestId";
import { canTransition, occupiesSlot } from "../src/models/booking";
import { priceFor, refundAmount, refundPercent } from "../src/models/pricing";
import { daySlots, slotProblem } from "../src/models/slots";
import { escapeLike } from "../src/repositories/bookings";
import { parseIfMatch } from "../src/routes/resources";
import { deterministicApiKey, generateApiKey, parseApiKey } from "../src/services/apiKeys";
import { signPayload } from "../src/services/webhooks";
import { parseEntry, PoisonMessage } from "../src/worker/notifier";
import { retryDelayMs } from "../src/worker/webhookDispatcher";
import { hmacSha256Hex } from "../src/lib/crypto";

const court = {
  slot_minutes: 60,
  open_minute: 420,
  close_minute: 1320,
  min_slots: 1,
  max_slots: 3,
  price_per_slot_cents: 2500,
};
const now = new Date("2030-01-01T00:00:00Z");

test("DATABASE_URL in SQLAlchemy's spelling is read as a plain postgresql URL", () => {
  assert.equal(normalizeDatabaseUrl("postgresql+psycopg://app:app@db:5432/app"), "postgresql://app:app@db:5432/app");
  assert.equal(normalizeDatabaseUrl("postgres://u:p@h/d"), "postgresql://u:p@h/d");
  const config = loadConfig({ DATABASE_URL: "postgresql+psycopg://app:app@db:5432/app" });
  assert.equal(config.databaseUrl, "postgresql://app:app@db:5432/app");
  assert.equal(config.port, 3000);
  assert.equal(config.redisUrl, "redis://127.0.0.1:6379/0");
});

test("configuration errors name the variable", () => {
  assert.throws(() => loadConfig({ DATABASE_URL: "postgresql://x", PORT: "eighty" }), /PORT/);
  assert.throws(() => loadConfig({}), /DATABASE_URL/);
});

test("price is slots times the slot price, in integer cents", () => {
  assert.equal(priceFor(court, new Date("2030-01-02T10:00:00Z"), new Date("2030-01-02T13:00:00Z")), 7500);
  assert.equal(priceFor({ slot_minutes: 30, price_per_slot_cents: 999 }, new Date("2030-01-02T10:00:00Z"), new Date("2030-01-02T11:30:00Z")), 2997);
});

test("refund policy: full, partial and none by hours before the start", () => {
  const policy = { full_refund_hours: 24, partial_refund_hours: 2, partial_refund_percent: 50 };
  const start = new Date("2030-01-10T12:00:00Z");
  assert.equal(refundPercent(policy, start, new Date("2030-01-09T12:00:00Z")), 100);
  assert.equal(refundPercent(policy, start, new Date("2030-01-09T12:00:01Z")), 50);
  assert.equal(refundPercent(policy, start, new Date("2030-01-10T10:00:00Z")), 50);
  assert.equal(refundPercent(policy, start, new Date("2030-01-10T10:00:01Z")), 0);
});

test("refund amounts round down and never exceed what is left", () => {
  assert.equal(refundAmount(999, 0, 50), 499);
  assert.equal(refundAmount(1000, 0, 100), 1000);
  assert.equal(refundAmount(1000, 900, 100), 100);
  assert.equal(refundAmount(1000, 1000, 50), 0);
  assert.equal(refundAmount(333, 0, 33), 109);
});

test("slots must sit on the grid, inside opening hours, within the slot limits", () => {
  const at = (h: number, m = 0) => new Date(Date.UTC(2030, 0, 2, h, m));
  assert.equal(slotProblem(court, at(10), at(11), now), null);
  assert.match(slotProblem(court, at(10, 30), at(11, 30), now)!, /grid/);
  assert.match(slotProblem(court, at(6), at(7), now)!, /closed/);
  assert.match(slotProblem(court, at(21), at(23), now)!, /closed/);
  assert.match(slotProblem(court, at(10), at(14), now)!, /at most 3/);
  assert.match(slotProblem(court, at(11), at(10), now)!, /after/);
  assert.match(slotProblem(court, new Date("2029-12-31T10:00:00Z"), new Date("2029-12-31T11:00:00Z"), now)!, /future/);
  const lateCourt = { ...court, close_minute: 1440 };
  assert.equal(slotProblem(lateCourt, at(23), new Date(Date.UTC(2030, 0, 3, 0, 0)), now), null);
});

test("day slots: confirmed bookings and live holds take slots, expired holds do not", () => {
  const slots = daySlots(
    court,
    "2030-01-02",
    [
      { starts_at: new Date("2030-01-02T09:00:00Z"), ends_at: new Date("2030-01-02T11:00:00Z"), status: "confirmed", hold_expires_at: null },
      { starts_at: new Date("2030-01-02T12:00:00Z"), ends_at: new Date("2030-01-02T13:00:00Z"), status: "held", hold_expires_at: new Date("2030-01-01T00:05:00Z") },
      { starts_at: new Date("2030-01-02T14:00:00Z"), ends_at: new Date("2030-01-02T15:00:00Z"), status: "held", hold_expires_at: new Date("2029-12-31T23:59:00Z") },
    ],
    now,
  );
  assert.equal(slots.length, 15);
  const taken = slots.filter((s) => !s.available).map((s) => s.starts_at.slice(11, 16));
  assert.deepEqual(taken, ["09:00", "10:00", "12:00"]);
});

test("booking status transitions", () => {
  assert.ok(canTransition("held", "confirmed"));
  assert.ok(canTransition("confirmed", "cancelled"));
  assert.ok(!canTransition("cancelled", "confirmed"));
  assert.ok(!canTransition("expired", "confirmed"));
  assert.ok(!occupiesSlot({ status: "cancelled", hold_expires_at: null }, now));
});

test("cursors round-trip and a forged cursor is a 400", () => {
  const cursor = encodeCursor({ k: "2030-01-01T00:00:00.000Z", id: "abc" });
  assert.deepEqual(decodeCursor(cursor), { k: "2030-01-01T00:00:00.000Z", id: "abc" });
  assert.equal(decodeCursor(undefined), null);
  assert.throws(() => decodeCursor("not-a-cursor"), (err: unknown) => err instanceof AppError && err.status === 400);
  const page = pageOf([1, 2, 3], 2, (n) => ({ k: String(n), id: String(n) }));
  assert.deepEqual(page.data, [1, 2]);
  assert.deepEqual(decodeCursor(page.next_cursor!), { k: "2", id: "2" });
  assert.equal(pageOf([1, 2], 2, (n) => ({ k: String(n), id: String(n) })).next_cursor, null);
});

test("roles: members cannot read reports or manage keys, staff cannot manage keys", () => {
  assert.ok(can("admin", "keys:manage"));
  assert.ok(!can("staff", "keys:manage"));
  assert.ok(can("staff", "reports:read"));
  assert.ok(!can("member", "reports:read"));
  assert.ok(!can("member", "customers:write"));
  assert.ok(can("member", "bookings:write"));
});

test("metrics render in the Prometheus text format", () => {
  const registry = new Registry();
  const counter = registry.register(new Counter("things_total", "Things", ["kind"]));
  const histogram = registry.register(new Histogram("wait_seconds", "Waits", [], [0.1, 1]));
  counter.inc({ kind: 'a"b' });
  counter.inc({ kind: 'a"b' }, 2);
  histogram.observe({}, 0.05);
  histogram.observe({}, 0.5);
  const text = registry.render();
  assert.match(text, /# TYPE things_total counter/);
  assert.match(text, /things_total\{kind="a\\"b"\} 3/);
  assert.match(text, /wait_seconds_bucket\{le="0.1"\} 1/);
  assert.match(text, /wait_seconds_bucket\{le="1"\} 2/);
  assert.match(text, /wait_seconds_bucket\{le="\+Inf"\} 2/);
  assert.match(text, /wait_seconds_count 2/);
  assert.throws(() => counter.inc({ other: "x" }), /no label/);
});

test("log lines are JSON with the request id and without secrets", () => {
  const lines: string[] = [];
  const log = new Logger("info", { service: "t" }, (line) => lines.push(line));
  runWithContext({ requestId: "req-1", orgId: "org-1" }, () => {
    log.info("hello", { authorization: "Bearer bk_x", nested: { password: "p", ok: 1 } });
    log.debug("hidden");
  });
  assert.equal(lines.length, 1);
  const entry = JSON.parse(lines[0]);
  assert.equal(entry.request_id, "req-1");
  assert.equal(entry.org_id, "org-1");
  assert.equal(entry.authorization, "[redacted]");
  assert.deepEqual(entry.nested, { password: "[redacted]", ok: 1 });
  assert.ok(!lines[0].includes("bk_x"));
});

test("caller request ids are kept only when they are sane tokens", () => {
  assert.equal(acceptRequestId("abc-123_x.y:z"), "abc-123_x.y:z");
  assert.equal(acceptRequestId("a".repeat(65)), null);
  assert.equal(acceptRequestId("bad id\n"), null);
  assert.equal(acceptRequestId(undefined), null);
});

test("canonical JSON ignores key order", () => {
  assert.equal(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }), canonicalJson({ a: [2, { c: 4, d: 3 }], b: 1 }));
  assert.notEqual(canonicalJson({ a: 1 }), canonicalJson({ a: "1" }));
});

test("API keys: format, prefix, deterministic seed keys", () => {
  const made = generateApiKey();
  assert.match(made.key, /^bk_[a-z0-9]{8}_[a-z0-9]{32}$/);
  assert.equal(parseApiKey(made.key)?.prefix, made.prefix);
  assert.equal(parseApiKey("bk_short"), null);
  assert.equal(deterministicApiKey("acme:admin").key, deterministicApiKey("acme:admin").key);
  assert.notEqual(deterministicApiKey("acme:admin").key, deterministicApiKey("acme:staff").key);
});

test("LIKE wildcards in search text are matched literally", () => {
  assert.equal(escapeLike("50%_off\\"), "50\\%\\_off\\\\");
});

test("retries: retryable errors are retried, others are not", async () => {
  let calls = 0;
  const result = await withRetries(
    async () => {
      calls += 1;
      if (calls < 3) throw new Error("transient");
      return "ok";
    },
    { retries: 3, baseDelayMs: 1, retryable: () => true },
  );
  assert.equal(result, "ok");
  assert.equal(calls, 3);
  calls = 0;
  await assert.rejects(
    withRetries(
      async () => {
        calls += 1;
        throw new Error("fatal");
      },
      { retries: 3, baseDelayMs: 1, retryable: () => false },
    ),
    /fatal/,
  );
  assert.equal(calls, 1);
});

test("If-Match accepts strong and weak ETags and *", () => {
  assert.equal(parseIfMatch('"4"'), 4);
  assert.equal(parseIfMatch('W/"12"'), 12);
  assert.equal(parseIfMatch("*"), undefined);
  assert.equal(parseIfMatch(undefined), undefined);
  assert.throws(() => parseIfMatch("4"), (err: unknown) => err instanceof AppError && err.status === 400);
});

test("migration files are numbered without gaps and all reversible", () => {
  const migrations = loadMigrations();
  assert.ok(migrations.length >= 6);
  migrations.forEach((m, i) => {
    assert.equal(m.version, i + 1);
    assert.ok(m.down, `${m.name} has a down migration`);
  });
});

test("webhook signatures are HMAC-SHA256 over timestamp and body; retries back off", () => {
  const signature = signPayload("whsec_x", 1700000000, '{"a":1}');
  assert.equal(signature, `sha256=${hmacSha256Hex("whsec_x", '1700000000.{"a":1}')}`);
  assert.equal(retryDelayMs(1, 1000), 1000);
  assert.equal(retryDelayMs(3, 1000), 4000);
  assert.equal(retryDelayMs(30, 1000), 3_600_000);
});

test("stream entries without a valid event id or JSON payload are poison", () => {
  const good = parseEntry(["1-0", ["event_id", "7", "type", "booking.held", "org_id", "o", "payload", '{"a":1}']]);
  assert.equal(good.eventId, "7");
  assert.deepEqual(good.payload, { a: 1 });
  assert.throws(() => parseEntry(["1-1", ["type", "x", "org_id", "o"]]), PoisonMessage);
  assert.throws(() => parseEntry(["1-2", ["event_id", "8", "type", "x", "org_id", "o", "payload", "{nope"]]), PoisonMessage);
});

test("a booking across midnight touches both days", () => {
  assert.deepEqual(daysTouched(new Date("2030-01-01T23:00:00Z"), new Date("2030-01-02T01:00:00Z")), ["2030-01-01", "2030-01-02"]);
  assert.deepEqual(daysTouched(new Date("2030-01-01T10:00:00Z"), new Date("2030-01-02T00:00:00Z")), ["2030-01-01"]);
});

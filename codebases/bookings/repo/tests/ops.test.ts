/** Operations: health and readiness, metrics, request ids, rate limits, the availability cache, shutdown. */
import assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import { createServer, Server } from "node:http";
import { AddressInfo } from "node:net";
import path from "node:path";
import { after, before, test } from "node:test";
import { book, call, logLines, newTenant, startApp, Tenant, TestApp, testDeps } from "./helpers";

let app: TestApp;
let t: Tenant;

before(async () => {
  app = await startApp(await testDeps({ RATE_LIMIT_BOOKINGS_MAX: "3", RATE_LIMIT_MAX: "1000", RATE_LIMIT_WINDOW_SECONDS: "60" }));
  t = await newTenant(app);
});

after(async () => {
  await app.close();
});

test("/health is up and /ready checks the database and Redis", async () => {
  const health = await call(app.url, "GET", "/health");
  assert.equal(health.status, 200);
  assert.equal(health.body.status, "ok");
  const ready = await call(app.url, "GET", "/ready");
  assert.equal(ready.status, 200);
  assert.deepEqual(ready.body.checks, { database: "ok", redis: "ok" });
});

test("/ready says 503 when Redis is unreachable; /health stays 200", async () => {
  const broken = await startApp(await testDeps({ REDIS_URL: "redis://127.0.0.1:1/0", REDIS_COMMAND_TIMEOUT_MS: "200" }));
  try {
    const ready = await call(broken.url, "GET", "/ready");
    assert.equal(ready.status, 503);
    assert.equal(ready.body.checks.database, "ok");
    assert.match(ready.body.checks.redis, /^error/);
    assert.equal((await call(broken.url, "GET", "/health")).status, 200);
    // the API still answers without Redis (no cache, rate limits fail open)
    const me = await call(broken.url, "GET", "/v1/me", { key: t.staff });
    assert.equal(me.status, 200);
  } finally {
    await broken.close();
  }
});

test("/ready says 503 while draining", async () => {
  app.lifecycle.startDraining();
  try {
    const ready = await call(app.url, "GET", "/ready");
    assert.equal(ready.status, 503);
    assert.equal(ready.body.status, "shutting_down");
  } finally {
    (app.lifecycle as unknown as { draining: boolean }).draining = false;
  }
});

test("/metrics counts requests by route template, not by raw path", async () => {
  await call(app.url, "GET", `/v1/venues/${t.venueId}`, { key: t.staff });
  await call(app.url, "GET", `/v1/resources/${t.courtId}`, { key: t.staff });
  const metrics = await fetch(`${app.url}/metrics`);
  assert.equal(metrics.status, 200);
  assert.match(metrics.headers.get("content-type") ?? "", /text\/plain/);
  const text = await metrics.text();
  assert.match(text, /http_requests_total\{method="GET",route="\/v1\/venues\/:id",status="200"\} \d+/);
  assert.match(text, /http_request_duration_seconds_bucket\{method="GET",route="\/v1\/resources\/:id",le="\+Inf"\} \d+/);
  assert.ok(!text.includes(t.venueId), "no raw ids in labels");
  assert.match(text, /db_pool_connections\{state="used"\}/);
});

test("request ids: the caller's is echoed and logged; a bad one is replaced", async () => {
  const mine = await call(app.url, "GET", "/v1/me", { key: t.staff, headers: { "x-request-id": "trace-abc-123" } });
  assert.equal(mine.headers.get("x-request-id"), "trace-abc-123");
  const line = logLines.map((l) => JSON.parse(l)).find((e) => e.request_id === "trace-abc-123" && e.msg === "request completed");
  assert.ok(line, "an access log line carries the request id");
  assert.equal(line.org_id, t.orgId);
  assert.equal(line.route, "/v1/me");
  assert.equal(line.status, 200);
  assert.ok(!JSON.stringify(logLines).includes(t.staff), "API keys never reach the logs");
  const replaced = await call(app.url, "GET", "/v1/me", { key: t.staff, headers: { "x-request-id": "x".repeat(200) } });
  assert.match(replaced.headers.get("x-request-id")!, /^[0-9a-f-]{36}$/);
});

test("booking creation is rate limited per key, with headers, shared through Redis", async () => {
  const tenant = await newTenant(app);
  const answers = [];
  for (let i = 0; i < 5; i++) answers.push(await book(app, tenant, { days: 60 + i, hour: 10 }));
  assert.deepEqual(
    answers.map((a) => a.status),
    [201, 201, 201, 429, 429],
  );
  assert.equal(answers[0].headers.get("x-ratelimit-limit"), "3");
  assert.equal(answers[0].headers.get("x-ratelimit-remaining"), "2");
  assert.equal(answers[2].headers.get("x-ratelimit-remaining"), "0");
  const retryAfter = Number(answers[3].headers.get("retry-after"));
  assert.ok(retryAfter >= 1 && retryAfter <= 60);
  assert.equal(answers[3].body.error.code, "rate_limited");
  // a second process of the service shares the same budget
  const second = await startApp(await testDeps({ RATE_LIMIT_BOOKINGS_MAX: "3" }));
  try {
    assert.equal((await book(second, tenant, { days: 70, hour: 10 })).status, 429);
  } finally {
    await second.close();
  }
  // another key of the same tenant has its own budget
  assert.equal((await book(app, tenant, { days: 71, hour: 10, key: tenant.admin })).status, 201);
});

test("availability is cached per tenant and invalidated when a booking changes", async () => {
  const tenant = await newTenant(app);
  const r = await book(app, tenant, { days: 80, hour: 10, key: tenant.admin });
  const day = r.body.starts_at.slice(0, 10);
  const url = `/v1/resources/${tenant.courtId}/availability?date=${day}`;
  const first = await call(app.url, "GET", url, { key: tenant.admin });
  assert.equal(first.status, 200);
  assert.equal(first.headers.get("x-cache"), "miss");
  const second = await call(app.url, "GET", url, { key: tenant.admin });
  assert.equal(second.headers.get("x-cache"), "hit");
  assert.deepEqual(second.body, first.body);
  const ten = (body: { slots: { starts_at: string; available: boolean }[] }) => body.slots.find((s) => s.starts_at === r.body.starts_at)!;
  assert.equal(ten(first.body).available, false);
  await call(app.url, "POST", `/v1/bookings/${r.body.id}/cancel`, { key: tenant.admin, body: {} });
  const after = await call(app.url, "GET", url, { key: tenant.admin });
  assert.equal(after.headers.get("x-cache"), "miss");
  assert.equal(ten(after.body).available, true);
  // a settings change drops every cached day of the resource
  await call(app.url, "GET", url, { key: tenant.admin });
  await call(app.url, "PATCH", `/v1/resources/${tenant.courtId}`, { key: tenant.admin, body: { close_minute: 1200 } });
  const reshaped = await call(app.url, "GET", url, { key: tenant.admin });
  assert.equal(reshaped.headers.get("x-cache"), "miss");
  assert.equal(reshaped.body.slots.length, 13);
  const keys = await app.deps.redis.keys(`${app.deps.config.redis.keyPrefix}avail:${tenant.orgId}:*`);
  assert.ok(keys.length >= 1, "cache keys are scoped by tenant");
});

function startGateway(delayMs: number): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      setTimeout(() => {
        res.writeHead(201, { "content-type": "application/json" });
        res.end(JSON.stringify({ id: `ch_slow_${Date.now()}` }));
      }, delayMs);
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("server did not start");
}

test("SIGTERM: the request in flight finishes, new connections are refused, exit code 0", async () => {
  const gateway = await startGateway(1500);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [path.join(__dirname, "..", "src", "server.js")], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: process.env.DATABASE_URL,
      REDIS_URL: process.env.REDIS_URL,
      PORT: String(port),
      HOST: "127.0.0.1",
      PAYMENT_GATEWAY_URL: gateway.url,
      SHUTDOWN_TIMEOUT_MS: "8000",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url, child);
    const held = await book(app, t, { days: 90, hour: 10 });
    const inFlight = call(url, "POST", `/v1/bookings/${held.body.id}/confirm`, { key: t.staff, body: { payment_token: "tok_visa" } });
    await new Promise((r) => setTimeout(r, 400));
    const signalled = Date.now();
    child.kill("SIGTERM");
    const answer = await inFlight;
    assert.equal(answer.status, 200, output);
    assert.equal(answer.body.status, "confirmed");
    assert.equal(await exited, 0, output);
    assert.ok(Date.now() - signalled < 6000, "idle keep-alive connections do not hold the exit back");
    await assert.rejects(fetch(`${url}/health`));
    assert.match(output, /"msg":"shutting down"/);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    gateway.server.close();
  }
});

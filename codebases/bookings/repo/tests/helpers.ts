/**
 * Test support: configuration from DATABASE_URL / REDIS_URL, an app on a free port, fresh
 * tenants (each test makes its own, so test files can run side by side), a tiny HTTP client.
 */
import { randomBytes } from "node:crypto";
import { AddressInfo } from "node:net";
import { Server } from "node:http";
import { buildApp } from "../src/app";
import { closeDeps, makeDeps } from "../src/bootstrap";
import { Config, loadConfig } from "../src/config";
import { Deps } from "../src/deps";
import { Lifecycle } from "../src/lib/lifecycle";
import { configureLogger } from "../src/lib/logger";
import { Clock } from "../src/lib/time";
import { PaymentGateway } from "../src/payments/gateway";
import { LocalGateway } from "../src/payments/localGateway";
import { organizations } from "../src/repositories/organizations";
import { createApiKey } from "../src/services/apiKeys";

export const logLines: string[] = [];
configureLogger("debug", { process: "test" }, (line) => {
  logLines.push(line);
  if (logLines.length > 5000) logLines.splice(0, 1000);
});

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_URL: process.env.DATABASE_URL ?? "postgresql://app:app@127.0.0.1:5432/app",
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0",
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "debug",
    ...overrides,
  });
}

export async function testDeps(
  overrides: Record<string, string> = {},
  options: { clock?: Clock; gateway?: PaymentGateway } = {},
): Promise<Deps> {
  return makeDeps(testConfig(overrides), { name: "bookings-test", gateway: options.gateway ?? new LocalGateway(), clock: options.clock });
}

export class FakeClock implements Clock {
  constructor(public current: Date = new Date()) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface TestApp {
  url: string;
  deps: Deps;
  lifecycle: Lifecycle;
  close(): Promise<void>;
}

export async function startApp(deps: Deps): Promise<TestApp> {
  const lifecycle = new Lifecycle();
  const app = buildApp(deps, lifecycle);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    deps,
    lifecycle,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await closeDeps(deps);
    },
  };
}

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function call<T = any>(
  url: string,
  method: string,
  path: string,
  options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(url + path, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body: body as T };
}

export function uniqueSlug(prefix = "t"): string {
  return `${prefix}-${randomBytes(5).toString("hex")}`;
}

export interface Tenant {
  orgId: string;
  slug: string;
  admin: string;
  staff: string;
  member: string;
  venueId: string;
  /** 60-minute slots, 07:00-22:00 UTC, 2500 cents a slot, up to 3 slots */
  courtId: string;
  /** 30-minute slots, 08:00-20:00 UTC */
  roomId: string;
  alice: string;
  bob: string;
}

/** A new tenant with keys of every role (member = alice), a venue, two resources and two customers. */
export async function newTenant(app: TestApp): Promise<Tenant> {
  const deps = app.deps;
  const slug = uniqueSlug();
  const org = await organizations.create(deps.db, { slug, name: `Org ${slug}` });
  const admin = (await createApiKey(deps.db, org.id, { name: "admin", role: "admin" }, new Date())).key;
  const staff = (await createApiKey(deps.db, org.id, { name: "staff", role: "staff" }, new Date())).key;
  const venue = await call(app.url, "POST", "/v1/venues", { key: admin, body: { name: "Main venue" } });
  const court = await call(app.url, "POST", "/v1/resources", {
    key: admin,
    body: { venue_id: venue.body.id, name: "Court", kind: "court", slot_minutes: 60, price_per_slot_cents: 2500, open_minute: 420, close_minute: 1320, max_slots: 3 },
  });
  const room = await call(app.url, "POST", "/v1/resources", {
    key: admin,
    body: { venue_id: venue.body.id, name: "Room", kind: "room", slot_minutes: 30, price_per_slot_cents: 1000, open_minute: 480, close_minute: 1200 },
  });
  const alice = await call(app.url, "POST", "/v1/customers", { key: admin, body: { email: "alice@example.com", name: "Alice" } });
  const bob = await call(app.url, "POST", "/v1/customers", { key: admin, body: { email: "bob@example.com", name: "Bob" } });
  const member = (await createApiKey(deps.db, org.id, { name: "alice", role: "member", customer_id: alice.body.id }, new Date())).key;
  for (const r of [venue, court, room, alice, bob]) {
    if (r.status !== 201) throw new Error(`tenant setup failed: ${r.status} ${JSON.stringify(r.body)}`);
  }
  return {
    orgId: org.id,
    slug,
    admin,
    staff,
    member,
    venueId: venue.body.id,
    courtId: court.body.id,
    roomId: room.body.id,
    alice: alice.body.id,
    bob: bob.body.id,
  };
}

/** `days` days from now at hh:00 UTC, as ISO text. */
export function future(days: number, hour: number, minute = 0): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  d.setUTCHours(hour, minute, 0, 0);
  return d.toISOString();
}

export async function book(
  app: TestApp,
  t: Tenant,
  options: { days?: number; hour?: number; hours?: number; customer?: string; key?: string; resource?: string; headers?: Record<string, string> } = {},
) {
  const days = options.days ?? 30;
  const hour = options.hour ?? 10;
  return call(app.url, "POST", "/v1/bookings", {
    key: options.key ?? t.staff,
    headers: options.headers,
    body: {
      resource_id: options.resource ?? t.courtId,
      customer_id: options.key === t.member ? undefined : (options.customer ?? t.alice),
      starts_at: future(days, hour),
      ends_at: future(days, hour + (options.hours ?? 1)),
    },
  });
}

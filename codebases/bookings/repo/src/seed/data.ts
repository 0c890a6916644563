/** The fixed demo data `node dist/seed.js` loads: two tenants, with everything a demo needs. */
import { ResourceKind, Role } from "../models/types";

export interface SeedResource {
  key: string;
  venue: string;
  name: string;
  kind: ResourceKind;
  capacity?: number;
  slot_minutes: 15 | 30 | 60;
  price_per_slot_cents: number;
  open_minute: number;
  close_minute: number;
  min_slots?: number;
  max_slots?: number;
}

export interface SeedBooking {
  key: string;
  resource: string;
  customer: string;
  starts_at: string;
  ends_at: string;
  status: "confirmed" | "cancelled";
  notes?: string;
  /** cancelled bookings: the share refunded */
  refund_percent?: number;
}

export interface SeedOrg {
  slug: string;
  name: string;
  venues: { key: string; name: string; address: string }[];
  resources: SeedResource[];
  customers: { key: string; email: string; name: string }[];
  keys: { role: Role; customer?: string }[];
  bookings: SeedBooking[];
}

export const SEED_ORGS: SeedOrg[] = [
  {
    slug: "acme",
    name: "Acme Sports Club",
    venues: [{ key: "arena", name: "Acme Arena", address: "1 Stadium Way" }],
    resources: [
      { key: "court-1", venue: "arena", name: "Tennis Court 1", kind: "court", slot_minutes: 60, price_per_slot_cents: 2500, open_minute: 420, close_minute: 1320, max_slots: 3 },
      { key: "court-2", venue: "arena", name: "Tennis Court 2", kind: "court", slot_minutes: 60, price_per_slot_cents: 2500, open_minute: 420, close_minute: 1320, max_slots: 3 },
      { key: "squash-1", venue: "arena", name: "Squash Box 1", kind: "court", slot_minutes: 30, price_per_slot_cents: 900, open_minute: 360, close_minute: 1380, max_slots: 4 },
      { key: "room-a", venue: "arena", name: "Meeting Room A", kind: "room", capacity: 8, slot_minutes: 30, price_per_slot_cents: 1500, open_minute: 480, close_minute: 1200, max_slots: 16 },
    ],
    customers: [
      { key: "alice", email: "alice@example.com", name: "Alice Archer" },
      { key: "bob", email: "bob@example.com", name: "Bob Baker" },
      { key: "carol", email: "carol@example.com", name: "Carol Chen" },
    ],
    keys: [{ role: "admin" }, { role: "staff" }, { role: "member", customer: "alice" }],
    bookings: [
      { key: "a1", resource: "court-1", customer: "alice", starts_at: "2030-03-04T09:00:00Z", ends_at: "2030-03-04T11:00:00Z", status: "confirmed", notes: "doubles with Bob" },
      { key: "a2", resource: "court-2", customer: "bob", starts_at: "2030-03-04T09:00:00Z", ends_at: "2030-03-04T10:00:00Z", status: "confirmed" },
      { key: "a3", resource: "squash-1", customer: "carol", starts_at: "2030-03-05T18:00:00Z", ends_at: "2030-03-05T19:00:00Z", status: "confirmed", notes: "ladder match" },
      { key: "a4", resource: "room-a", customer: "bob", starts_at: "2030-03-06T10:00:00Z", ends_at: "2030-03-06T12:00:00Z", status: "cancelled", refund_percent: 100, notes: "board meeting (moved)" },
      { key: "a5", resource: "court-1", customer: "carol", starts_at: "2030-03-07T17:00:00Z", ends_at: "2030-03-07T18:00:00Z", status: "confirmed" },
    ],
  },
  {
    slug: "globex",
    name: "Globex Coworking",
    venues: [{ key: "hq", name: "Globex HQ", address: "42 Cypress Creek" }],
    resources: [
      { key: "desk-1", venue: "hq", name: "Hot Desk 1", kind: "desk", slot_minutes: 60, price_per_slot_cents: 800, open_minute: 480, close_minute: 1200, max_slots: 8 },
      { key: "desk-2", venue: "hq", name: "Hot Desk 2", kind: "desk", slot_minutes: 60, price_per_slot_cents: 800, open_minute: 480, close_minute: 1200, max_slots: 8 },
      { key: "board-room", venue: "hq", name: "Board Room", kind: "room", capacity: 12, slot_minutes: 30, price_per_slot_cents: 4000, open_minute: 480, close_minute: 1200, max_slots: 8 },
    ],
    customers: [
      { key: "dave", email: "dave@example.org", name: "Dave Dawson" },
      { key: "erin", email: "erin@example.org", name: "Erin Evans" },
    ],
    keys: [{ role: "admin" }, { role: "staff" }, { role: "member", customer: "dave" }],
    bookings: [
      { key: "g1", resource: "board-room", customer: "erin", starts_at: "2030-03-04T09:00:00Z", ends_at: "2030-03-04T10:30:00Z", status: "confirmed", notes: "quarterly review" },
      { key: "g2", resource: "desk-1", customer: "dave", starts_at: "2030-03-04T08:00:00Z", ends_at: "2030-03-04T16:00:00Z", status: "confirmed" },
    ],
  },
];

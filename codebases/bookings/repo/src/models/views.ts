/** How the other entities look in the API (ISO times, no secrets, no internal columns). */
import { toIso } from "../lib/time";
import {
  ApiKeyRow,
  Customer,
  Notification,
  Resource,
  Venue,
  WaitlistEntry,
  WebhookDelivery,
  WebhookEndpoint,
} from "./types";

export function venueView(v: Venue) {
  return {
    id: v.id,
    name: v.name,
    address: v.address,
    timezone: v.timezone,
    created_at: toIso(v.created_at),
    updated_at: toIso(v.updated_at),
  };
}

export function resourceView(r: Resource) {
  return {
    id: r.id,
    venue_id: r.venue_id,
    name: r.name,
    kind: r.kind,
    capacity: r.capacity,
    slot_minutes: r.slot_minutes,
    price_per_slot_cents: r.price_per_slot_cents,
    currency: r.currency.trim(),
    open_minute: r.open_minute,
    close_minute: r.close_minute,
    min_slots: r.min_slots,
    max_slots: r.max_slots,
    refund_policy: {
      full_refund_hours: r.full_refund_hours,
      partial_refund_hours: r.partial_refund_hours,
      partial_refund_percent: r.partial_refund_percent,
    },
    active: r.active,
    version: r.version,
    created_at: toIso(r.created_at),
    updated_at: toIso(r.updated_at),
  };
}

export function customerView(c: Customer) {
  return { id: c.id, email: c.email, name: c.name, phone: c.phone, created_at: toIso(c.created_at) };
}

/** An API key as listed: never its hash, never the key itself (shown once, at creation). */
export function apiKeyView(k: ApiKeyRow) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    role: k.role,
    customer_id: k.customer_id,
    created_at: toIso(k.created_at),
    expires_at: toIso(k.expires_at),
    revoked_at: toIso(k.revoked_at),
    last_used_at: toIso(k.last_used_at),
  };
}

export function waitlistView(w: WaitlistEntry) {
  return {
    id: w.id,
    resource_id: w.resource_id,
    customer_id: w.customer_id,
    starts_at: toIso(w.starts_at),
    ends_at: toIso(w.ends_at),
    status: w.status,
    notified_at: toIso(w.notified_at),
    created_at: toIso(w.created_at),
  };
}

export function notificationView(n: Notification) {
  return {
    id: n.id,
    customer_id: n.customer_id,
    event_id: Number(n.event_id),
    kind: n.kind,
    title: n.title,
    body: n.body,
    payload: n.payload,
    created_at: toIso(n.created_at),
    read_at: toIso(n.read_at),
  };
}

/** A webhook endpoint as listed: the signing secret is shown once, at creation. */
export function webhookView(w: WebhookEndpoint) {
  return {
    id: w.id,
    url: w.url,
    event_types: w.event_types,
    active: w.active,
    created_at: toIso(w.created_at),
  };
}

export function deliveryView(d: WebhookDelivery) {
  return {
    id: d.id,
    endpoint_id: d.endpoint_id,
    event_id: Number(d.event_id),
    event_type: d.event_type,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: toIso(d.next_attempt_at),
    last_status_code: d.last_status_code,
    last_error: d.last_error,
    delivered_at: toIso(d.delivered_at),
  };
}

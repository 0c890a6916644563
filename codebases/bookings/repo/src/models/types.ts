/** Rows as the repositories read them (snake_case, as in the database). */

export type Role = "admin" | "staff" | "member";
export type BookingStatus = "held" | "confirmed" | "cancelled" | "expired";
export type ResourceKind = "room" | "court" | "desk" | "equipment" | "other";
export type PaymentStatus = "captured" | "partially_refunded" | "refunded";
export type WaitlistStatus = "waiting" | "notified" | "cancelled" | "fulfilled";
export type DeliveryStatus = "pending" | "delivered" | "dead";

export interface Organization {
  id: string;
  slug: string;
  name: string;
  created_at: Date;
}

export interface ApiKeyRow {
  id: string;
  org_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  role: Role;
  customer_id: string | null;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface Customer {
  id: string;
  org_id: string;
  email: string;
  name: string;
  phone: string | null;
  created_at: Date;
}

export interface Venue {
  id: string;
  org_id: string;
  name: string;
  address: string | null;
  timezone: string;
  created_at: Date;
  updated_at: Date;
}

export interface Resource {
  id: string;
  org_id: string;
  venue_id: string;
  name: string;
  kind: ResourceKind;
  capacity: number;
  slot_minutes: number;
  price_per_slot_cents: number;
  currency: string;
  open_minute: number;
  close_minute: number;
  min_slots: number;
  max_slots: number;
  full_refund_hours: number;
  partial_refund_hours: number;
  partial_refund_percent: number;
  active: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface Booking {
  id: string;
  org_id: string;
  reference: string;
  resource_id: string;
  customer_id: string;
  starts_at: Date;
  ends_at: Date;
  status: BookingStatus;
  hold_expires_at: Date | null;
  price_cents: number;
  currency: string;
  notes: string | null;
  created_by_key_id: string | null;
  confirmed_at: Date | null;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** A booking row with the names a listing shows beside it. */
export interface BookingWithNames extends Booking {
  resource_name: string;
  customer_name: string;
}

export interface Payment {
  id: string;
  org_id: string;
  booking_id: string;
  amount_cents: number;
  refunded_cents: number;
  currency: string;
  status: PaymentStatus;
  gateway_ref: string;
  created_at: Date;
}

export interface Refund {
  id: string;
  org_id: string;
  payment_id: string;
  booking_id: string;
  amount_cents: number;
  reason: string | null;
  gateway_ref: string | null;
  created_at: Date;
}

export interface WaitlistEntry {
  id: string;
  org_id: string;
  resource_id: string;
  customer_id: string;
  starts_at: Date;
  ends_at: Date;
  status: WaitlistStatus;
  notified_at: Date | null;
  created_at: Date;
}

export interface OutboxEvent {
  id: string;
  org_id: string;
  event_type: string;
  aggregate_type: string;
  aggregate_id: string;
  payload: Record<string, unknown>;
  created_at: Date;
  published_at: Date | null;
  attempts: number;
  last_error: string | null;
}

export interface Notification {
  id: string;
  org_id: string;
  customer_id: string | null;
  event_id: string;
  kind: string;
  title: string;
  body: string;
  payload: Record<string, unknown>;
  created_at: Date;
  read_at: Date | null;
}

export interface WebhookEndpoint {
  id: string;
  org_id: string;
  url: string;
  secret: string;
  event_types: string[] | null;
  active: boolean;
  created_at: Date;
}

export interface WebhookDelivery {
  id: string;
  org_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  payload: Record<string, unknown>;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

export interface IdempotencyRecord {
  id: string;
  org_id: string;
  key: string;
  api_key_id: string | null;
  request_hash: string;
  status: "in_progress" | "completed";
  response_status: number | null;
  response_body: unknown;
  created_at: Date;
  completed_at: Date | null;
  expires_at: Date;
}

/** Who is calling: resolved from the API key by the auth middleware. */
export interface Principal {
  orgId: string;
  apiKeyId: string;
  role: Role;
  /** set for member keys: the customer the key acts as */
  customerId: string | null;
}

/** Domain event types written to the outbox. */
export const EVENTS = {
  bookingHeld: "booking.held",
  bookingConfirmed: "booking.confirmed",
  bookingCancelled: "booking.cancelled",
  bookingExpired: "booking.expired",
  waitlistSlotAvailable: "waitlist.slot_available",
} as const;
export type EventType = (typeof EVENTS)[keyof typeof EVENTS];

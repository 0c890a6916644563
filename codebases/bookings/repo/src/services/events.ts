/** The payloads of the domain events written to the outbox (and so seen by webhooks). */
import { toIso } from "../lib/time";
import { Booking, EVENTS, EventType, WaitlistEntry } from "../models/types";
import { outbox } from "../repositories/outbox";
import { Db } from "../db/knex";

export function bookingPayload(b: Booking, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    booking_id: b.id,
    reference: b.reference,
    resource_id: b.resource_id,
    customer_id: b.customer_id,
    starts_at: toIso(b.starts_at),
    ends_at: toIso(b.ends_at),
    status: b.status,
    price_cents: b.price_cents,
    currency: b.currency.trim(),
    ...extra,
  };
}

export async function recordBookingEvent(trx: Db, type: EventType, booking: Booking, extra: Record<string, unknown> = {}) {
  return outbox.add(trx, {
    org_id: booking.org_id,
    event_type: type,
    aggregate_type: "booking",
    aggregate_id: booking.id,
    payload: bookingPayload(booking, extra),
  });
}

export async function recordWaitlistEvent(trx: Db, entry: WaitlistEntry) {
  return outbox.add(trx, {
    org_id: entry.org_id,
    event_type: EVENTS.waitlistSlotAvailable,
    aggregate_type: "waitlist_entry",
    aggregate_id: entry.id,
    payload: {
      waitlist_entry_id: entry.id,
      resource_id: entry.resource_id,
      customer_id: entry.customer_id,
      starts_at: toIso(entry.starts_at),
      ends_at: toIso(entry.ends_at),
    },
  });
}

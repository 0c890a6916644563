/**
 * Waitlists: a customer asks to be told when a taken time frees up. When a booking is
 * cancelled or its hold expires, the earliest waiting entries whose whole wanted time is now
 * free are marked notified and an event is written (the worker turns it into a notification).
 */
import { isScopedToCustomer } from "../auth/permissions";
import { Db } from "../db/knex";
import { Deps } from "../deps";
import { conflict, forbidden, notFound, unprocessable } from "../lib/errors";
import { decodeCursor, Page, pageOf } from "../lib/pagination";
import { overlaps, toIso } from "../lib/time";
import { waitlistView } from "../models/views";
import { Booking, Principal, WaitlistEntry, WaitlistStatus } from "../models/types";
import { bookings } from "../repositories/bookings";
import { customers } from "../repositories/customers";
import { resources } from "../repositories/resources";
import { waitlist } from "../repositories/waitlist";
import { recordWaitlistEvent } from "./events";

type WaitlistView = ReturnType<typeof waitlistView>;

export async function joinWaitlist(
  deps: Deps,
  principal: Principal,
  input: { resource_id: string; customer_id?: string; starts_at: Date; ends_at: Date },
): Promise<WaitlistView> {
  let customerId: string;
  if (isScopedToCustomer(principal)) {
    if (input.customer_id && input.customer_id !== principal.customerId) throw forbidden("a member key joins only for itself");
    customerId = principal.customerId!;
  } else {
    if (!input.customer_id) throw unprocessable("customer_required", "customer_id is required for staff and admin keys");
    const customer = await customers.findById(deps.db, principal.orgId, input.customer_id);
    if (!customer) throw notFound("customer");
    customerId = customer.id;
  }
  const resource = await resources.findById(deps.db, principal.orgId, input.resource_id);
  if (!resource) throw notFound("resource");
  if (input.starts_at.getTime() <= deps.clock.now().getTime()) {
    throw unprocessable("invalid_slot", "a waitlist entry must be for a future time");
  }
  if (await waitlist.hasWaiting(deps.db, principal.orgId, resource.id, customerId, input.starts_at, input.ends_at)) {
    throw conflict("already_waiting", "this customer already waits for that time");
  }
  const row = await waitlist.insert(deps.db, {
    org_id: principal.orgId,
    resource_id: resource.id,
    customer_id: customerId,
    starts_at: input.starts_at,
    ends_at: input.ends_at,
  });
  return waitlistView(row);
}

export async function listWaitlist(
  deps: Deps,
  principal: Principal,
  options: { limit: number; cursor?: string; resourceId?: string; status?: WaitlistStatus },
): Promise<Page<WaitlistView>> {
  const after = decodeCursor(options.cursor) ?? undefined;
  const rows = await waitlist.list(deps.db, principal.orgId, {
    ...options,
    after,
    customerId: isScopedToCustomer(principal) ? principal.customerId : null,
  });
  const page = pageOf(rows, options.limit, (w) => ({ k: toIso(w.created_at)!, id: w.id }));
  return { data: page.data.map(waitlistView), next_cursor: page.next_cursor };
}

export async function leaveWaitlist(deps: Deps, principal: Principal, id: string): Promise<WaitlistView> {
  const entry = await waitlist.findById(deps.db, principal.orgId, id);
  if (!entry || (isScopedToCustomer(principal) && entry.customer_id !== principal.customerId)) throw notFound("waitlist entry");
  if (entry.status !== "waiting" && entry.status !== "notified") {
    throw conflict("invalid_state", `a ${entry.status} waitlist entry cannot be cancelled`);
  }
  const row = await waitlist.setStatus(deps.db, principal.orgId, id, "cancelled");
  return waitlistView(row!);
}

/** Called inside the transaction that freed `booking`'s slot. Returns the entries notified. */
export async function onSlotFreed(trx: Db, booking: Booking, now: Date = new Date()): Promise<WaitlistEntry[]> {
  const candidates = await waitlist.waitingOverlapping(trx, booking.resource_id, booking.starts_at, booking.ends_at);
  const notified: WaitlistEntry[] = [];
  for (const entry of candidates) {
    if (notified.some((n) => overlaps(n.starts_at, n.ends_at, entry.starts_at, entry.ends_at))) continue;
    const stillTaken = await bookings.findOverlapping(trx, entry.resource_id, entry.starts_at, entry.ends_at, now);
    if (stillTaken.length > 0) continue;
    const updated = await waitlist.setStatus(trx, entry.org_id, entry.id, "notified");
    await recordWaitlistEvent(trx, updated!);
    notified.push(updated!);
  }
  return notified;
}

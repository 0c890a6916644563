/**
 * Bookings: a new booking holds its slot for HOLD_TTL_SECONDS until it is paid (confirm) or
 * the hold runs out (the worker expires it). Cancelling a paid booking refunds by the
 * resource's policy. Every change writes its event to the outbox in the same transaction.
 */
import { randomUUID } from "node:crypto";
import { isScopedToCustomer } from "../auth/permissions";
import { Db } from "../db/knex";
import { Deps } from "../deps";
import { AppError, badGateway, conflict, forbidden, gatewayTimeout, notFound, unprocessable } from "../lib/errors";
import { logger } from "../lib/logger";
import { decodeCursor, Page, pageOf } from "../lib/pagination";
import { addMs, daysTouched, toIso } from "../lib/time";
import { bookingReference, BookingView, bookingView, canTransition } from "../models/booking";
import { priceFor, refundAmount, refundPercent } from "../models/pricing";
import { slotProblem } from "../models/slots";
import { Booking, BookingStatus, EVENTS, Principal } from "../models/types";
import { GatewayUnavailableError, PaymentDeclinedError } from "../payments/gateway";
import { bookings, BookingFilters } from "../repositories/bookings";
import { customers } from "../repositories/customers";
import { payments } from "../repositories/payments";
import { resources } from "../repositories/resources";
import { invalidateDays } from "./availabilityCache";
import { recordBookingEvent } from "./events";
import { onSlotFreed } from "./waitlist";

export interface CreateBookingInput {
  resource_id: string;
  customer_id?: string;
  starts_at: Date;
  ends_at: Date;
  notes?: string | null;
}

/** The customer a booking is made for: a member key's own, else the one named in the request. */
async function resolveCustomer(db: Db, principal: Principal, requested?: string): Promise<string> {
  if (isScopedToCustomer(principal)) {
    if (requested && requested !== principal.customerId) throw forbidden("a member key books only for its own customer");
    return principal.customerId!;
  }
  if (!requested) throw unprocessable("customer_required", "customer_id is required for staff and admin keys");
  const customer = await customers.findById(db, principal.orgId, requested);
  if (!customer) throw notFound("customer");
  return customer.id;
}

/** A booking the principal may see: a tenant's own, and for a member key only its customer's. */
async function visibleBooking(db: Db, principal: Principal, id: string, lock = false): Promise<Booking> {
  const booking = lock ? await bookings.lockById(db, principal.orgId, id) : await bookings.findById(db, principal.orgId, id);
  if (!booking) throw notFound("booking");
  if (isScopedToCustomer(principal) && booking.customer_id !== principal.customerId) throw notFound("booking");
  return booking;
}

export async function createBooking(deps: Deps, principal: Principal, input: CreateBookingInput): Promise<BookingView> {
  const customerId = await resolveCustomer(deps.db, principal, input.customer_id);
  const now = deps.clock.now();
  const booking = await deps.db.transaction(async (trx) => {
    const resource = await resources.lockForBooking(trx, principal.orgId, input.resource_id);
    if (!resource) throw notFound("resource");
    if (!resource.active) throw conflict("resource_inactive", "the resource is not bookable any more");
    const problem = slotProblem(resource, input.starts_at, input.ends_at, now);
    if (problem) throw unprocessable("invalid_slot", problem);
    const clashes = await bookings.findOverlapping(trx, resource.id, input.starts_at, input.ends_at, now);
    if (clashes.length > 0) {
      deps.metrics.bookingConflicts.inc();
      throw conflict("slot_unavailable", "the resource is already booked for part of that time", {
        conflicting: clashes.map((c) => ({ starts_at: toIso(c.starts_at), ends_at: toIso(c.ends_at) })),
      });
    }
    const id = randomUUID();
    const created = await bookings.insert(trx, {
      id,
      org_id: principal.orgId,
      reference: bookingReference(id),
      resource_id: resource.id,
      customer_id: customerId,
      starts_at: input.starts_at,
      ends_at: input.ends_at,
      status: "held",
      hold_expires_at: addMs(now, deps.config.holdTtlSeconds * 1000),
      price_cents: priceFor(resource, input.starts_at, input.ends_at),
      currency: resource.currency.trim(),
      notes: input.notes ?? null,
      created_by_key_id: principal.apiKeyId,
    });
    await recordBookingEvent(trx, EVENTS.bookingHeld, created, { hold_expires_at: toIso(created.hold_expires_at) });
    return created;
  });
  await invalidateDays(deps, principal.orgId, booking.resource_id, daysTouched(booking.starts_at, booking.ends_at));
  deps.metrics.bookingsCreated.inc();
  logger().info("booking held", { booking_id: booking.id, resource_id: booking.resource_id });
  return bookingView(booking);
}

export async function getBooking(deps: Deps, principal: Principal, id: string): Promise<BookingView> {
  const booking = await bookings.findByIdWithNames(deps.db, principal.orgId, id);
  if (!booking || (isScopedToCustomer(principal) && booking.customer_id !== principal.customerId)) throw notFound("booking");
  const payment = (await payments.findByBooking(deps.db, principal.orgId, id)) ?? null;
  const refunds = payment ? await payments.refundsOf(deps.db, principal.orgId, id) : [];
  return bookingView(booking, { payment, refunds });
}

export async function listBookings(
  deps: Deps,
  principal: Principal,
  filters: BookingFilters & { limit: number; cursor?: string },
): Promise<Page<BookingView>> {
  const after = decodeCursor(filters.cursor) ?? undefined;
  const scoped: BookingFilters = { ...filters };
  if (isScopedToCustomer(principal)) scoped.customerId = principal.customerId!;
  const rows = await bookings.listPage(deps.db, principal.orgId, scoped, filters.limit, after);
  const page = pageOf(rows, filters.limit, (b) => ({ k: toIso(b.starts_at)!, id: b.id }));
  const paid = await payments.findByBookings(
    deps.db,
    principal.orgId,
    page.data.map((b) => b.id),
  );
  const byBooking = new Map(paid.map((p) => [p.booking_id, p]));
  return { data: page.data.map((b) => bookingView(b, { payment: byBooking.get(b.id) ?? null })), next_cursor: page.next_cursor };
}

export async function searchBookings(
  deps: Deps,
  principal: Principal,
  options: { q: string; sort: string; limit: number },
): Promise<{ data: BookingView[] }> {
  const rows = await bookings.search(deps.db, principal.orgId, {
    ...options,
    customerId: isScopedToCustomer(principal) ? principal.customerId : null,
  });
  return { data: rows.map((b) => bookingView(b)) };
}

function requireTransition(booking: Booking, to: BookingStatus): void {
  if (!canTransition(booking.status, to)) {
    throw conflict("invalid_state", `a ${booking.status} booking cannot become ${to}`);
  }
}

/** Pays for a held booking and confirms it. The gateway is charged once per booking, whatever the retries. */
export async function confirmBooking(
  deps: Deps,
  principal: Principal,
  id: string,
  input: { payment_token: string; amount_cents?: number },
): Promise<BookingView> {
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (trx) => {
    const booking = await visibleBooking(trx, principal, id, true);
    requireTransition(booking, "confirmed");
    if (booking.hold_expires_at === null || booking.hold_expires_at.getTime() <= now.getTime()) {
      throw conflict("hold_expired", "the hold on this booking has run out; book again");
    }
    if (input.amount_cents !== undefined && input.amount_cents !== booking.price_cents) {
      throw unprocessable("amount_mismatch", `the booking costs ${booking.price_cents} cents`);
    }
    const charge = await chargeGateway(deps, booking, input.payment_token);
    const payment = await payments.insert(trx, {
      org_id: booking.org_id,
      booking_id: booking.id,
      amount_cents: booking.price_cents,
      currency: booking.currency.trim(),
      gateway_ref: charge.ref,
    });
    const confirmed = await bookings.confirm(trx, booking.id, now);
    await recordBookingEvent(trx, EVENTS.bookingConfirmed, confirmed, { payment_id: payment.id, amount_cents: payment.amount_cents });
    return { booking: confirmed, payment };
  });
  deps.metrics.bookingsConfirmed.inc();
  logger().info("booking confirmed", { booking_id: id, amount_cents: result.payment.amount_cents });
  return bookingView(result.booking, { payment: result.payment, refunds: [] });
}

async function chargeGateway(deps: Deps, booking: Booking, token: string) {
  try {
    const charge = await deps.gateway.charge({
      amountCents: booking.price_cents,
      currency: booking.currency.trim(),
      token,
      idempotencyKey: `booking-${booking.id}-charge`,
      description: `booking ${booking.reference}`,
    });
    deps.metrics.paymentRequests.inc({ operation: "charge", outcome: "ok" });
    return charge;
  } catch (err) {
    if (err instanceof PaymentDeclinedError) {
      deps.metrics.paymentRequests.inc({ operation: "charge", outcome: "declined" });
      throw new AppError(402, "payment_declined", err.message);
    }
    if (err instanceof GatewayUnavailableError) {
      deps.metrics.paymentRequests.inc({ operation: "charge", outcome: err.timedOut ? "timeout" : "error" });
      throw err.timedOut ? gatewayTimeout(err.message) : badGateway("payment_gateway_error", err.message);
    }
    throw err;
  }
}

/**
 * Cancels a booking. A held one just lets its slot go; a paid one is refunded by the
 * resource's policy (100% / partial / nothing, by how long before the start).
 */
export async function cancelBooking(
  deps: Deps,
  principal: Principal,
  id: string,
  reason: string | null,
): Promise<BookingView> {
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (trx) => {
    const booking = await visibleBooking(trx, principal, id, true);
    requireTransition(booking, "cancelled");
    const resource = await resources.findById(trx, principal.orgId, booking.resource_id);
    if (!resource) throw notFound("resource");
    let payment = (await payments.findByBooking(trx, principal.orgId, booking.id)) ?? null;
    let refundCents = 0;
    if (booking.status === "confirmed" && payment) {
      const percent = refundPercent(resource, booking.starts_at, now);
      refundCents = refundAmount(payment.amount_cents, payment.refunded_cents, percent);
      if (refundCents > 0) {
        const refund = await refundGateway(deps, payment.gateway_ref, booking.id, refundCents);
        payment = (await payments.recordRefund(trx, payment, { amount_cents: refundCents, reason, gateway_ref: refund.ref })).payment;
      }
    }
    const cancelled = await bookings.cancel(trx, booking.id, now, reason);
    await recordBookingEvent(trx, EVENTS.bookingCancelled, cancelled, { refund_cents: refundCents, reason });
    await onSlotFreed(trx, cancelled);
    const refunds = payment ? await payments.refundsOf(trx, principal.orgId, booking.id) : [];
    return { booking: cancelled, payment, refunds };
  });
  await invalidateDays(deps, principal.orgId, result.booking.resource_id, daysTouched(result.booking.starts_at, result.booking.ends_at));
  deps.metrics.bookingsCancelled.inc();
  logger().info("booking cancelled", { booking_id: id });
  return bookingView(result.booking, { payment: result.payment, refunds: result.refunds });
}

async function refundGateway(deps: Deps, chargeRef: string, bookingId: string, amountCents: number) {
  try {
    const refund = await deps.gateway.refund({ chargeRef, amountCents, idempotencyKey: `booking-${bookingId}-refund` });
    deps.metrics.paymentRequests.inc({ operation: "refund", outcome: "ok" });
    return refund;
  } catch (err) {
    deps.metrics.paymentRequests.inc({ operation: "refund", outcome: "error" });
    if (err instanceof GatewayUnavailableError) {
      throw err.timedOut ? gatewayTimeout(err.message) : badGateway("payment_gateway_error", err.message);
    }
    if (err instanceof PaymentDeclinedError) throw badGateway("refund_refused", err.message);
    throw err;
  }
}

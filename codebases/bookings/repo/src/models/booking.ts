/** The booking life cycle and how bookings look in the API. */
import { toIso } from "../lib/time";
import { Booking, BookingStatus, BookingWithNames, Payment, Refund } from "./types";

/** held -> confirmed | cancelled | expired; confirmed -> cancelled. Nothing leaves cancelled or expired. */
const TRANSITIONS: Record<BookingStatus, BookingStatus[]> = {
  held: ["confirmed", "cancelled", "expired"],
  confirmed: ["cancelled"],
  cancelled: [],
  expired: [],
};

export function canTransition(from: BookingStatus, to: BookingStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Whether the booking still occupies its slot at `now`. */
export function occupiesSlot(booking: Pick<Booking, "status" | "hold_expires_at">, now: Date): boolean {
  if (booking.status === "confirmed") return true;
  if (booking.status === "held") return booking.hold_expires_at !== null && booking.hold_expires_at > now;
  return false;
}

export function bookingReference(id: string): string {
  return `BK-${id.replace(/-/g, "").slice(0, 8).toUpperCase()}`;
}

export interface BookingView {
  id: string;
  reference: string;
  resource_id: string;
  customer_id: string;
  starts_at: string;
  ends_at: string;
  status: BookingStatus;
  hold_expires_at: string | null;
  price_cents: number;
  currency: string;
  notes: string | null;
  confirmed_at: string | null;
  cancelled_at: string | null;
  cancel_reason: string | null;
  version: number;
  created_at: string;
  resource?: { id: string; name: string };
  customer?: { id: string; name: string };
  payment?: PaymentView | null;
  refunds?: RefundView[];
}

export interface PaymentView {
  id: string;
  amount_cents: number;
  refunded_cents: number;
  currency: string;
  status: string;
  created_at: string;
}

export interface RefundView {
  id: string;
  amount_cents: number;
  reason: string | null;
  created_at: string;
}

export function paymentView(p: Payment): PaymentView {
  return {
    id: p.id,
    amount_cents: p.amount_cents,
    refunded_cents: p.refunded_cents,
    currency: p.currency.trim(),
    status: p.status,
    created_at: toIso(p.created_at)!,
  };
}

export function refundView(r: Refund): RefundView {
  return { id: r.id, amount_cents: r.amount_cents, reason: r.reason, created_at: toIso(r.created_at)! };
}

export function bookingView(
  b: Booking | BookingWithNames,
  extra: { payment?: Payment | null; refunds?: Refund[] } = {},
): BookingView {
  const view: BookingView = {
    id: b.id,
    reference: b.reference,
    resource_id: b.resource_id,
    customer_id: b.customer_id,
    starts_at: toIso(b.starts_at)!,
    ends_at: toIso(b.ends_at)!,
    status: b.status,
    hold_expires_at: b.status === "held" ? toIso(b.hold_expires_at) : null,
    price_cents: b.price_cents,
    currency: b.currency.trim(),
    notes: b.notes,
    confirmed_at: toIso(b.confirmed_at),
    cancelled_at: toIso(b.cancelled_at),
    cancel_reason: b.cancel_reason,
    version: b.version,
    created_at: toIso(b.created_at)!,
  };
  if ("resource_name" in b) {
    view.resource = { id: b.resource_id, name: b.resource_name };
    view.customer = { id: b.customer_id, name: b.customer_name };
  }
  if (extra.payment !== undefined) view.payment = extra.payment ? paymentView(extra.payment) : null;
  if (extra.refunds !== undefined) view.refunds = extra.refunds.map(refundView);
  return view;
}

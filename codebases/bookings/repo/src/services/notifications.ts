/** Customer notifications: listing them, and the text each domain event becomes. */
import { isScopedToCustomer } from "../auth/permissions";
import { Deps } from "../deps";
import { decodeCursor, Page, pageOf } from "../lib/pagination";
import { toIso } from "../lib/time";
import { formatCents } from "../models/pricing";
import { notificationView } from "../models/views";
import { EVENTS, Principal } from "../models/types";
import { notifications } from "../repositories/notifications";

type NotificationView = ReturnType<typeof notificationView>;

export async function listNotifications(
  deps: Deps,
  principal: Principal,
  options: { limit: number; cursor?: string; customerId?: string },
): Promise<Page<NotificationView>> {
  const after = decodeCursor(options.cursor) ?? undefined;
  const customerId = isScopedToCustomer(principal) ? principal.customerId : (options.customerId ?? null);
  const rows = await notifications.list(deps.db, principal.orgId, { limit: options.limit, after, customerId });
  const page = pageOf(rows, options.limit, (n) => ({ k: toIso(n.created_at)!, id: n.id }));
  return { data: page.data.map(notificationView), next_cursor: page.next_cursor };
}

export interface NotificationText {
  kind: string;
  title: string;
  body: string;
}

/** What a customer is told about an event; null for events customers are not told about. */
export function notificationFor(eventType: string, payload: Record<string, unknown>): NotificationText | null {
  const reference = String(payload.reference ?? "");
  const when = `${String(payload.starts_at ?? "")} to ${String(payload.ends_at ?? "")}`;
  const currency = String(payload.currency ?? "EUR");
  switch (eventType) {
    case EVENTS.bookingConfirmed:
      return {
        kind: "booking_confirmed",
        title: `Booking ${reference} confirmed`,
        body: `Your booking for ${when} is confirmed. Paid ${formatCents(Number(payload.amount_cents ?? payload.price_cents ?? 0), currency)}.`,
      };
    case EVENTS.bookingCancelled: {
      const refund = Number(payload.refund_cents ?? 0);
      return {
        kind: "booking_cancelled",
        title: `Booking ${reference} cancelled`,
        body: refund > 0 ? `Your booking for ${when} was cancelled. Refund: ${formatCents(refund, currency)}.` : `Your booking for ${when} was cancelled.`,
      };
    }
    case EVENTS.bookingExpired:
      return {
        kind: "hold_expired",
        title: `Hold ${reference} expired`,
        body: `Your hold for ${when} ran out before payment and was released.`,
      };
    case EVENTS.waitlistSlotAvailable:
      return { kind: "waitlist_slot_available", title: "A time you wanted is free", body: `The time ${when} is free now: book it before someone else does.` };
    default:
      return null;
  }
}

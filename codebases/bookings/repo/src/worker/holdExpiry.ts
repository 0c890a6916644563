/** Releases holds whose time ran out: the booking becomes `expired`, its slot free again. */
import { Deps } from "../deps";
import { logger } from "../lib/logger";
import { daysTouched } from "../lib/time";
import { EVENTS } from "../models/types";
import { bookings } from "../repositories/bookings";
import { invalidateDays } from "../services/availabilityCache";
import { recordBookingEvent } from "../services/events";
import { onSlotFreed } from "../services/waitlist";

export async function expireHolds(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  const expired = await deps.db.transaction(async (trx) => {
    const rows = await bookings.expireDueHolds(trx, now, deps.config.worker.batchSize);
    for (const booking of rows) {
      await recordBookingEvent(trx, EVENTS.bookingExpired, booking);
      await onSlotFreed(trx, booking, now);
    }
    return rows;
  });
  for (const booking of expired) {
    await invalidateDays(deps, booking.org_id, booking.resource_id, daysTouched(booking.starts_at, booking.ends_at));
  }
  if (expired.length) logger().info("holds expired", { count: expired.length, booking_ids: expired.map((b) => b.id) });
  return expired.length;
}

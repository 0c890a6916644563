/** The slot grid of a resource: where bookings may start and end, and which slots a day has. */
import { addMs, dayOf, MINUTE_MS, minutesAfterMidnight, overlaps, parseDay } from "../lib/time";
import { occupiesSlot } from "./booking";
import { Booking, Resource } from "./types";

export type SlotRules = Pick<Resource, "slot_minutes" | "open_minute" | "close_minute" | "min_slots" | "max_slots">;

/** Why [start, end) is not a bookable range of the resource, or null when it is. */
export function slotProblem(resource: SlotRules, start: Date, end: Date, now: Date): string | null {
  if (end.getTime() <= start.getTime()) return "ends_at must be after starts_at";
  if (start.getTime() <= now.getTime()) return "bookings must start in the future";
  const step = resource.slot_minutes;
  for (const [name, t] of [["starts_at", start], ["ends_at", end]] as const) {
    if (t.getUTCSeconds() !== 0 || t.getUTCMilliseconds() !== 0 || minutesAfterMidnight(t) % step !== 0) {
      return `${name} must fall on the ${step}-minute slot grid`;
    }
  }
  if (dayOf(start) !== dayOf(addMs(end, -1))) return "a booking must start and end on the same day (UTC)";
  const startMinute = minutesAfterMidnight(start);
  const endMinute = dayOf(end) === dayOf(start) ? minutesAfterMidnight(end) : 1440;
  if (startMinute < resource.open_minute || endMinute > resource.close_minute) {
    return "the resource is closed at that time";
  }
  const slots = (end.getTime() - start.getTime()) / (step * MINUTE_MS);
  if (slots < resource.min_slots) return `a booking needs at least ${resource.min_slots} slot(s)`;
  if (slots > resource.max_slots) return `a booking may take at most ${resource.max_slots} slot(s)`;
  return null;
}

export interface Slot {
  starts_at: string;
  ends_at: string;
  available: boolean;
}

/** Every slot of the resource on `day` (UTC), marked unavailable where an active booking overlaps. */
export function daySlots(
  resource: SlotRules,
  day: string,
  bookings: Pick<Booking, "starts_at" | "ends_at" | "status" | "hold_expires_at">[],
  now: Date,
): Slot[] {
  const midnight = parseDay(day);
  if (!midnight) throw new Error(`not a day: ${day}`);
  const active = bookings.filter((b) => occupiesSlot(b, now));
  const slots: Slot[] = [];
  for (let minute = resource.open_minute; minute + resource.slot_minutes <= resource.close_minute; minute += resource.slot_minutes) {
    const start = addMs(midnight, minute * MINUTE_MS);
    const end = addMs(start, resource.slot_minutes * MINUTE_MS);
    const taken = active.some((b) => overlaps(start, end, b.starts_at, b.ends_at));
    slots.push({ starts_at: start.toISOString(), ends_at: end.toISOString(), available: !taken });
  }
  return slots;
}

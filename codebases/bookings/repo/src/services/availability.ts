/** Free and taken slots of a resource on one day, read through the Redis cache. */
import { Deps } from "../deps";
import { badRequest, notFound } from "../lib/errors";
import { DAY_MS, addMs, parseDay } from "../lib/time";
import { daySlots } from "../models/slots";
import { Principal } from "../models/types";
import { bookings } from "../repositories/bookings";
import { resources } from "../repositories/resources";
import { CachedAvailability, readAvailability, writeAvailability } from "./availabilityCache";

export async function availability(
  deps: Deps,
  principal: Principal,
  resourceId: string,
  day: string,
): Promise<{ value: CachedAvailability; cached: boolean }> {
  const midnight = parseDay(day);
  if (!midnight) throw badRequest("date must be YYYY-MM-DD");
  const cached = await readAvailability(deps, principal.orgId, resourceId, day);
  if (cached) return { value: cached, cached: true };
  const resource = await resources.findById(deps.db, principal.orgId, resourceId);
  if (!resource) throw notFound("resource");
  const now = deps.clock.now();
  const taken = resource.active
    ? await bookings.activeBetween(deps.db, principal.orgId, resourceId, midnight, addMs(midnight, DAY_MS), now)
    : [];
  let slots = daySlots(resource, day, taken, now);
  if (!resource.active) slots = slots.map((s) => ({ ...s, available: false }));
  const value: CachedAvailability = { resource_id: resourceId, date: day, slot_minutes: resource.slot_minutes, slots };
  await writeAvailability(deps, principal.orgId, value);
  return { value, cached: false };
}

/**
 * Cached availability, per tenant, resource and UTC day, in Redis. Writers invalidate after
 * their transaction commits: a booking change deletes the days it touches, a change of the
 * resource's settings bumps the resource's generation (every cached day of it is then unused).
 * Redis trouble never fails a request: a failed read is a miss, a failed write is skipped.
 */
import { Deps } from "../deps";
import { logger } from "../lib/logger";
import { Slot } from "../models/slots";

export interface CachedAvailability {
  resource_id: string;
  date: string;
  slot_minutes: number;
  slots: Slot[];
}

async function generation(deps: Deps, orgId: string, resourceId: string): Promise<number> {
  const value = await deps.redis.get(deps.keys.availabilityGeneration(orgId, resourceId));
  return value === null ? 0 : Number(value);
}

export async function readAvailability(
  deps: Deps,
  orgId: string,
  resourceId: string,
  day: string,
): Promise<CachedAvailability | null> {
  try {
    const gen = await generation(deps, orgId, resourceId);
    const raw = await deps.redis.get(deps.keys.availability(orgId, resourceId, day, gen));
    deps.metrics.cacheRequests.inc({ result: raw === null ? "miss" : "hit" });
    return raw === null ? null : (JSON.parse(raw) as CachedAvailability);
  } catch (err) {
    deps.metrics.cacheRequests.inc({ result: "error" });
    logger().warn("availability cache read failed", { error: (err as Error).message });
    return null;
  }
}

export async function writeAvailability(deps: Deps, orgId: string, value: CachedAvailability): Promise<void> {
  try {
    const gen = await generation(deps, orgId, value.resource_id);
    await deps.redis.set(
      deps.keys.availability(orgId, value.resource_id, value.date, gen),
      JSON.stringify(value),
      "EX",
      deps.config.availabilityCacheTtlSeconds,
    );
  } catch (err) {
    logger().warn("availability cache write failed", { error: (err as Error).message });
  }
}

/** After a booking of the resource changed on these days. */
export async function invalidateDays(deps: Deps, orgId: string, resourceId: string, days: string[]): Promise<void> {
  if (days.length === 0) return;
  try {
    const gen = await generation(deps, orgId, resourceId);
    await deps.redis.del(...days.map((day) => deps.keys.availability(orgId, resourceId, day, gen)));
  } catch (err) {
    logger().warn("availability cache invalidation failed", { error: (err as Error).message, resource_id: resourceId, days });
  }
}

/** After the resource's own settings (hours, slot rules, active) changed. */
export async function invalidateResource(deps: Deps, orgId: string, resourceId: string): Promise<void> {
  try {
    await deps.redis.incr(deps.keys.availabilityGeneration(orgId, resourceId));
  } catch (err) {
    logger().warn("availability cache invalidation failed", { error: (err as Error).message, resource_id: resourceId });
  }
}

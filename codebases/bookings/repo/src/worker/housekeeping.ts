/** Slow chores: forgetting expired idempotency keys. */
import { Deps } from "../deps";
import { logger } from "../lib/logger";
import { idempotency } from "../repositories/idempotency";

export async function purgeIdempotencyKeys(deps: Deps): Promise<number> {
  const removed = await idempotency.purgeExpired(deps.db, deps.clock.now(), 1000);
  if (removed) logger().info("expired idempotency keys removed", { count: removed });
  return removed;
}

/** Builds a process's dependencies from its configuration (server, worker and tests alike). */
import { Config } from "./config";
import { createDb } from "./db/knex";
import { Deps } from "./deps";
import { createMetrics } from "./lib/metrics";
import { Clock, systemClock } from "./lib/time";
import { createGateway } from "./payments";
import { PaymentGateway } from "./payments/gateway";
import { closeRedis, connectRedis, createRedis } from "./redis/client";
import { RedisKeys } from "./redis/keys";

export async function makeDeps(
  config: Config,
  options: { name?: string; clock?: Clock; gateway?: PaymentGateway } = {},
): Promise<Deps> {
  const db = createDb(config, { application: options.name ?? "bookings" });
  const redis = createRedis(config, options.name ?? "bookings");
  await connectRedis(redis, Math.max(2000, config.redis.commandTimeoutMs * 2));
  return {
    config,
    db,
    redis,
    keys: new RedisKeys(config.redis.keyPrefix),
    metrics: createMetrics(),
    clock: options.clock ?? systemClock,
    gateway: options.gateway ?? createGateway(config),
  };
}

export async function closeDeps(deps: Deps): Promise<void> {
  await Promise.allSettled([deps.db.destroy(), closeRedis(deps.redis)]);
}

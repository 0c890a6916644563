/**
 * Redis connections. Commands fail fast (a command timeout, no offline queue) so a Redis outage
 * degrades the service (no cache, no rate limiting) instead of hanging every request.
 */
import Redis from "ioredis";
import { Config } from "../config";
import { logger } from "../lib/logger";

export type RedisClient = Redis;

export function createRedis(config: Config, name = "bookings"): Redis {
  const client = new Redis(config.redisUrl, {
    connectionName: name,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: config.redis.commandTimeoutMs,
    connectTimeout: Math.max(1000, config.redis.commandTimeoutMs * 2),
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  let lastError = "";
  client.on("error", (err: Error) => {
    // ioredis repeats the same error on every reconnect attempt: log each distinct one once
    if (err.message !== lastError) {
      lastError = err.message;
      logger().warn("redis connection error", { error: err.message, connection: name });
    }
  });
  client.on("ready", () => {
    lastError = "";
  });
  return client;
}

/** Connects, but does not fail start-up when Redis is away: the client keeps reconnecting. */
export async function connectRedis(client: Redis, timeoutMs: number): Promise<boolean> {
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("redis connect timed out")), timeoutMs)),
    ]);
    return true;
  } catch (err) {
    logger().warn("redis not reachable at start-up; continuing without it", { error: (err as Error).message });
    return false;
  }
}

export async function pingRedis(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status !== "ready") throw new Error(`redis connection is ${client.status}`);
  const answer = await Promise.race([
    client.ping(),
    new Promise<string>((_, reject) => setTimeout(() => reject(new Error("redis ping timed out")), timeoutMs)),
  ]);
  if (answer !== "PONG") throw new Error(`unexpected redis answer ${answer}`);
}

export async function closeRedis(client: Redis): Promise<void> {
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

/**
 * Sliding-window rate limiting in Redis, shared by every process of the service. One Lua script
 * trims the window, counts and records the request atomically, on Redis's own clock.
 */
import { randomUUID } from "node:crypto";
import { Deps } from "../deps";
import { logger } from "../lib/logger";

const SCRIPT = `
local key = KEYS[1]
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local member = ARGV[3]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
local allowed = 0
if count < limit then
  redis.call('ZADD', key, now, member)
  count = count + 1
  allowed = 1
end
redis.call('PEXPIRE', key, window)
local reset = window
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
if oldest[2] then reset = tonumber(oldest[2]) + window - now end
return {allowed, count, reset}
`;

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** seconds until the window has room again */
  resetSeconds: number;
}

export async function hit(
  deps: Deps,
  scope: string,
  subject: string,
  limit: number,
  windowSeconds: number,
): Promise<RateDecision> {
  try {
    const [allowed, count, resetMs] = (await deps.redis.eval(
      SCRIPT,
      1,
      deps.keys.rateLimit(scope, subject),
      String(windowSeconds * 1000),
      String(limit),
      randomUUID(),
    )) as [number, number, number];
    return {
      allowed: allowed === 1,
      limit,
      remaining: Math.max(0, limit - count),
      resetSeconds: Math.max(1, Math.ceil(resetMs / 1000)),
    };
  } catch (err) {
    // fail open: an unavailable Redis must not take the whole API down with it
    logger().warn("rate limiter unavailable; request allowed", { error: (err as Error).message, scope });
    return { allowed: true, limit, remaining: limit, resetSeconds: windowSeconds };
  }
}

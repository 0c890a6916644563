/**
 * Configuration from the environment, parsed and checked once at start-up.
 *
 * DATABASE_URL accepts the SQLAlchemy spelling (`postgresql+psycopg://...`) used by the other
 * services of the platform: the `+driver` part is dropped.
 */
import { z } from "zod";

const intFromEnv = (fallback: number, min = 0) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === "") return fallback;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < min) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected an integer >= ${min}, got "${value}"` });
        return z.NEVER;
      }
      return parsed;
    });

const envSchema = z.object({
  NODE_ENV: z.string().optional().default("production"),
  DATABASE_URL: z.string().min(1, "DATABASE_URL is required"),
  REDIS_URL: z.string().min(1).optional().default("redis://127.0.0.1:6379/0"),
  HOST: z.string().optional().default("0.0.0.0"),
  PORT: intFromEnv(3000, 0),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).optional().default("info"),
  DB_POOL_MIN: intFromEnv(0),
  DB_POOL_MAX: intFromEnv(10, 1),
  DB_STATEMENT_TIMEOUT_MS: intFromEnv(5000, 0),
  DB_CONNECT_TIMEOUT_MS: intFromEnv(3000, 100),
  REDIS_COMMAND_TIMEOUT_MS: intFromEnv(1000, 10),
  REDIS_KEY_PREFIX: z.string().optional().default("bk:"),
  HOLD_TTL_SECONDS: intFromEnv(600, 1),
  AVAILABILITY_CACHE_TTL_SECONDS: intFromEnv(60, 1),
  RATE_LIMIT_WINDOW_SECONDS: intFromEnv(60, 1),
  RATE_LIMIT_MAX: intFromEnv(300, 1),
  RATE_LIMIT_BOOKINGS_MAX: intFromEnv(30, 1),
  RATE_LIMIT_ANONYMOUS_MAX: intFromEnv(60, 1),
  IDEMPOTENCY_TTL_HOURS: intFromEnv(24, 1),
  SHUTDOWN_TIMEOUT_MS: intFromEnv(10000, 0),
  REQUEST_BODY_LIMIT: z.string().optional().default("100kb"),
  PAYMENT_GATEWAY_URL: z.string().url().optional(),
  PAYMENT_TIMEOUT_MS: intFromEnv(3000, 10),
  PAYMENT_RETRIES: intFromEnv(2, 0),
  WORKER_INTERVAL_MS: intFromEnv(500, 10),
  WORKER_BATCH_SIZE: intFromEnv(100, 1),
  WORKER_CONSUMER_NAME: z.string().optional(),
  WORKER_RECLAIM_IDLE_MS: intFromEnv(15000, 10),
  MAX_DELIVERY_ATTEMPTS: intFromEnv(5, 1),
  WEBHOOK_TIMEOUT_MS: intFromEnv(3000, 10),
  WEBHOOK_BACKOFF_BASE_MS: intFromEnv(1000, 1),
});

export interface Config {
  env: string;
  databaseUrl: string;
  redisUrl: string;
  host: string;
  port: number;
  logLevel: "debug" | "info" | "warn" | "error";
  db: { poolMin: number; poolMax: number; statementTimeoutMs: number; connectTimeoutMs: number };
  redis: { commandTimeoutMs: number; keyPrefix: string };
  holdTtlSeconds: number;
  availabilityCacheTtlSeconds: number;
  rateLimit: { windowSeconds: number; max: number; bookingsMax: number; anonymousMax: number };
  idempotencyTtlHours: number;
  shutdownTimeoutMs: number;
  requestBodyLimit: string;
  payments: { gatewayUrl?: string; timeoutMs: number; retries: number };
  worker: {
    intervalMs: number;
    batchSize: number;
    consumerName: string;
    reclaimIdleMs: number;
    maxDeliveryAttempts: number;
    webhookTimeoutMs: number;
    webhookBackoffBaseMs: number;
  };
}

/** `postgresql+psycopg://` and `postgres+asyncpg://` -> `postgresql://` (what node-postgres reads). */
export function normalizeDatabaseUrl(url: string): string {
  return url.trim().replace(/^postgres(?:ql)?(?:\+[a-z0-9_]+)?:\/\//i, "postgresql://");
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    databaseUrl: normalizeDatabaseUrl(e.DATABASE_URL),
    redisUrl: e.REDIS_URL,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    db: {
      poolMin: e.DB_POOL_MIN,
      poolMax: e.DB_POOL_MAX,
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
      connectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
    },
    redis: { commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS, keyPrefix: e.REDIS_KEY_PREFIX },
    holdTtlSeconds: e.HOLD_TTL_SECONDS,
    availabilityCacheTtlSeconds: e.AVAILABILITY_CACHE_TTL_SECONDS,
    rateLimit: {
      windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
      max: e.RATE_LIMIT_MAX,
      bookingsMax: e.RATE_LIMIT_BOOKINGS_MAX,
      anonymousMax: e.RATE_LIMIT_ANONYMOUS_MAX,
    },
    idempotencyTtlHours: e.IDEMPOTENCY_TTL_HOURS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    requestBodyLimit: e.REQUEST_BODY_LIMIT,
    payments: { gatewayUrl: e.PAYMENT_GATEWAY_URL, timeoutMs: e.PAYMENT_TIMEOUT_MS, retries: e.PAYMENT_RETRIES },
    worker: {
      intervalMs: e.WORKER_INTERVAL_MS,
      batchSize: e.WORKER_BATCH_SIZE,
      consumerName: e.WORKER_CONSUMER_NAME ?? `worker-${process.pid}`,
      reclaimIdleMs: e.WORKER_RECLAIM_IDLE_MS,
      maxDeliveryAttempts: e.MAX_DELIVERY_ATTEMPTS,
      webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
      webhookBackoffBaseMs: e.WEBHOOK_BACKOFF_BASE_MS,
    },
  };
}

/**
 * /health: the process is up (liveness). /ready: it can do its job right now: the database and
 * Redis answer within a second, and it is not shutting down. /metrics: Prometheus text.
 */
import { Router } from "express";
import { pingDb, poolStats } from "../db/knex";
import { Deps } from "../deps";
import { Lifecycle } from "../lib/lifecycle";
import { pingRedis } from "../redis/client";

const CHECK_TIMEOUT_MS = 1000;

async function check(fn: () => Promise<void>): Promise<string> {
  try {
    await fn();
    return "ok";
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

export function healthRoutes(deps: Deps, lifecycle: Lifecycle): Router {
  const router = Router();

  router.get("/health", (_req, res) => {
    res.json({ status: "ok", uptime_seconds: Math.round(process.uptime()) });
  });

  router.get("/ready", async (_req, res) => {
    if (lifecycle.isDraining) {
      res.status(503).json({ status: "shutting_down", checks: {} });
      return;
    }
    const [database, redis] = await Promise.all([
      check(() => pingDb(deps.db, CHECK_TIMEOUT_MS)),
      check(() => pingRedis(deps.redis, CHECK_TIMEOUT_MS)),
    ]);
    const ready = database === "ok" && redis === "ok";
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not_ready", checks: { database, redis } });
  });

  router.get("/metrics", (_req, res) => {
    const pool = poolStats(deps.db);
    deps.metrics.dbPool.set({ state: "used" }, pool.used);
    deps.metrics.dbPool.set({ state: "free" }, pool.free);
    deps.metrics.dbPool.set({ state: "pending" }, pool.pending);
    deps.metrics.startTime.set({}, deps.metrics.startedAt);
    res.type("text/plain; version=0.0.4; charset=utf-8").send(deps.metrics.registry.render());
  });

  return router;
}

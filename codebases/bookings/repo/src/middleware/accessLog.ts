/** One log line and the HTTP metrics per answered request, labelled by route template (never the raw path). */
import { NextFunction, Request, Response } from "express";
import { logger } from "../lib/logger";
import { Metrics } from "../lib/metrics";

export function routeLabel(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (route && typeof route.path === "string") return route.path === "/" ? req.baseUrl || "/" : `${req.baseUrl}${route.path}`;
  return "unmatched";
}

export function accessLog(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - req.startedAt) / 1e9;
      const route = routeLabel(req);
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      metrics.httpDuration.observe({ method: req.method, route }, seconds);
      if (route === "/health" || route === "/metrics") return;
      const level = res.statusCode >= 500 ? "error" : "info";
      logger().log(level, "request completed", {
        method: req.method,
        path: req.path,
        route,
        status: res.statusCode,
        duration_ms: Math.round(seconds * 10_000) / 10,
      });
    });
    next();
  };
}

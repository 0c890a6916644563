import { Router } from "express";
import { z } from "zod";
import { requirePermission } from "../auth/permissions";
import { Deps } from "../deps";
import { principalOf } from "../middleware/auth";
import { revenueQuery, utilizationQuery } from "../schemas/admin";
import { pageQuery, parse, uuid } from "../schemas/common";
import { listNotifications } from "../services/notifications";
import { revenueReport, utilizationReport } from "../services/reports";

export function reportRoutes(deps: Deps): Router {
  const router = Router();

  router.get("/revenue", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "reports:read");
    const q = parse(revenueQuery, req.query);
    res.json(await revenueReport(deps, principal, q.from, q.to, q.group_by));
  });

  router.get("/utilization", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "reports:read");
    const q = parse(utilizationQuery, req.query);
    res.json(await utilizationReport(deps, principal, q.from, q.to, q.venue_id));
  });

  return router;
}

const notificationsQuery = pageQuery.extend({ customer_id: uuid.optional() });

export function notificationRoutes(deps: Deps): Router {
  const router = Router();

  router.get("/", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "notifications:read");
    const q: z.infer<typeof notificationsQuery> = parse(notificationsQuery, req.query);
    res.json(await listNotifications(deps, principal, { limit: q.limit, cursor: q.cursor, customerId: q.customer_id }));
  });

  return router;
}

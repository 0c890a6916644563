/** The /v1 API: authentication and the general rate limit first, then each resource's routes. */
import { Router } from "express";
import { Deps } from "../deps";
import { requireAuth } from "../middleware/auth";
import { rateLimit } from "../middleware/rateLimit";
import { apiKeyRoutes, webhookRoutes } from "./admin";
import { bookingRoutes } from "./bookings";
import { customerRoutes } from "./customers";
import { notificationRoutes, reportRoutes } from "./reports";
import { resourceRoutes } from "./resources";
import { venueRoutes } from "./venues";
import { waitlistRoutes } from "./waitlist";

export function apiRoutes(deps: Deps): Router {
  const router = Router();
  router.use(requireAuth(deps));
  router.use(rateLimit(deps, "api", (d) => d.config.rateLimit.max));
  router.get("/me", (req, res) => {
    const p = req.principal!;
    res.json({ org_id: p.orgId, api_key_id: p.apiKeyId, role: p.role, customer_id: p.customerId });
  });
  router.use("/venues", venueRoutes(deps));
  router.use("/resources", resourceRoutes(deps));
  router.use("/customers", customerRoutes(deps));
  router.use("/bookings", bookingRoutes(deps));
  router.use("/waitlist", waitlistRoutes(deps));
  router.use("/api-keys", apiKeyRoutes(deps));
  router.use("/webhooks", webhookRoutes(deps));
  router.use("/reports", reportRoutes(deps));
  router.use("/notifications", notificationRoutes(deps));
  return router;
}

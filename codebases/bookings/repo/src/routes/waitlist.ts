import { Router } from "express";
import { requirePermission } from "../auth/permissions";
import { Deps } from "../deps";
import { principalOf } from "../middleware/auth";
import { idParams, parse } from "../schemas/common";
import { joinWaitlistBody, listWaitlistQuery } from "../schemas/waitlist";
import { joinWaitlist, leaveWaitlist, listWaitlist } from "../services/waitlist";

export function waitlistRoutes(deps: Deps): Router {
  const router = Router();

  router.get("/", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "waitlist:read");
    const q = parse(listWaitlistQuery, req.query);
    res.json(await listWaitlist(deps, principal, { limit: q.limit, cursor: q.cursor, resourceId: q.resource_id, status: q.status }));
  });

  router.post("/", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "waitlist:write");
    const entry = await joinWaitlist(deps, principal, parse(joinWaitlistBody, req.body));
    res.status(201).json(entry);
  });

  router.delete("/:id", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "waitlist:write");
    const { id } = parse(idParams, req.params);
    res.json(await leaveWaitlist(deps, principal, id));
  });

  return router;
}

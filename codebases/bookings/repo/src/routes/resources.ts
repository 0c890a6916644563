import { Router } from "express";
import { requirePermission } from "../auth/permissions";
import { Deps } from "../deps";
import { badRequest } from "../lib/errors";
import { principalOf } from "../middleware/auth";
import { idParams, parse } from "../schemas/common";
import { availabilityQuery, createResourceBody, listResourcesQuery, updateResourceBody } from "../schemas/resources";
import { availability } from "../services/availability";
import { createResource, getResource, listResources, updateResource } from "../services/resources";

/** `If-Match: "7"` (or W/"7") -> 7; `*` or no header -> undefined (no version check). */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === "*") return undefined;
  const match = /^\s*(?:W\/)?"(\d+)"\s*$/.exec(header);
  if (!match) throw badRequest('If-Match must be an ETag such as "3"', [{ field: "If-Match", message: "not an ETag" }]);
  return Number(match[1]);
}

export function resourceRoutes(deps: Deps): Router {
  const router = Router();

  router.get("/", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "resources:read");
    const q = parse(listResourcesQuery, req.query);
    res.json(
      await listResources(deps, principal, {
        limit: q.limit,
        cursor: q.cursor,
        venueId: q.venue_id,
        kind: q.kind,
        active: q.active === undefined ? undefined : q.active === "true",
      }),
    );
  });

  router.post("/", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "resources:write");
    const resource = await createResource(deps, principal, parse(createResourceBody, req.body));
    res.status(201).location(`/v1/resources/${resource.id}`).setHeader("ETag", `"${resource.version}"`).json(resource);
  });

  router.get("/:id", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "resources:read");
    const { id } = parse(idParams, req.params);
    const resource = await getResource(deps, principal, id);
    res.setHeader("ETag", `"${resource.version}"`);
    res.json(resource);
  });

  router.patch("/:id", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "resources:write");
    const { id } = parse(idParams, req.params);
    const expected = parseIfMatch(req.get("if-match"));
    const resource = await updateResource(deps, principal, id, parse(updateResourceBody, req.body), expected);
    res.setHeader("ETag", `"${resource.version}"`);
    res.json(resource);
  });

  router.get("/:id/availability", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "resources:read");
    const { id } = parse(idParams, req.params);
    const { date } = parse(availabilityQuery, req.query);
    const result = await availability(deps, principal, id, date);
    res.setHeader("X-Cache", result.cached ? "hit" : "miss");
    res.json(result.value);
  });

  return router;
}

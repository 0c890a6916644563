import { Router } from "express";
import { requirePermission } from "../auth/permissions";
import { Deps } from "../deps";
import { principalOf } from "../middleware/auth";
import { idParams, parse } from "../schemas/common";
import { createVenueBody, listVenuesQuery, updateVenueBody } from "../schemas/venues";
import { createVenue, deleteVenue, getVenue, listVenues, updateVenue } from "../services/venues";

export function venueRoutes(deps: Deps): Router {
  const router = Router();

  router.get("/", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "venues:read");
    const query = parse(listVenuesQuery, req.query);
    res.json(await listVenues(deps, principal, query.limit, query.cursor));
  });

  router.post("/", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "venues:write");
    const venue = await createVenue(deps, principal, parse(createVenueBody, req.body));
    res.status(201).location(`/v1/venues/${venue.id}`).json(venue);
  });

  router.get("/:id", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "venues:read");
    const { id } = parse(idParams, req.params);
    res.json(await getVenue(deps, principal, id));
  });

  router.patch("/:id", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "venues:write");
    const { id } = parse(idParams, req.params);
    res.json(await updateVenue(deps, principal, id, parse(updateVenueBody, req.body)));
  });

  router.delete("/:id", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "venues:write");
    const { id } = parse(idParams, req.params);
    await deleteVenue(deps, principal, id);
    res.status(204).end();
  });

  return router;
}

import { Router } from "express";
import { requirePermission } from "../auth/permissions";
import { Deps } from "../deps";
import { principalOf } from "../middleware/auth";
import { rateLimit } from "../middleware/rateLimit";
import {
  cancelBookingBody,
  confirmBookingBody,
  createBookingBody,
  idempotencyKeyHeader,
  listBookingsQuery,
  searchBookingsQuery,
} from "../schemas/bookings";
import { idParams, parse } from "../schemas/common";
import { cancelBooking, confirmBooking, createBooking, getBooking, listBookings, searchBookings } from "../services/bookings";
import { requestFingerprint, runIdempotent } from "../services/idempotency";

export function bookingRoutes(deps: Deps): Router {
  const router = Router();

  router.get("/", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "bookings:read");
    const q = parse(listBookingsQuery, req.query);
    res.json(
      await listBookings(deps, principal, {
        limit: q.limit,
        cursor: q.cursor,
        status: q.status,
        resourceId: q.resource_id,
        customerId: q.customer_id,
        from: q.from,
        to: q.to,
      }),
    );
  });

  router.get("/search", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "bookings:read");
    res.json(await searchBookings(deps, principal, parse(searchBookingsQuery, req.query)));
  });

  /**
   * Creates a held booking. With an `Idempotency-Key` header, repeating the request (a retry
   * after a timeout) returns the first answer instead of booking twice.
   */
  router.post(
    "/",
    rateLimit(deps, "bookings", (d) => d.config.rateLimit.bookingsMax),
    async (req, res) => {
      const principal = principalOf(req);
      requirePermission(principal, "bookings:write");
      const rawKey = req.get("idempotency-key");
      const input = parse(createBookingBody, req.body);
      const create = async () => ({ status: 201, body: await createBooking(deps, principal, input) });
      if (rawKey === undefined) {
        const result = await create();
        res.status(result.status).location(`/v1/bookings/${result.body.id}`).json(result.body);
        return;
      }
      const key = parse(idempotencyKeyHeader, rawKey);
      const result = await runIdempotent(deps, principal, key, requestFingerprint("POST", "/v1/bookings", req.body), create);
      if (result.replayed) res.setHeader("Idempotent-Replayed", "true");
      const body = result.body as { id?: string };
      if (result.status === 201 && body?.id) res.location(`/v1/bookings/${body.id}`);
      res.status(result.status).json(result.body);
    },
  );

  router.get("/:id", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "bookings:read");
    const { id } = parse(idParams, req.params);
    res.json(await getBooking(deps, principal, id));
  });

  router.post("/:id/confirm", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "bookings:write");
    const { id } = parse(idParams, req.params);
    res.json(await confirmBooking(deps, principal, id, parse(confirmBookingBody, req.body)));
  });

  router.post("/:id/cancel", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "bookings:write");
    const { id } = parse(idParams, req.params);
    const body = parse(cancelBookingBody, req.body ?? {});
    res.json(await cancelBooking(deps, principal, id, body.reason ?? null));
  });

  return router;
}

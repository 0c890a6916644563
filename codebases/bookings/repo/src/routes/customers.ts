import { Router } from "express";
import { requirePermission } from "../auth/permissions";
import { Deps } from "../deps";
import { principalOf } from "../middleware/auth";
import { idParams, parse } from "../schemas/common";
import { createCustomerBody, listCustomersQuery } from "../schemas/customers";
import { createCustomer, getCustomer, listCustomers } from "../services/customers";

export function customerRoutes(deps: Deps): Router {
  const router = Router();

  router.get("/", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "customers:read");
    const q = parse(listCustomersQuery, req.query);
    res.json(await listCustomers(deps, principal, { limit: q.limit, cursor: q.cursor, email: q.email }));
  });

  router.post("/", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "customers:write");
    const customer = await createCustomer(deps, principal, parse(createCustomerBody, req.body));
    res.status(201).location(`/v1/customers/${customer.id}`).json(customer);
  });

  router.get("/:id", async (req, res) => {
    const principal = principalOf(req);
    // a member key may read its own customer record
    if (principal.role !== "member") requirePermission(principal, "customers:read");
    const { id } = parse(idParams, req.params);
    res.json(await getCustomer(deps, principal, id));
  });

  return router;
}

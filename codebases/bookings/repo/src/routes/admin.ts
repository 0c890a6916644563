/** API keys and webhook endpoints of the caller's tenant (admin keys only). */
import { Router } from "express";
import { requirePermission } from "../auth/permissions";
import { Deps } from "../deps";
import { principalOf } from "../middleware/auth";
import { apiKeyView } from "../models/views";
import { createApiKeyBody, createWebhookBody, listDeliveriesQuery } from "../schemas/admin";
import { idParams, pageQuery, parse } from "../schemas/common";
import { createApiKey, listApiKeys, revokeApiKey } from "../services/apiKeys";
import { createWebhook, deactivateWebhook, listDeliveries, listWebhooks } from "../services/webhooks";

export function apiKeyRoutes(deps: Deps): Router {
  const router = Router();

  router.get("/", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "keys:manage");
    const q = parse(pageQuery, req.query);
    res.json(await listApiKeys(deps.db, principal, q.limit, q.cursor));
  });

  router.post("/", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "keys:manage");
    const made = await createApiKey(deps.db, principal.orgId, parse(createApiKeyBody, req.body), deps.clock.now());
    // the only time the key itself is ever shown
    res.status(201).json({ ...apiKeyView(made.row), key: made.key });
  });

  router.delete("/:id", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "keys:manage");
    const { id } = parse(idParams, req.params);
    res.json(await revokeApiKey(deps.db, principal, id));
  });

  return router;
}

export function webhookRoutes(deps: Deps): Router {
  const router = Router();

  router.get("/", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "webhooks:manage");
    res.json(await listWebhooks(deps, principal));
  });

  router.post("/", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "webhooks:manage");
    res.status(201).json(await createWebhook(deps, principal, parse(createWebhookBody, req.body)));
  });

  router.delete("/:id", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "webhooks:manage");
    const { id } = parse(idParams, req.params);
    res.json(await deactivateWebhook(deps, principal, id));
  });

  router.get("/:id/deliveries", async (req, res) => {
    const principal = principalOf(req);
    requirePermission(principal, "webhooks:manage");
    const { id } = parse(idParams, req.params);
    const q = parse(listDeliveriesQuery, req.query);
    res.json(await listDeliveries(deps, principal, id, q));
  });

  return router;
}

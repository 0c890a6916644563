/**
 * Webhook endpoints of a tenant. Each event is POSTed as JSON with
 *   X-Bookings-Event-Id, X-Bookings-Event-Type, X-Bookings-Timestamp and
 *   X-Bookings-Signature: sha256=HMAC-SHA256(secret, "<timestamp>.<body>")
 * so the receiver can check it came from here and drop replays.
 */
import { Deps } from "../deps";
import { hmacSha256Hex, randomToken } from "../lib/crypto";
import { notFound } from "../lib/errors";
import { decodeCursor, Page, pageOf } from "../lib/pagination";
import { toIso } from "../lib/time";
import { deliveryView, webhookView } from "../models/views";
import { DeliveryStatus, Principal } from "../models/types";
import { webhooks } from "../repositories/webhooks";

export function signPayload(secret: string, timestamp: number, body: string): string {
  return `sha256=${hmacSha256Hex(secret, `${timestamp}.${body}`)}`;
}

export async function createWebhook(deps: Deps, principal: Principal, input: { url: string; event_types?: string[] }) {
  const secret = `whsec_${randomToken(32)}`;
  const row = await webhooks.create(deps.db, {
    org_id: principal.orgId,
    url: input.url,
    secret,
    event_types: input.event_types ?? null,
  });
  return { ...webhookView(row), secret };
}

export async function listWebhooks(deps: Deps, principal: Principal) {
  return { data: (await webhooks.list(deps.db, principal.orgId)).map(webhookView) };
}

export async function deactivateWebhook(deps: Deps, principal: Principal, id: string) {
  const row = await webhooks.deactivate(deps.db, principal.orgId, id);
  if (!row) throw notFound("webhook");
  return webhookView(row);
}

export async function listDeliveries(
  deps: Deps,
  principal: Principal,
  endpointId: string,
  options: { limit: number; cursor?: string; status?: DeliveryStatus },
): Promise<Page<ReturnType<typeof deliveryView>>> {
  const endpoint = await webhooks.findById(deps.db, principal.orgId, endpointId);
  if (!endpoint) throw notFound("webhook");
  const after = decodeCursor(options.cursor) ?? undefined;
  const rows = await webhooks.deliveries(deps.db, principal.orgId, endpointId, { ...options, after });
  const page = pageOf(rows, options.limit, (d) => ({ k: toIso(d.created_at)!, id: d.id }));
  return { data: page.data.map(deliveryView), next_cursor: page.next_cursor };
}

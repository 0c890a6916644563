import { Deps } from "../deps";
import { badRequest, notFound, preconditionFailed } from "../lib/errors";
import { decodeCursor, Page, pageOf } from "../lib/pagination";
import { resourceView } from "../models/views";
import { Principal, ResourceKind } from "../models/types";
import { resources, ResourceChanges } from "../repositories/resources";
import { venues } from "../repositories/venues";
import { invalidateResource } from "./availabilityCache";

type ResourceView = ReturnType<typeof resourceView>;

export interface NewResourceInput {
  venue_id: string;
  name: string;
  kind: ResourceKind;
  capacity: number;
  slot_minutes: number;
  price_per_slot_cents: number;
  currency: string;
  open_minute: number;
  close_minute: number;
  min_slots: number;
  max_slots: number;
  full_refund_hours: number;
  partial_refund_hours: number;
  partial_refund_percent: number;
}

export async function createResource(deps: Deps, principal: Principal, input: NewResourceInput): Promise<ResourceView> {
  const venue = await venues.findById(deps.db, principal.orgId, input.venue_id);
  if (!venue) throw notFound("venue");
  const row = await resources.create(deps.db, { ...input, org_id: principal.orgId });
  return resourceView(row);
}

export async function getResource(deps: Deps, principal: Principal, id: string): Promise<ResourceView> {
  const row = await resources.findById(deps.db, principal.orgId, id);
  if (!row) throw notFound("resource");
  return resourceView(row);
}

export async function listResources(
  deps: Deps,
  principal: Principal,
  options: { limit: number; cursor?: string; venueId?: string; kind?: ResourceKind; active?: boolean },
): Promise<Page<ResourceView>> {
  const after = decodeCursor(options.cursor);
  const rows = await resources.list(deps.db, principal.orgId, { ...options, afterId: after?.id });
  const page = pageOf(rows, options.limit, (r) => ({ k: r.id, id: r.id }));
  return { data: page.data.map(resourceView), next_cursor: page.next_cursor };
}

/**
 * Updates a resource. With `expectedVersion` (from If-Match) the update applies only if nobody
 * changed the resource since the client read it: else 412, and nothing is written.
 */
export async function updateResource(
  deps: Deps,
  principal: Principal,
  id: string,
  changes: ResourceChanges,
  expectedVersion?: number,
): Promise<ResourceView> {
  const current = await resources.findById(deps.db, principal.orgId, id);
  if (!current) throw notFound("resource");
  const merged = { ...current, ...changes };
  if (merged.open_minute >= merged.close_minute || merged.min_slots > merged.max_slots) {
    throw badRequest("the change leaves the resource inconsistent", [
      { field: "open_minute/close_minute/min_slots/max_slots", message: "opening hours or slot limits contradict each other" },
    ]);
  }
  const row = await resources.update(deps.db, principal.orgId, id, changes, expectedVersion);
  if (!row) {
    throw preconditionFailed(`the resource changed since version ${expectedVersion}; read it again`);
  }
  await invalidateResource(deps, principal.orgId, id);
  return resourceView(row);
}

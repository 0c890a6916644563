import { Deps } from "../deps";
import { conflict, notFound } from "../lib/errors";
import { decodeCursor, Page, pageOf } from "../lib/pagination";
import { venueView } from "../models/views";
import { Principal } from "../models/types";
import { venues } from "../repositories/venues";

type VenueView = ReturnType<typeof venueView>;

export async function createVenue(deps: Deps, principal: Principal, input: { name: string; address?: string | null; timezone: string }) {
  const row = await venues.create(deps.db, { org_id: principal.orgId, ...input });
  return venueView(row);
}

export async function getVenue(deps: Deps, principal: Principal, id: string): Promise<VenueView> {
  const row = await venues.findById(deps.db, principal.orgId, id);
  if (!row) throw notFound("venue");
  return venueView(row);
}

export async function listVenues(deps: Deps, principal: Principal, limit: number, cursor?: string): Promise<Page<VenueView>> {
  const after = decodeCursor(cursor);
  const rows = await venues.list(deps.db, principal.orgId, limit, after?.id);
  const page = pageOf(rows, limit, (v) => ({ k: v.id, id: v.id }));
  return { data: page.data.map(venueView), next_cursor: page.next_cursor };
}

export async function updateVenue(
  deps: Deps,
  principal: Principal,
  id: string,
  changes: { name?: string; address?: string | null; timezone?: string },
) {
  const row = await venues.update(deps.db, principal.orgId, id, changes);
  if (!row) throw notFound("venue");
  return venueView(row);
}

export async function deleteVenue(deps: Deps, principal: Principal, id: string): Promise<void> {
  await deps.db.transaction(async (trx) => {
    const venue = await venues.findById(trx, principal.orgId, id);
    if (!venue) throw notFound("venue");
    if ((await venues.countResources(trx, principal.orgId, id)) > 0) {
      throw conflict("venue_in_use", "the venue still has resources; retire them first");
    }
    await venues.remove(trx, principal.orgId, id);
  });
}

/** Reports for staff: revenue and utilisation, aggregated by the database. */
import { Deps } from "../deps";
import { DAY_MS } from "../lib/time";
import { Principal } from "../models/types";
import { reports } from "../repositories/reports";

export async function revenueReport(deps: Deps, principal: Principal, from: Date, to: Date, groupBy: "resource" | "day") {
  const rows = await reports.revenue(deps.db, principal.orgId, from, to, groupBy);
  const totals = rows.reduce(
    (acc, r) => ({
      bookings: acc.bookings + r.bookings,
      gross_cents: acc.gross_cents + r.gross_cents,
      refunded_cents: acc.refunded_cents + r.refunded_cents,
      net_cents: acc.net_cents + r.net_cents,
    }),
    { bookings: 0, gross_cents: 0, refunded_cents: 0, net_cents: 0 },
  );
  return { from: from.toISOString(), to: to.toISOString(), group_by: groupBy, rows, totals };
}

export async function utilizationReport(deps: Deps, principal: Principal, from: Date, to: Date, venueId?: string) {
  const days = Math.max(1, Math.ceil((to.getTime() - from.getTime()) / DAY_MS));
  const rows = await reports.bookedMinutes(deps.db, principal.orgId, from, to, venueId);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    rows: rows.map((r) => {
      const openMinutes = (r.close_minute - r.open_minute) * days;
      return {
        resource_id: r.resource_id,
        name: r.name,
        booked_minutes: r.booked_minutes,
        open_minutes: openMinutes,
        utilization_percent: openMinutes > 0 ? Math.round((r.booked_minutes * 1000) / openMinutes) / 10 : 0,
      };
    }),
  };
}

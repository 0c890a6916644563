/** Read-only aggregates for the reports endpoints: computed by the database, never row by row here. */
import { Db } from "../db/knex";

export interface RevenueRow {
  key: string;
  label: string;
  bookings: number;
  gross_cents: number;
  refunded_cents: number;
  net_cents: number;
}

export const reports = {
  async revenue(db: Db, orgId: string, from: Date, to: Date, groupBy: "resource" | "day"): Promise<RevenueRow[]> {
    const key = groupBy === "resource" ? "r.id::text" : "to_char(date_trunc('day', b.starts_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD')";
    const label = groupBy === "resource" ? "min(r.name)" : key;
    const result = await db.raw(
      `SELECT ${key} AS key,
              ${label} AS label,
              count(*)::int AS bookings,
              coalesce(sum(p.amount_cents), 0)::bigint AS gross_cents,
              coalesce(sum(p.refunded_cents), 0)::bigint AS refunded_cents
         FROM bookings b
         JOIN payments p ON p.booking_id = b.id
         JOIN resources r ON r.id = b.resource_id
        WHERE b.org_id = ?
          AND b.starts_at >= ? AND b.starts_at < ?
        GROUP BY 1
        ORDER BY 1`,
      [orgId, from, to],
    );
    return (result.rows as { key: string; label: string; bookings: number; gross_cents: string; refunded_cents: string }[]).map((row) => {
      const gross = Number(row.gross_cents);
      const refunded = Number(row.refunded_cents);
      return { key: row.key, label: row.label, bookings: row.bookings, gross_cents: gross, refunded_cents: refunded, net_cents: gross - refunded };
    });
  },

  /** Booked minutes per resource (confirmed bookings) between two times. */
  async bookedMinutes(db: Db, orgId: string, from: Date, to: Date, venueId?: string) {
    const result = await db.raw(
      `SELECT r.id AS resource_id, r.name,
              r.open_minute, r.close_minute,
              coalesce(sum(extract(epoch FROM (least(b.ends_at, ?) - greatest(b.starts_at, ?))) / 60), 0)::int AS booked_minutes
         FROM resources r
         LEFT JOIN bookings b
                ON b.resource_id = r.id AND b.status = 'confirmed'
               AND b.starts_at < ? AND b.ends_at > ?
        WHERE r.org_id = ? ${venueId ? "AND r.venue_id = ?" : ""}
        GROUP BY r.id, r.name, r.open_minute, r.close_minute
        ORDER BY r.name, r.id`,
      venueId ? [to, from, to, from, orgId, venueId] : [to, from, to, from, orgId],
    );
    return result.rows as { resource_id: string; name: string; open_minute: number; close_minute: number; booked_minutes: number }[];
  },
};

import { Db } from "../db/knex";
import { Booking, BookingStatus, BookingWithNames } from "../models/types";

export interface NewBooking {
  id: string;
  org_id: string;
  reference: string;
  resource_id: string;
  customer_id: string;
  starts_at: Date;
  ends_at: Date;
  status: BookingStatus;
  hold_expires_at: Date | null;
  price_cents: number;
  currency: string;
  notes: string | null;
  created_by_key_id: string | null;
}

export interface BookingFilters {
  status?: BookingStatus;
  resourceId?: string;
  customerId?: string;
  from?: Date;
  to?: Date;
}

/** ORDER BY clauses a search may ask for, by name: the only text ever put into its SQL. */
const SEARCH_ORDER: Record<string, string> = {
  starts_at: "b.starts_at ASC, b.id ASC",
  "-starts_at": "b.starts_at DESC, b.id DESC",
  created_at: "b.created_at ASC, b.id ASC",
  "-created_at": "b.created_at DESC, b.id DESC",
};

/** `50%_off` -> `50\%\_off`: user text matched literally inside a LIKE pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const WITH_NAMES = ["b.*", "r.name as resource_name", "c.name as customer_name"];

export const bookings = {
  async insert(db: Db, input: NewBooking): Promise<Booking> {
    const [row] = await db<Booking>("bookings").insert(input).returning("*");
    return row;
  },

  async findById(db: Db, orgId: string, id: string): Promise<Booking | undefined> {
    return db<Booking>("bookings").where({ org_id: orgId, id }).first();
  },

  async findByIdWithNames(db: Db, orgId: string, id: string): Promise<BookingWithNames | undefined> {
    return db("bookings as b")
      .join("resources as r", "r.id", "b.resource_id")
      .join("customers as c", "c.id", "b.customer_id")
      .where({ "b.org_id": orgId, "b.id": id })
      .first(WITH_NAMES);
  },

  async lockById(trx: Db, orgId: string, id: string): Promise<Booking | undefined> {
    return trx<Booking>("bookings").where({ org_id: orgId, id }).forUpdate().first();
  },

  /** Bookings of the resource that hold any part of [start, end) at `now`. */
  async findOverlapping(db: Db, resourceId: string, start: Date, end: Date, now: Date): Promise<Booking[]> {
    return db<Booking>("bookings")
      .where({ resource_id: resourceId })
      .whereIn("status", ["held", "confirmed"])
      .andWhere((q) => q.where("status", "confirmed").orWhere("hold_expires_at", ">", now))
      .andWhere("starts_at", "<", end)
      .andWhere("ends_at", ">", start)
      .orderBy("starts_at");
  },

  /** Active bookings of one resource touching [dayStart, dayEnd): what availability subtracts. */
  async activeBetween(db: Db, orgId: string, resourceId: string, dayStart: Date, dayEnd: Date, now: Date) {
    return db<Booking>("bookings")
      .select("id", "starts_at", "ends_at", "status", "hold_expires_at")
      .where({ org_id: orgId, resource_id: resourceId })
      .whereIn("status", ["held", "confirmed"])
      .andWhere((q) => q.where("status", "confirmed").orWhere("hold_expires_at", ">", now))
      .andWhere("starts_at", "<", dayEnd)
      .andWhere("ends_at", ">", dayStart)
      .orderBy("starts_at");
  },

  /** One page in (starts_at, id) order, with resource and customer names joined in. */
  async listPage(
    db: Db,
    orgId: string,
    filters: BookingFilters,
    limit: number,
    after?: { k: string; id: string },
  ): Promise<BookingWithNames[]> {
    const query = db("bookings as b")
      .join("resources as r", "r.id", "b.resource_id")
      .join("customers as c", "c.id", "b.customer_id")
      .select(WITH_NAMES)
      .where("b.org_id", orgId)
      .orderBy([{ column: "b.starts_at" }, { column: "b.id" }])
      .limit(limit + 1);
    if (filters.status) query.where("b.status", filters.status);
    if (filters.resourceId) query.where("b.resource_id", filters.resourceId);
    if (filters.customerId) query.where("b.customer_id", filters.customerId);
    if (filters.from) query.where("b.starts_at", ">=", filters.from);
    if (filters.to) query.where("b.starts_at", "<", filters.to);
    if (after) query.whereRaw("(b.starts_at, b.id) > (?, ?)", [after.k, after.id]);
    return query;
  },

  /** Free-text search over reference, notes and the customer's name and email. */
  async search(
    db: Db,
    orgId: string,
    options: { q: string; sort: string; limit: number; customerId?: string | null },
  ): Promise<BookingWithNames[]> {
    const order = SEARCH_ORDER[options.sort] ?? SEARCH_ORDER.starts_at;
    const pattern = `%${escapeLike(options.q)}%`;
    const bindings: unknown[] = [orgId, pattern, pattern, pattern, pattern];
    let scope = "";
    if (options.customerId) {
      scope = "AND b.customer_id = ?";
      bindings.push(options.customerId);
    }
    bindings.push(options.limit);
    const result = await db.raw(
      `SELECT b.*, r.name AS resource_name, c.name AS customer_name
         FROM bookings b
         JOIN resources r ON r.id = b.resource_id
         JOIN customers c ON c.id = b.customer_id
        WHERE b.org_id = ?
          AND (b.reference ILIKE ? OR b.notes ILIKE ? OR c.name ILIKE ? OR c.email ILIKE ?)
          ${scope}
        ORDER BY ${order}
        LIMIT ?`,
      bindings as never[],
    );
    return result.rows as BookingWithNames[];
  },

  async confirm(trx: Db, id: string, now: Date): Promise<Booking> {
    const [row] = await trx<Booking>("bookings")
      .where({ id })
      .update({
        status: "confirmed",
        confirmed_at: now,
        hold_expires_at: null,
        version: trx.raw("version + 1") as unknown as number,
        updated_at: now,
      })
      .returning("*");
    return row;
  },

  async cancel(trx: Db, id: string, now: Date, reason: string | null): Promise<Booking> {
    const [row] = await trx<Booking>("bookings")
      .where({ id })
      .update({
        status: "cancelled",
        cancelled_at: now,
        cancel_reason: reason,
        hold_expires_at: null,
        version: trx.raw("version + 1") as unknown as number,
        updated_at: now,
      })
      .returning("*");
    return row;
  },

  /**
   * Marks up to `limit` holds whose time ran out as expired and returns them. Rows another
   * worker is expiring right now are skipped, not waited for.
   */
  async expireDueHolds(trx: Db, now: Date, limit: number): Promise<Booking[]> {
    const due = trx("bookings")
      .select("id")
      .where("status", "held")
      .andWhere("hold_expires_at", "<=", now)
      .orderBy("hold_expires_at")
      .limit(limit)
      .forUpdate()
      .skipLocked();
    return trx<Booking>("bookings")
      .whereIn("id", due)
      .update({
        status: "expired",
        hold_expires_at: null,
        version: trx.raw("version + 1") as unknown as number,
        updated_at: now,
      })
      .returning("*");
  },
};

import { Db } from "../db/knex";
import { DeliveryStatus, WebhookDelivery, WebhookEndpoint } from "../models/types";

export const webhooks = {
  async create(
    db: Db,
    input: { org_id: string; url: string; secret: string; event_types: string[] | null },
  ): Promise<WebhookEndpoint> {
    const [row] = await db<WebhookEndpoint>("webhook_endpoints").insert(input).returning("*");
    return row;
  },

  async findById(db: Db, orgId: string, id: string): Promise<WebhookEndpoint | undefined> {
    return db<WebhookEndpoint>("webhook_endpoints").where({ org_id: orgId, id }).first();
  },

  async list(db: Db, orgId: string): Promise<WebhookEndpoint[]> {
    return db<WebhookEndpoint>("webhook_endpoints").where({ org_id: orgId }).orderBy([{ column: "created_at" }, { column: "id" }]);
  },

  async deactivate(db: Db, orgId: string, id: string): Promise<WebhookEndpoint | undefined> {
    const [row] = await db<WebhookEndpoint>("webhook_endpoints").where({ org_id: orgId, id }).update({ active: false }).returning("*");
    return row;
  },

  async activeFor(db: Db, orgId: string, eventType: string): Promise<WebhookEndpoint[]> {
    return db<WebhookEndpoint>("webhook_endpoints")
      .where({ org_id: orgId, active: true })
      .andWhere((q) => q.whereNull("event_types").orWhereRaw("? = ANY(event_types)", [eventType]));
  },

  /** One delivery per (endpoint, event): a redelivered event adds nothing. */
  async enqueue(
    trx: Db,
    rows: { org_id: string; endpoint_id: string; event_id: string; event_type: string; payload: Record<string, unknown> }[],
  ): Promise<number> {
    if (rows.length === 0) return 0;
    const inserted = await trx("webhook_deliveries")
      .insert(rows.map((r) => ({ ...r, payload: JSON.stringify(r.payload) })))
      .onConflict(["endpoint_id", "event_id"])
      .ignore()
      .returning("id");
    return inserted.length;
  },

  /** Deliveries due now, with their endpoint, locked so two dispatchers never send the same one. */
  async claimDue(trx: Db, now: Date, limit: number): Promise<(WebhookDelivery & { url: string; secret: string })[]> {
    return trx("webhook_deliveries as d")
      .join("webhook_endpoints as e", "e.id", "d.endpoint_id")
      .select("d.*", "e.url", "e.secret")
      .where("d.status", "pending")
      .andWhere("d.next_attempt_at", "<=", now)
      .andWhere("e.active", true)
      .orderBy("d.next_attempt_at")
      .limit(limit)
      .forUpdate("d")
      .skipLocked();
  },

  async recordAttempt(
    trx: Db,
    id: string,
    outcome: { status: DeliveryStatus; statusCode: number | null; error: string | null; nextAttemptAt?: Date },
  ): Promise<void> {
    await trx("webhook_deliveries")
      .where({ id })
      .update({
        status: outcome.status,
        attempts: trx.raw("attempts + 1"),
        last_status_code: outcome.statusCode,
        last_error: outcome.error ? outcome.error.slice(0, 1000) : null,
        next_attempt_at: outcome.nextAttemptAt ?? trx.fn.now(),
        delivered_at: outcome.status === "delivered" ? trx.fn.now() : null,
      });
  },

  async deliveries(
    db: Db,
    orgId: string,
    endpointId: string,
    options: { limit: number; after?: { k: string; id: string }; status?: DeliveryStatus },
  ): Promise<WebhookDelivery[]> {
    const query = db<WebhookDelivery>("webhook_deliveries")
      .where({ org_id: orgId, endpoint_id: endpointId })
      .orderBy([{ column: "created_at" }, { column: "id" }])
      .limit(options.limit + 1);
    if (options.status) query.where({ status: options.status });
    if (options.after) query.whereRaw("(created_at, id) > (?, ?)", [options.after.k, options.after.id]);
    return query;
  },
};

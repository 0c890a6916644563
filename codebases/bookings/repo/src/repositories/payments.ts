import { Db } from "../db/knex";
import { Payment, PaymentStatus, Refund } from "../models/types";

export const payments = {
  async insert(
    db: Db,
    input: { org_id: string; booking_id: string; amount_cents: number; currency: string; gateway_ref: string },
  ): Promise<Payment> {
    const [row] = await db<Payment>("payments")
      .insert({ ...input, status: "captured", refunded_cents: 0 })
      .returning("*");
    return row;
  },

  async findByBooking(db: Db, orgId: string, bookingId: string): Promise<Payment | undefined> {
    return db<Payment>("payments").where({ org_id: orgId, booking_id: bookingId }).orderBy("created_at").first();
  },

  /** Payments of many bookings in one query (listings). */
  async findByBookings(db: Db, orgId: string, bookingIds: string[]): Promise<Payment[]> {
    if (bookingIds.length === 0) return [];
    return db<Payment>("payments").where({ org_id: orgId }).whereIn("booking_id", bookingIds);
  },

  async recordRefund(
    trx: Db,
    payment: Payment,
    input: { amount_cents: number; reason: string | null; gateway_ref: string | null },
  ): Promise<{ payment: Payment; refund: Refund }> {
    const refunded = payment.refunded_cents + input.amount_cents;
    const status: PaymentStatus = refunded >= payment.amount_cents ? "refunded" : refunded > 0 ? "partially_refunded" : "captured";
    const [updated] = await trx<Payment>("payments")
      .where({ id: payment.id })
      .update({ refunded_cents: refunded, status })
      .returning("*");
    const [refund] = await trx<Refund>("refunds")
      .insert({
        org_id: payment.org_id,
        payment_id: payment.id,
        booking_id: payment.booking_id,
        amount_cents: input.amount_cents,
        reason: input.reason,
        gateway_ref: input.gateway_ref,
      })
      .returning("*");
    return { payment: updated, refund };
  },

  async refundsOf(db: Db, orgId: string, bookingId: string): Promise<Refund[]> {
    return db<Refund>("refunds").where({ org_id: orgId, booking_id: bookingId }).orderBy("created_at");
  },
};

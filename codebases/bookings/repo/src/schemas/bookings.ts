import { z } from "zod";
import { isoTime, pageQuery, uuid } from "./common";

export const createBookingBody = z
  .object({
    resource_id: uuid,
    /** required for staff and admin keys; a member key always books as its own customer */
    customer_id: uuid.optional(),
    starts_at: isoTime,
    ends_at: isoTime,
    notes: z.string().trim().max(2000).nullable().optional(),
  })
  .strict()
  .refine((b) => b.ends_at.getTime() > b.starts_at.getTime(), { path: ["ends_at"], message: "ends_at must be after starts_at" });

export const confirmBookingBody = z
  .object({
    /** a token from the payment form (the gateway's), never card data */
    payment_token: z.string().min(3).max(200),
    /** what the client was shown; must equal the booking's price */
    amount_cents: z.number().int().min(0).optional(),
  })
  .strict();

export const cancelBookingBody = z
  .object({
    reason: z.string().trim().max(500).optional(),
  })
  .strict()
  .default({});

export const BOOKING_SORTS = ["starts_at", "-starts_at", "created_at", "-created_at"] as const;

export const listBookingsQuery = pageQuery.extend({
  status: z.enum(["held", "confirmed", "cancelled", "expired"]).optional(),
  resource_id: uuid.optional(),
  customer_id: uuid.optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
});

export const searchBookingsQuery = z.object({
  q: z.string().trim().min(1).max(100),
  sort: z.enum(BOOKING_SORTS).default("starts_at"),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const idempotencyKeyHeader = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, "Idempotency-Key must be printable ASCII without spaces");

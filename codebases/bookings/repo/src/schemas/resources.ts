import { z } from "zod";
import { day, pageQuery, uuid } from "./common";

const minuteOfDay = z.number().int().min(0).max(1440);

const resourceFields = {
  venue_id: uuid,
  name: z.string().trim().min(1).max(200),
  kind: z.enum(["room", "court", "desk", "equipment", "other"]),
  capacity: z.number().int().min(1).max(10_000).default(1),
  slot_minutes: z.union([z.literal(15), z.literal(30), z.literal(60)]).default(60),
  price_per_slot_cents: z.number().int().min(0).max(100_000_000),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "expected an ISO 4217 code such as EUR")
    .default("EUR"),
  open_minute: minuteOfDay.default(480),
  close_minute: minuteOfDay.default(1320),
  min_slots: z.number().int().min(1).max(96).default(1),
  max_slots: z.number().int().min(1).max(96).default(8),
  full_refund_hours: z.number().int().min(0).max(24 * 365).default(24),
  partial_refund_hours: z.number().int().min(0).max(24 * 365).default(2),
  partial_refund_percent: z.number().int().min(0).max(100).default(50),
};

function consistent(
  value: { open_minute?: number; close_minute?: number; min_slots?: number; max_slots?: number },
  ctx: z.RefinementCtx,
) {
  if (value.open_minute !== undefined && value.close_minute !== undefined && value.open_minute >= value.close_minute) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["close_minute"], message: "close_minute must be after open_minute" });
  }
  if (value.min_slots !== undefined && value.max_slots !== undefined && value.min_slots > value.max_slots) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["max_slots"], message: "max_slots must be at least min_slots" });
  }
}

export const createResourceBody = z.object(resourceFields).strict().superRefine(consistent);

/** A PATCH may change anything but the venue; `active: false` retires the resource. */
export const updateResourceBody = z
  .object({
    name: resourceFields.name,
    kind: resourceFields.kind,
    capacity: z.number().int().min(1).max(10_000),
    price_per_slot_cents: resourceFields.price_per_slot_cents,
    open_minute: minuteOfDay,
    close_minute: minuteOfDay,
    min_slots: z.number().int().min(1).max(96),
    max_slots: z.number().int().min(1).max(96),
    full_refund_hours: z.number().int().min(0).max(24 * 365),
    partial_refund_hours: z.number().int().min(0).max(24 * 365),
    partial_refund_percent: z.number().int().min(0).max(100),
    active: z.boolean(),
  })
  .partial()
  .strict()
  .superRefine(consistent);

export const listResourcesQuery = pageQuery.extend({
  venue_id: uuid.optional(),
  kind: resourceFields.kind.optional(),
  active: z.enum(["true", "false"]).optional(),
});

export const availabilityQuery = z.object({ date: day });

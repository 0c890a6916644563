/** API keys, webhooks and reports: the admin side. */
import { z } from "zod";
import { isoTime, pageQuery, uuid } from "./common";

export const createApiKeyBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    role: z.enum(["admin", "staff", "member"]),
    customer_id: uuid.optional(),
    expires_at: isoTime.optional(),
  })
  .strict()
  .refine((k) => k.role !== "member" || k.customer_id !== undefined, {
    path: ["customer_id"],
    message: "a member key acts as a customer: customer_id is required",
  });

export const createWebhookBody = z
  .object({
    url: z
      .string()
      .url()
      .refine((u) => /^https?:\/\//.test(u), "only http(s) URLs"),
    event_types: z.array(z.string().regex(/^[a-z_]+\.[a-z_]+$/)).min(1).max(20).optional(),
  })
  .strict();

export const listDeliveriesQuery = pageQuery.extend({
  status: z.enum(["pending", "delivered", "dead"]).optional(),
});

export const revenueQuery = z
  .object({
    from: isoTime,
    to: isoTime,
    group_by: z.enum(["resource", "day"]).default("resource"),
  })
  .refine((q) => q.to.getTime() > q.from.getTime(), { path: ["to"], message: "to must be after from" });

export const utilizationQuery = z.object({
  from: isoTime,
  to: isoTime,
  venue_id: uuid.optional(),
});

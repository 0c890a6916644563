import { z } from "zod";
import { isoTime, pageQuery, uuid } from "./common";

export const joinWaitlistBody = z
  .object({
    resource_id: uuid,
    customer_id: uuid.optional(),
    starts_at: isoTime,
    ends_at: isoTime,
  })
  .strict()
  .refine((b) => b.ends_at.getTime() > b.starts_at.getTime(), { path: ["ends_at"], message: "ends_at must be after starts_at" });

export const listWaitlistQuery = pageQuery.extend({
  resource_id: uuid.optional(),
  status: z.enum(["waiting", "notified", "cancelled", "fulfilled"]).optional(),
});

import { z } from "zod";
import { pageQuery } from "./common";

export const createCustomerBody = z
  .object({
    email: z.string().trim().toLowerCase().email().max(320),
    name: z.string().trim().min(1).max(200),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ()-]{5,30}$/, "expected a phone number")
      .nullable()
      .optional(),
  })
  .strict();

export const listCustomersQuery = pageQuery.extend({
  email: z.string().trim().toLowerCase().max(320).optional(),
});

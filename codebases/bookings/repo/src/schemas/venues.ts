import { z } from "zod";
import { pageQuery } from "./common";

export const createVenueBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    address: z.string().trim().max(500).nullable().optional(),
    timezone: z.string().trim().min(1).max(64).default("UTC"),
  })
  .strict();

export const updateVenueBody = createVenueBody.partial().strict();

export const listVenuesQuery = pageQuery;

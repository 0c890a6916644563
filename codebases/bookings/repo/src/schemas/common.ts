/** Shared request-validation pieces. Invalid input is a 400 naming every field at fault. */
import { z, ZodTypeAny } from "zod";
import { badRequest } from "../lib/errors";
import { DEFAULT_LIMIT, MAX_LIMIT } from "../lib/pagination";
import { parseDay } from "../lib/time";

export const uuid = z.string().uuid();

/** An ISO 8601 time with an explicit offset (`Z` or `+02:00`), read as a Date. */
export const isoTime = z
  .string()
  .datetime({ offset: true, message: "expected an ISO 8601 time with an offset" })
  .transform((value) => new Date(value));

export const day = z.string().refine((value) => parseDay(value) !== null, "expected a date YYYY-MM-DD");

export const limit = z.coerce
  .number({ invalid_type_error: "limit must be a number" })
  .int()
  .min(1)
  .max(MAX_LIMIT)
  .default(DEFAULT_LIMIT);

export const pageQuery = z.object({
  limit,
  cursor: z.string().max(500).optional(),
});

export const idParams = z.object({ id: uuid });

export function parse<S extends ZodTypeAny>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw badRequest(
      "request is not valid",
      result.error.issues.map((issue) => ({ field: issue.path.join(".") || "(body)", message: issue.message })),
    );
  }
  return result.data;
}

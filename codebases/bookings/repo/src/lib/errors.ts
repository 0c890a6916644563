/**
 * Errors that carry their HTTP meaning. Anything else that reaches the error handler is a 500
 * whose details are logged, never sent.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const badRequest = (message: string, details?: unknown) =>
  new AppError(400, "validation_error", message, details);
export const unauthorized = (message = "a valid API key is required") =>
  new AppError(401, "unauthorized", message, undefined, { "WWW-Authenticate": 'Bearer realm="bookings"' });
export const forbidden = (message = "this API key may not do that") => new AppError(403, "forbidden", message);
export const notFound = (what: string) => new AppError(404, "not_found", `${what} not found`);
export const conflict = (code: string, message: string, details?: unknown) =>
  new AppError(409, code, message, details);
export const preconditionFailed = (message: string) => new AppError(412, "precondition_failed", message);
export const unprocessable = (code: string, message: string) => new AppError(422, code, message);
export const tooManyRequests = (retryAfterSeconds: number) =>
  new AppError(429, "rate_limited", "too many requests", undefined, { "Retry-After": String(retryAfterSeconds) });
export const badGateway = (code: string, message: string) => new AppError(502, code, message);
export const gatewayTimeout = (message: string) => new AppError(504, "upstream_timeout", message);
export const unavailable = (message: string) => new AppError(503, "unavailable", message);

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** node-postgres error codes this service turns into answers. */
export const PG = {
  uniqueViolation: "23505",
  foreignKeyViolation: "23503",
  checkViolation: "23514",
  serializationFailure: "40001",
  deadlockDetected: "40P01",
  lockNotAvailable: "55P03",
  queryCanceled: "57014",
} as const;

export function pgCode(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err ? String((err as { code: unknown }).code) : undefined;
}

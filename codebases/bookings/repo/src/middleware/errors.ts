/** The one place errors become answers: `{"error": {"code", "message", "details"?}, "request_id"}`. */
import { NextFunction, Request, Response } from "express";
import { AppError, isAppError, PG, pgCode } from "../lib/errors";
import { logger } from "../lib/logger";

interface BodyParserError {
  type?: string;
  status?: number;
}

export function toAppError(err: unknown): AppError | null {
  if (isAppError(err)) return err;
  const parserError = err as BodyParserError;
  if (parserError?.type === "entity.parse.failed") return new AppError(400, "invalid_json", "the body is not valid JSON");
  if (parserError?.type === "entity.too.large") return new AppError(413, "body_too_large", "the body is too large");
  if (parserError?.type === "encoding.unsupported" || parserError?.status === 415) {
    return new AppError(415, "unsupported_media_type", "send JSON (application/json)");
  }
  switch (pgCode(err)) {
    case "22P02":
      return new AppError(400, "validation_error", "a value has the wrong format");
    case PG.uniqueViolation:
      return new AppError(409, "conflict", "a conflicting record exists");
    case PG.foreignKeyViolation:
      return new AppError(409, "conflict", "the record is referenced by or refers to a missing record");
    case PG.queryCanceled:
      return new AppError(503, "timeout", "the database took too long; try again");
    case PG.deadlockDetected:
    case PG.serializationFailure:
      return new AppError(503, "busy", "the request clashed with another one; try again", undefined, { "Retry-After": "1" });
    default:
      return null;
  }
}

export function notFoundHandler() {
  return (req: Request, _res: Response, next: NextFunction) => {
    next(new AppError(404, "not_found", `no route for ${req.method} ${req.path}`));
  };
}

export function errorHandler() {
  // express tells error handlers apart by their four parameters
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const known = toAppError(err);
    if (!known || known.status >= 500) {
      logger().error("request failed", { error: err instanceof Error ? err : String(err), path: req.path, method: req.method });
    }
    const answer = known ?? new AppError(500, "internal", "internal error");
    if (res.headersSent) {
      res.end();
      return;
    }
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    res.status(answer.status).json({
      error: { code: answer.code, message: answer.message, ...(answer.details !== undefined ? { details: answer.details } : {}) },
      request_id: req.requestId,
    });
  };
}

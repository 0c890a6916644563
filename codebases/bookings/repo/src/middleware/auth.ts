/**
 * API-key authentication: `Authorization: Bearer <key>` (or `X-Api-Key: <key>`). Failed
 * attempts are rate limited per client address, so keys cannot be guessed at speed.
 */
import { NextFunction, Request, Response } from "express";
import { Deps } from "../deps";
import { updateContext } from "../lib/context";
import { tooManyRequests, unauthorized } from "../lib/errors";
import { authenticate } from "../services/apiKeys";
import { hit } from "../services/rateLimiter";

export function presentedKey(req: Request): string | null {
  const header = req.get("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match ? match[1] : null;
  }
  return req.get("x-api-key") ?? null;
}

/** The address the connection came from (the service is not behind a trusted proxy). */
export function clientAddress(req: Request): string {
  return req.socket.remoteAddress ?? "unknown";
}

export function requireAuth(deps: Deps) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const raw = presentedKey(req);
    const principal = raw ? await authenticate(deps.db, raw, deps.clock.now()) : null;
    if (!principal) {
      const decision = await hit(
        deps,
        "auth-failures",
        clientAddress(req),
        deps.config.rateLimit.anonymousMax,
        deps.config.rateLimit.windowSeconds,
      );
      if (!decision.allowed) {
        deps.metrics.rateLimited.inc({ scope: "auth-failures" });
        throw tooManyRequests(decision.resetSeconds);
      }
      throw unauthorized(raw ? "the API key is not valid" : "a valid API key is required");
    }
    req.principal = principal;
    updateContext({ orgId: principal.orgId, apiKeyId: principal.apiKeyId });
    next();
  };
}

/** The authenticated principal of a request that went through requireAuth. */
export function principalOf(req: Request) {
  if (!req.principal) throw unauthorized();
  return req.principal;
}

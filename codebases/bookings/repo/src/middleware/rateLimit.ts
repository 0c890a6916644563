/**
 * Per-API-key rate limits (sliding window, shared across processes through Redis), with the
 * usual headers on every answer: X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset,
 * and Retry-After on a 429.
 */
import { NextFunction, Request, Response } from "express";
import { Deps } from "../deps";
import { tooManyRequests } from "../lib/errors";
import { hit } from "../services/rateLimiter";
import { principalOf } from "./auth";

export function rateLimit(deps: Deps, scope: string, limitOf: (deps: Deps) => number) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const principal = principalOf(req);
    const decision = await hit(deps, scope, principal.apiKeyId, limitOf(deps), deps.config.rateLimit.windowSeconds);
    res.setHeader("X-RateLimit-Limit", String(decision.limit));
    res.setHeader("X-RateLimit-Remaining", String(decision.remaining));
    res.setHeader("X-RateLimit-Reset", String(decision.resetSeconds));
    if (!decision.allowed) {
      deps.metrics.rateLimited.inc({ scope });
      throw tooManyRequests(decision.resetSeconds);
    }
    next();
  };
}

/**
 * Idempotency keys for unsafe requests (booking creation): the first request with a key runs and
 * its answer is stored; a repeat with the same key and the same body gets the stored answer; the
 * same key with another body is refused; a repeat while the first still runs is told to retry.
 * Answers of 5xx are not stored (the key is released, so a retry can succeed).
 */
import { Deps } from "../deps";
import { canonicalJson, sha256Hex } from "../lib/crypto";
import { AppError, isAppError, unprocessable } from "../lib/errors";
import { HOUR_MS, addMs } from "../lib/time";
import { Principal } from "../models/types";
import { idempotency } from "../repositories/idempotency";

export interface StoredResponse {
  status: number;
  body: unknown;
  replayed: boolean;
}

export function requestFingerprint(method: string, path: string, body: unknown): string {
  return sha256Hex(`${method.toUpperCase()} ${path}\n${canonicalJson(body)}`);
}

export async function runIdempotent(
  deps: Deps,
  principal: Principal,
  key: string,
  fingerprint: string,
  handler: () => Promise<{ status: number; body: unknown }>,
): Promise<StoredResponse> {
  const now = deps.clock.now();
  const claimed = await idempotency.claim(deps.db, {
    org_id: principal.orgId,
    key,
    api_key_id: principal.apiKeyId,
    request_hash: fingerprint,
    expires_at: addMs(now, deps.config.idempotencyTtlHours * HOUR_MS),
  });
  if (!claimed) {
    const existing = await idempotency.find(deps.db, principal.orgId, key);
    if (!existing) {
      // released between our insert and our read: the first request failed; let the client retry
      throw new AppError(409, "idempotency_key_in_progress", "a request with this Idempotency-Key is in progress", undefined, {
        "Retry-After": "1",
      });
    }
    if (existing.request_hash !== fingerprint) {
      throw unprocessable("idempotency_key_reused", "this Idempotency-Key was used with a different request");
    }
    if (existing.status !== "completed") {
      throw new AppError(409, "idempotency_key_in_progress", "a request with this Idempotency-Key is in progress", undefined, {
        "Retry-After": "1",
      });
    }
    deps.metrics.idempotentReplays.inc();
    return { status: existing.response_status ?? 200, body: existing.response_body, replayed: true };
  }
  try {
    const result = await handler();
    await idempotency.complete(deps.db, claimed.id, result.status, result.body);
    return { ...result, replayed: false };
  } catch (err) {
    if (isAppError(err) && err.status < 500) {
      const body = { error: { code: err.code, message: err.message, details: err.details } };
      await idempotency.complete(deps.db, claimed.id, err.status, body);
      throw err;
    }
    await idempotency.release(deps.db, claimed.id).catch(() => undefined);
    throw err;
  }
}


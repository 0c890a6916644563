/**
 * Every request gets an id: the caller's `X-Request-Id` when it is a sane token, else a new
 * UUID. It is echoed in the response, put in every log line and in error bodies.
 */
import { randomUUID } from "node:crypto";
import { NextFunction, Request, Response } from "express";
import { runWithContext } from "../lib/context";
import { Principal } from "../models/types";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      requestId: string;
      principal?: Principal;
      startedAt: bigint;
    }
  }
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export function acceptRequestId(header: string | undefined): string | null {
  return header !== undefined && SAFE_ID.test(header) ? header : null;
}

export function requestId() {
  return (req: Request, res: Response, next: NextFunction) => {
    const id = acceptRequestId(req.get("x-request-id")) ?? randomUUID();
    req.requestId = id;
    req.startedAt = process.hrtime.bigint();
    res.setHeader("X-Request-Id", id);
    runWithContext({ requestId: id }, () => next());
  };
}

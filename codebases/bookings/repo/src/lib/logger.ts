/**
 * Structured logs: one JSON object per line on stdout, with the request id and tenant of the
 * request being served (see context.ts). Values under keys that look like secrets are redacted.
 */
import { currentContext } from "./context";

export type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEYS = /^(authorization|x-api-key|api_?key|password|secret|token|payment_token|signing_secret|cookie)$/i;

export type Fields = Record<string, unknown>;

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Fields = {};
  for (const [key, v] of Object.entries(value as Fields)) {
    out[key] = SECRET_KEYS.test(key) ? "[redacted]" : redact(v, depth + 1);
  }
  return out;
}

export class Logger {
  constructor(
    private readonly level: Level = "info",
    private readonly bindings: Fields = {},
    private readonly write: (line: string) => void = (line) => process.stdout.write(line + "\n"),
  ) {}

  child(bindings: Fields): Logger {
    return new Logger(this.level, { ...this.bindings, ...bindings }, this.write);
  }

  enabled(level: Level): boolean {
    return ORDER[level] >= ORDER[this.level];
  }

  log(level: Level, msg: string, fields: Fields = {}): void {
    if (!this.enabled(level)) return;
    const ctx = currentContext();
    const entry: Fields = {
      ts: new Date().toISOString(),
      level,
      msg,
      ...this.bindings,
      ...(ctx ? { request_id: ctx.requestId, org_id: ctx.orgId, api_key_id: ctx.apiKeyId } : {}),
      ...(redact(fields) as Fields),
    };
    for (const key of Object.keys(entry)) if (entry[key] === undefined) delete entry[key];
    let line: string;
    try {
      line = JSON.stringify(entry);
    } catch {
      line = JSON.stringify({ ts: entry.ts, level, msg, note: "unserialisable fields dropped" });
    }
    this.write(line);
  }

  debug(msg: string, fields?: Fields): void {
    this.log("debug", msg, fields);
  }
  info(msg: string, fields?: Fields): void {
    this.log("info", msg, fields);
  }
  warn(msg: string, fields?: Fields): void {
    this.log("warn", msg, fields);
  }
  error(msg: string, fields?: Fields): void {
    this.log("error", msg, fields);
  }
}

let root = new Logger((process.env.LOG_LEVEL as Level) || "info", { service: "bookings" });

export function logger(): Logger {
  return root;
}

export function configureLogger(level: Level, bindings: Fields = {}, write?: (line: string) => void): Logger {
  root = new Logger(level, { service: "bookings", ...bindings }, write);
  return root;
}

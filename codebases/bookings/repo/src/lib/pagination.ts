/**
 * Keyset pagination: an opaque cursor holds the sort key of the last row of a page, and the
 * next page starts strictly after it, so deep pages cost what the first one does.
 */
import { badRequest } from "./errors";

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export interface CursorPosition {
  /** the sort value of the last row (an ISO time or a string) */
  k: string;
  /** the id of the last row (tie breaker) */
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify(position), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string | undefined): CursorPosition | null {
  if (cursor === undefined || cursor === "") return null;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (parsed && typeof parsed.k === "string" && typeof parsed.id === "string") return { k: parsed.k, id: parsed.id };
  } catch {
    // fall through
  }
  throw badRequest("cursor is not valid", { field: "cursor" });
}

/**
 * Given `limit + 1` rows fetched in order, the page of `limit` rows and the cursor of the next
 * page (null when this is the last one).
 */
export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => CursorPosition): Page<T> {
  if (rows.length <= limit) return { data: rows, next_cursor: null };
  const data = rows.slice(0, limit);
  return { data, next_cursor: encodeCursor(keyOf(data[data.length - 1])) };
}

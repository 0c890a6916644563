/** Time helpers. Every time the API reads or writes is UTC; opening hours are minutes after UTC midnight. */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** A clock that can be replaced in tests. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function addMs(date: Date, ms: number): Date {
  return new Date(date.getTime() + ms);
}

/** `YYYY-MM-DD` -> the UTC midnight that starts it; null when not a real date. */
export function parseDay(day: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const date = new Date(`${day}T00:00:00.000Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== day) return null;
  return date;
}

export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The UTC days (`YYYY-MM-DD`) that [start, end) touches. */
export function daysTouched(start: Date, end: Date): string[] {
  const days: string[] = [];
  let cursor = new Date(`${dayOf(start)}T00:00:00.000Z`);
  while (cursor.getTime() < end.getTime()) {
    days.push(dayOf(cursor));
    cursor = addMs(cursor, DAY_MS);
  }
  return days.length ? days : [dayOf(start)];
}

export function minutesAfterMidnight(date: Date): number {
  return date.getUTCHours() * 60 + date.getUTCMinutes();
}

/** Whether two half-open ranges [aStart, aEnd) and [bStart, bEnd) share any instant. */
export function overlaps(aStart: Date, aEnd: Date, bStart: Date, bEnd: Date): boolean {
  return aStart.getTime() < bEnd.getTime() && bStart.getTime() < aEnd.getTime();
}

export function toIso(date: Date | string | null | undefined): string | null {
  if (date === null || date === undefined) return null;
  return (date instanceof Date ? date : new Date(date)).toISOString();
}

/**
 * Money rules. Amounts are integer cents everywhere; percentages apply with integer arithmetic
 * and round down, so a refund never exceeds what the policy promises.
 */
import { HOUR_MS } from "../lib/time";
import { Resource } from "./types";

export function slotsIn(resource: Pick<Resource, "slot_minutes">, startsAt: Date, endsAt: Date): number {
  return Math.round((endsAt.getTime() - startsAt.getTime()) / (resource.slot_minutes * 60_000));
}

export function priceFor(
  resource: Pick<Resource, "slot_minutes" | "price_per_slot_cents">,
  startsAt: Date,
  endsAt: Date,
): number {
  return slotsIn(resource, startsAt, endsAt) * resource.price_per_slot_cents;
}

export type RefundPolicy = Pick<Resource, "full_refund_hours" | "partial_refund_hours" | "partial_refund_percent">;

/** The share of the paid amount given back when cancelling at `now` a booking starting at `startsAt`. */
export function refundPercent(policy: RefundPolicy, startsAt: Date, now: Date): number {
  const hoursBefore = (startsAt.getTime() - now.getTime()) / HOUR_MS;
  if (hoursBefore >= policy.full_refund_hours) return 100;
  if (hoursBefore >= policy.partial_refund_hours) return policy.partial_refund_percent;
  return 0;
}

export function refundAmount(paidCents: number, alreadyRefundedCents: number, percent: number): number {
  const owed = Math.floor((paidCents * percent) / 100);
  return Math.max(0, Math.min(owed, paidCents - alreadyRefundedCents));
}

/** `1234` -> `"12.34"`: display only, never used in arithmetic. */
export function formatCents(cents: number, currency: string): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")} ${currency}`;
}

// The one expiry format every in-toto verifier accepts: `YYYY-MM-DDTHH:MM:SSZ`, ASCII digits, a real
// calendar date, UTC (SPEC-NOTES §11). Relative expiries (`in 180d`) resolve against a given `now`.
import type { ExpiresClause } from "../ast.js";

const FORMAT = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z$/;

/** The instant an expiry string names, or undefined unless it is `YYYY-MM-DDTHH:MM:SSZ` with a real date. */
export function parseExpiry(text: string): Date | undefined {
  const m = FORMAT.exec(text);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (h > 23 || mi > 59 || s > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  // A day past the month's end (2030-02-30) rolls over into the next month: not a real date.
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return date;
}

/** `date` as `YYYY-MM-DDTHH:MM:SSZ` (seconds precision), or undefined outside years 0000–9999. */
export function formatExpiry(date: Date): string | undefined {
  const t = date.getTime();
  if (Number.isNaN(t)) return undefined;
  const y = date.getUTCFullYear();
  if (y < 0 || y > 9999) return undefined;
  return `${date.toISOString().slice(0, 19)}Z`;
}

const DAY_MS = 86_400_000;
const UNIT_DAYS: Record<string, number> = { d: 1, w: 7, m: 30, y: 365 };

/** `now` plus a relative expiry (`y` = 365 days, `w` = 7 days), whole seconds. */
export function addDuration(now: Date, clause: Extract<ExpiresClause, { kind: "relative" }>): Date {
  const ms = Math.floor(now.getTime() / 1000) * 1000 + clause.amount * (UNIT_DAYS[clause.unit] ?? 1) * DAY_MS;
  return new Date(ms);
}

/** `days` whole days after `now`, as an expiry string (for quick fixes). */
export function daysAfter(now: Date, days: number): string {
  return formatExpiry(new Date(Math.floor(now.getTime() / 1000) * 1000 + days * DAY_MS)) ?? "9999-12-31T23:59:59Z";
}

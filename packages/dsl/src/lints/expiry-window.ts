// Shared by the three expiry lints: the layout's expiry as an instant (absolute, or relative to the
// clock), and the quick fix that moves it to 365 days from now.
import type { CheckContext } from "../checks/context.js";
import { addDuration, daysAfter, parseExpiry } from "../checks/expiry-date.js";
import type { Fix, Span } from "../diagnostic.js";

/** The resolved expiry, where to report on it, and the clock it was compared with. */
export interface ExpiryFacts {
  date: Date;
  now: Date;
  span: Span;
  /** Days from now to the expiry (negative when past). */
  daysLeft: number;
  fix?: Fix;
}

/** The expiry compared with `ctx.now`; undefined without a clock or a valid expiry. */
export function expiryFacts(ctx: CheckContext): ExpiryFacts | undefined {
  const now = ctx.now;
  const clause = ctx.layout?.expires;
  if (now === undefined || clause === undefined) return undefined;
  let date: Date | undefined;
  let fix: Fix | undefined;
  const title = "Expire 365 days from now";
  if (clause.kind === "relative") {
    date = addDuration(now, clause);
    fix = { title, edits: [{ span: clause.span, newText: "expires in 365d" }] };
  } else {
    const text = ctx.value(clause.value);
    date = text === undefined ? undefined : parseExpiry(text);
    if (clause.value?.kind === "string") fix = { title, edits: [{ span: clause.value.span, newText: `"${daysAfter(now, 365)}"` }] };
  }
  if (date === undefined) return undefined;
  const facts: ExpiryFacts = { date, now, span: clause.span, daysLeft: (date.getTime() - now.getTime()) / 86_400_000 };
  if (fix !== undefined) facts.fix = fix;
  return facts;
}

/** `2027-06-01`, for messages. */
export function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

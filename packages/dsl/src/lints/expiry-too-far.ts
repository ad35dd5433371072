// A layout is the root of trust for its supply chain; a long validity leaves a leaked or outdated
// layout usable for long. More than a year (366 days, leap years included) is reported as info.
import type { CheckContext, Lint } from "../checks/context.js";
import { diagnostic } from "../codes.js";
import { day, expiryFacts } from "./expiry-window.js";

/** Reports an expiry more than a year ahead. */
function run(ctx: CheckContext): void {
  const f = expiryFacts(ctx);
  if (f === undefined || f.daysLeft <= 366) return;
  ctx.report(
    diagnostic(
      "expiry-too-far",
      f.span,
      `The layout stays valid until ${day(f.date)}, more than a year from now: prefer a shorter expiry and re-sign regularly.`,
      f.fix === undefined ? {} : { fix: f.fix },
    ),
  );
}

export const lintExpiryTooFar: Lint = { code: "expiry-too-far", run };

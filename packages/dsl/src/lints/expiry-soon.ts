// A layout that expires in a few days stops every verification when it does; warning ahead of time
// leaves room to re-sign. The window is `expiryWarningDays` (default 30).
import type { CheckContext, Lint } from "../checks/context.js";
import { diagnostic } from "../codes.js";
import { day, expiryFacts } from "./expiry-window.js";

/** Reports an expiry within the warning window. */
function run(ctx: CheckContext): void {
  const f = expiryFacts(ctx);
  if (f === undefined || f.daysLeft < 0 || f.daysLeft > ctx.expiryWarningDays) return;
  ctx.report(
    diagnostic(
      "expiry-soon",
      f.span,
      `The layout expires on ${day(f.date)}, within ${ctx.expiryWarningDays} days: extend the expiry and sign it again before then.`,
      f.fix === undefined ? {} : { fix: f.fix },
    ),
  );
}

export const lintExpirySoon: Lint = { code: "expiry-soon", run };

// in-toto checks expiry right after the layout signature: an expired layout fails verification with
// LayoutExpiredError whatever the links say (SPEC-NOTES §7, step 2).
import type { CheckContext, Lint } from "../checks/context.js";
import { diagnostic } from "../codes.js";
import { day, expiryFacts } from "./expiry-window.js";

/** Reports an expiry that is already past. */
function run(ctx: CheckContext): void {
  const f = expiryFacts(ctx);
  if (f === undefined || f.daysLeft >= 0) return;
  ctx.report(
    diagnostic("expired", f.span, `The layout expired on ${day(f.date)}: every verification of it fails. Set a future expiry and sign it again.`, f.fix === undefined ? {} : { fix: f.fix }),
  );
}

export const lintExpired: Lint = { code: "expired", run };

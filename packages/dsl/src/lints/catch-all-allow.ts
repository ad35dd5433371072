// `allow "*"` lets every artifact through that no earlier rule consumed: the list then constrains
// nothing it does not mention, which is the weakest policy in-toto can express (its implicit default,
// SPEC-NOTES §8). missing-trailing-disallow accepts a final `allow "*"` as a visible choice; this lint
// makes the choice visible at review time too, wherever it sits (also when a rule set brings it in).
import type { CheckContext, Lint } from "../checks/context.js";
import { diagnostic } from "../codes.js";
import { isCatchAll, itemWord } from "./rule-facts.js";

/** Reports every `allow "*"` in a step's or inspection's rule lists (at the rule, or at the `use` that splices it). */
function run(ctx: CheckContext): void {
  for (const { item, side, rules } of ctx.itemRules) {
    if (item.name.text === "") continue;
    for (const r of rules) {
      if (!isCatchAll(ctx, r, "allow")) continue;
      ctx.report(
        diagnostic(
          "catch-all-allow",
          r.site,
          `\`allow "*"\` lets any ${side} of ${itemWord(item.kind).toLowerCase()} "${item.name.text}" through: list the ${side} you expect and end with \`disallow "*"\`.`,
        ),
      );
    }
  }
}

export const lintCatchAllAllow: Lint = { code: "catch-all-allow", run };

// Small facts about expanded rules that several lints share.
import type { CheckContext, ExpandedRule } from "../checks/context.js";

/** True when the rule is `allow "*"` or `disallow "*"` (after constants are substituted). */
export function isCatchAll(ctx: CheckContext, r: ExpandedRule, kind: "allow" | "disallow"): boolean {
  return r.rule.kind === kind && ctx.value(r.rule.pattern) === "*";
}

/** "Step" or "Inspection", for messages. */
export function itemWord(kind: "step" | "inspection"): string {
  return kind === "step" ? "Step" : "Inspection";
}

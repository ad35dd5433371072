// After `allow "*"` consumes every artifact, or `disallow "*"` fails on any artifact left, the queue
// is empty (SPEC-NOTES §8): later rules consume nothing, a later `disallow` never fires and a later
// `require` always fails. Such a rule is dead, and usually a sign the list is in the wrong order.
import type { CheckContext, Lint } from "../checks/context.js";
import { diagnostic } from "../codes.js";
import { isCatchAll } from "./rule-facts.js";

/** Reports rules placed after `allow "*"` or `disallow "*"` in the same list. */
function run(ctx: CheckContext): void {
  for (const entry of ctx.itemRules) {
    const stop = entry.rules.findIndex((r) => isCatchAll(ctx, r, "allow") || isCatchAll(ctx, r, "disallow"));
    if (stop === -1) continue;
    const catchAll = entry.rules[stop]!;
    const reported = new Set<number>([catchAll.site.start]);
    for (const r of entry.rules.slice(stop + 1)) {
      if (reported.has(r.site.start)) continue;
      reported.add(r.site.start);
      ctx.report(
        diagnostic(
          "unreachable-rule",
          r.site,
          `This rule can never apply: \`${catchAll.rule.kind} "*"\` before it leaves no artifacts to check. Move it above that rule, or remove it.`,
          { related: [{ span: catchAll.site, message: `\`${catchAll.rule.kind} "*"\` empties the artifact queue here.` }] },
        ),
      );
    }
  }
}

export const lintUnreachableRule: Lint = { code: "unreachable-rule", run };

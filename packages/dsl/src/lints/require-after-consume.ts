// REQUIRE checks the queue that earlier rules left (SPEC-NOTES §8): once ALLOW, CREATE, DELETE,
// MODIFY or MATCH consumed a path, a later `require` of that path fails even though the artifact is
// there. Put `require` before the rules that consume its path.
import { fnmatch } from "@totem/engine";
import type { CheckContext, ExpandedRule, Lint } from "../checks/context.js";
import { diagnostic } from "../codes.js";

/** Whether `rule` may consume `path` (MATCH strips a literal source prefix first). */
function mayConsume(ctx: CheckContext, r: ExpandedRule, path: string): boolean {
  const rule = r.rule;
  if (rule.kind === "disallow" || rule.kind === "require") return false;
  const pattern = ctx.value(rule.pattern);
  if (pattern === undefined) return false;
  if (rule.kind !== "match" || rule.sourcePrefix === undefined) return fnmatch(path, pattern);
  const prefix = ctx.value(rule.sourcePrefix);
  if (prefix === undefined) return false;
  const p = prefix.endsWith("/") ? prefix : `${prefix}/`;
  return path.startsWith(p) && fnmatch(path.slice(p.length), pattern);
}

/** Reports `require` rules placed after a rule that may consume the required path. */
function run(ctx: CheckContext): void {
  for (const entry of ctx.itemRules) {
    entry.rules.forEach((r, i) => {
      if (r.rule.kind !== "require") return;
      const path = ctx.value(r.rule.pattern);
      if (path === undefined) return;
      const earlier = entry.rules.slice(0, i).find((e) => mayConsume(ctx, e, path));
      if (earlier === undefined) return;
      ctx.report(
        diagnostic(
          "require-after-consume",
          r.site,
          `\`require "${path}"\` checks only what earlier rules left, and an earlier \`${earlier.rule.kind}\` rule may already consume "${path}": move the \`require\` above it.`,
          { related: [{ span: earlier.site, message: `This rule may consume "${path}".` }] },
        ),
      );
    });
  }
}

export const lintRequireAfterConsume: Lint = { code: "require-after-consume", run };

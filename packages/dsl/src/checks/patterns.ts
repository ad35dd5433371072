// Patterns that in-toto verifiers read differently. 1.3.1 matches with Python fnmatch, where `\` is
// a literal character and odd brackets are literal; in-toto-golang treats `\` as an escape and
// rejects `[`, `a[`, `[]a]`, `[-]`, `[x-]` (SPEC-NOTES §9). A policy must mean one thing everywhere.
// REQUIRE takes a literal path, never a pattern (SPEC-NOTES §8).
import type { RuleNode } from "../ast.js";
import { diagnostic } from "../codes.js";
import type { CheckContext } from "./context.js";

/** Why `pattern` is read differently by Python fnmatch and in-toto-golang, or undefined. */
export function portabilityProblem(pattern: string): string | undefined {
  if (pattern.includes("\\")) {
    return "a backslash is a literal character in in-toto 1.3.1 but an escape in in-toto-golang: remove it (patterns cannot escape `*`, `?` or `[`)";
  }
  for (let i = pattern.indexOf("["); i !== -1; i = pattern.indexOf("[", i + 1)) {
    let j = i + 1;
    if (pattern[j] === "!") j++;
    if (pattern[j] === "]") return "`]` as the first member of a class is literal in in-toto 1.3.1 but an error in in-toto-golang: move it out of the class";
    const close = pattern.indexOf("]", j);
    if (close === -1) return "this `[` has no closing `]`: in-toto 1.3.1 reads it as a literal `[`, in-toto-golang as an error; close the class or remove the `[`";
    const body = pattern.slice(j, close);
    if (body.startsWith("^")) return "`[^…]` does not negate in in-toto 1.3.1 (write `[!…]`), but does in in-toto-golang";
    if (body.startsWith("-") || body.endsWith("-")) return "a `-` at the edge of a class is literal in in-toto 1.3.1 but an error in in-toto-golang: write it as a range or drop it";
    i = close;
  }
  return undefined;
}

const GLOB = /[*?[]/;

function checkRules(ctx: CheckContext, rules: RuleNode[]): void {
  for (const rule of rules) {
    if (rule.kind === "use" || rule.pattern === undefined) continue;
    const pattern = ctx.value(rule.pattern);
    if (pattern === undefined) continue;
    if (rule.kind === "require") {
      if (GLOB.test(pattern)) {
        ctx.report(
          diagnostic("require-glob", rule.pattern.span, `\`require\` checks for one literal path, so "${pattern}" only matches a file named exactly that: write the path without *, ? or [.`),
        );
      }
      continue;
    }
    const problem = portabilityProblem(pattern);
    if (problem !== undefined) ctx.report(diagnostic("non-portable-pattern", rule.pattern.span, `Pattern "${pattern}": ${problem}.`));
  }
}

/** Reports non-portable patterns and globbing `require` paths, in rule blocks and rule sets. */
export function checkPatterns(ctx: CheckContext): void {
  for (const set of ctx.file.ruleSets) checkRules(ctx, set.rules);
  for (const entry of ctx.itemRules) if (entry.block !== undefined) checkRules(ctx, entry.block.rules);
}

// in-toto ends every rule list with an implicit `ALLOW *` (SPEC-NOTES §8; in-toto issue 287), so an
// artifact no rule mentions passes silently. Ending the list with `disallow "*"` makes the list say
// everything that may appear. An explicit final `allow "*"` is a visible choice and is not reported.
import type { CheckContext, Lint } from "../checks/context.js";
import { insertBeforeClose } from "../checks/edits.js";
import { diagnostic } from "../codes.js";
import { isCatchAll, itemWord } from "./rule-facts.js";

/** Reports rule lists (and missing lists) that do not end with `disallow "*"`. */
function run(ctx: CheckContext): void {
  for (const entry of ctx.itemRules) {
    const { item, side, block } = entry;
    if (item.name.text === "") continue;
    if (block === undefined) {
      const edit = insertBeforeClose(ctx.text, item.span.end - 1, `${side} { disallow "*" }`);
      ctx.report(
        diagnostic(
          "missing-trailing-disallow",
          item.name.span,
          `${itemWord(item.kind)} "${item.name.text}" has no ${side} rules, so in-toto accepts any ${side}: add \`${side} { disallow "*" }\` or list what is expected.`,
          edit === undefined ? {} : { fix: { title: `Add \`${side} { disallow "*" }\``, edits: [edit] } },
        ),
      );
      continue;
    }
    const last = entry.rules.at(-1);
    if (last !== undefined && (isCatchAll(ctx, last, "disallow") || isCatchAll(ctx, last, "allow"))) continue;
    // A `disallow "*"` that is not last already closes the list; unreachable-rule reports what follows it.
    if (entry.rules.some((r) => isCatchAll(ctx, r, "disallow"))) continue;
    const edit = insertBeforeClose(ctx.text, block.span.end - 1, 'disallow "*"');
    ctx.report(
      diagnostic(
        "missing-trailing-disallow",
        block.keywordSpan,
        `These ${side} rules do not end with \`disallow "*"\`, so in-toto accepts any ${side} they do not mention: add \`disallow "*"\` as the last rule.`,
        edit === undefined ? {} : { fix: { title: 'Add `disallow "*"` at the end', edits: [edit] } },
      ),
    );
  }
}

export const lintMissingTrailingDisallow: Lint = { code: "missing-trailing-disallow", run };

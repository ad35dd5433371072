// A functionary no step names in `by` is a key with no role. Depending on the lowering choice it
// would still sit in `layout.keys` (see docs/language.md, "Semantics"), trusted for nothing; usually
// a step forgot it, or it is left over from a removed step.
import type { CheckContext, Lint } from "../checks/context.js";
import { deleteLines } from "../checks/edits.js";
import { diagnostic } from "../codes.js";

/** Reports functionaries never named in a step's `by`, with a fix that removes the declaration. */
function run(ctx: CheckContext): void {
  const used = new Set(ctx.symbols.references.filter((r) => r.namespace === "functionary").map((r) => r.name));
  const seen = new Set<string>();
  for (const f of ctx.layout?.functionaries ?? []) {
    const name = f.name.text;
    if (name === "" || used.has(name) || seen.has(name)) continue;
    seen.add(name);
    ctx.report(
      diagnostic("unused-functionary", f.name.span, `Functionary "${name}" performs no step: name it in a step's \`by\`, or remove it.`, {
        fix: { title: `Remove functionary "${name}"`, edits: [deleteLines(ctx.text, f.span.start, f.span.end)] },
      }),
    );
  }
}

export const lintUnusedFunctionary: Lint = { code: "unused-functionary", run };

// Artifacts flow forward: a step's `match … from` a later step usually names the wrong step, and a
// step's `match … from` an inspection never matches anything, because 1.3.1 verifies step rules
// before inspections run (SPEC-NOTES §7, steps 10–11; a MATCH without a destination link consumes
// nothing, §8). Inspections may match from any item: their rules are checked after all inspections.
import type { CheckContext, Lint } from "../checks/context.js";
import { diagnostic } from "../codes.js";

/** Reports steps whose `match … from` names a later step or an inspection. */
function run(ctx: CheckContext): void {
  const items = ctx.layout?.items ?? [];
  const position = new Map<string, number>();
  items.forEach((item, i) => {
    if (!position.has(item.name.text)) position.set(item.name.text, i);
  });
  for (const ref of ctx.symbols.references) {
    if (ref.namespace !== "item" || ref.inItem === undefined || ref.name === ref.inItem) continue;
    const here = position.get(ref.inItem);
    const there = position.get(ref.name);
    if (here === undefined || there === undefined || items[here]!.kind !== "step") continue;
    if (items[there]!.kind === "inspection") {
      ctx.report(
        diagnostic(
          "match-from-later",
          ref.span,
          `"${ref.name}" is an inspection: step rules are verified before inspections run, so this rule never matches. Match from a step instead.`,
        ),
      );
    } else if (there > here) {
      ctx.report(
        diagnostic(
          "match-from-later",
          ref.span,
          `Step "${ref.name}" comes after "${ref.inItem}": artifacts flow from earlier steps to later ones. Match from an earlier step, or reorder the steps.`,
        ),
      );
    }
  }
}

export const lintMatchFromLater: Lint = { code: "match-from-later", run };

// `match … from X` inside X compares an item's artifacts with its own link: a step's materials
// matched against its own products pass only for files the step did not change, which is rarely the
// intent; usually the name of the previous step was meant.
import type { CheckContext, Lint } from "../checks/context.js";
import { diagnostic } from "../codes.js";

/** Reports `match … from` rules that name the step or inspection they belong to. */
function run(ctx: CheckContext): void {
  for (const ref of ctx.symbols.references) {
    if (ref.namespace !== "item" || ref.inItem === undefined || ref.name !== ref.inItem) continue;
    ctx.report(
      diagnostic("match-from-self", ref.span, `This rule matches "${ref.name}" against its own link: name the step whose artifacts should flow in here.`),
    );
  }
}

export const lintMatchFromSelf: Lint = { code: "match-from-self", run };

// Names declared twice. Steps and inspections share one namespace: in-toto 1.3.1 rejects a layout
// whose step and inspection names are not unique across both lists (SPEC-NOTES §2).
import { type Code, diagnostic } from "../codes.js";
import { namespaceOf, type Namespace, type SymbolKind } from "../symbols.js";
import type { CheckContext } from "./context.js";

const CODE_OF: Record<Namespace, Code> = {
  item: "duplicate-step",
  functionary: "duplicate-functionary",
  constant: "duplicate-constant",
  "rule-set": "duplicate-rule-set",
};

const WORD: Record<SymbolKind, string> = {
  step: "Step",
  inspection: "Inspection",
  functionary: "Functionary",
  constant: "Constant",
  "rule-set": "Rule set",
};

/** Reports every declaration after the first of the same name in the same namespace. */
export function checkDuplicates(ctx: CheckContext): void {
  for (const d of ctx.symbols.declarations) {
    const first = ctx.symbols.byName[namespaceOf(d.kind)].get(d.name);
    if (first === undefined || first === d) continue;
    const shared = namespaceOf(d.kind) === "item" ? " (steps and inspections share one namespace)" : "";
    ctx.report(
      diagnostic(CODE_OF[namespaceOf(d.kind)], d.span, `${WORD[d.kind]} "${d.name}" is already declared${shared}: rename one of them.`, {
        related: [{ span: first.span, message: `"${d.name}" is first declared here.` }],
      }),
    );
  }
}

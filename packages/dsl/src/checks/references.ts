// Names used but never declared: `by` functionaries, `match … from` steps, constants, rule sets.
import { type Code, diagnostic } from "../codes.js";
import type { Fix } from "../diagnostic.js";
import type { Namespace, SymbolReference } from "../symbols.js";
import { didYouMean } from "../did-you-mean.js";
import type { CheckContext } from "./context.js";
import { insertLineAfter } from "./edits.js";

const CODE_OF: Record<Namespace, Code> = {
  item: "unknown-step",
  functionary: "unknown-functionary",
  constant: "unknown-constant",
  "rule-set": "unknown-rule-set",
};

function message(ref: SymbolReference): string {
  switch (ref.namespace) {
    case "item":
      return `No step or inspection is named "${ref.name}": declare it, or match from an existing one.`;
    case "functionary":
      return `No functionary is named "${ref.name}": declare it with \`functionary ${ref.name} key "…"\`, or fix the name.`;
    case "constant":
      return `No constant is named "${ref.name}": declare it with \`const ${ref.name} = "…"\`, or write a string in quotes.`;
    case "rule-set":
      return `No rule set is named "${ref.name}": declare it with \`rules ${ref.name} { … }\`, or fix the name.`;
  }
}

/** Declares a missing functionary after the last one (or at the top of the layout body). */
function declareFunctionary(ctx: CheckContext, name: string): Fix | undefined {
  const layout = ctx.layout;
  if (layout === undefined) return undefined;
  const line = `functionary ${name} key "keys/${name}.pub"`;
  const last = layout.functionaries.at(-1);
  if (last !== undefined) return { title: `Declare functionary "${name}"`, edits: [insertLineAfter(ctx.text, last.span.end, line)] };
  const open = ctx.text.indexOf("{", layout.span.start);
  if (open === -1 || open >= layout.span.end) return undefined;
  const indent = `${/^[ \t]*/.exec(ctx.text.slice(ctx.text.lastIndexOf("\n", layout.span.start) + 1))![0]}  `;
  return { title: `Declare functionary "${name}"`, edits: [{ span: { start: open + 1, end: open + 1 }, newText: `\n${indent}${line}` }] };
}

/** ` Did you mean "x"?` for the declared name of the same namespace closest to `ref`, else "". */
function suggestion(ctx: CheckContext, ref: SymbolReference): string {
  const best = didYouMean(ref.name, ctx.symbols.byName[ref.namespace].keys())[0];
  return best === undefined ? "" : ` Did you mean "${best}"?`;
}

/** Reports every use of a name that has no declaration in its namespace. */
export function checkReferences(ctx: CheckContext): void {
  for (const ref of ctx.symbols.references) {
    if (ref.declaration !== undefined) continue;
    // A word the parser could not place (`expect comand "make"`) is already a syntax error there.
    if (ctx.parseDiagnostics.some((d) => d.severity === "error" && d.span.start === ref.span.start)) continue;
    const fix = ref.namespace === "functionary" ? declareFunctionary(ctx, ref.name) : undefined;
    ctx.report(diagnostic(CODE_OF[ref.namespace], ref.span, `${message(ref)}${suggestion(ctx, ref)}`, fix === undefined ? {} : { fix }));
  }
}

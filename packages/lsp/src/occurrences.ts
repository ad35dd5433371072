// Every name in a policy as written, declaration or use, in source order. One walk over the AST per
// analysed version feeds semantic tokens, definition, references, rename and hover.
import type { Name, PolicyFile, RuleNode, StringExpr } from "@totem/dsl";

/** What a name denotes. Steps and inspections share one namespace (`match … from` names either). */
export type SymbolKind = "layout" | "step" | "inspection" | "functionary" | "const" | "rules";

/** One written occurrence of a name. */
export interface Occurrence {
  kind: SymbolKind;
  name: string;
  /** Span of the name itself. */
  span: { start: number; end: number };
  declaration: boolean;
}

/** The namespace a kind lives in: steps and inspections are one, every other kind its own. */
export function namespaceOf(kind: SymbolKind): string {
  return kind === "inspection" ? "step" : kind;
}

function nameOcc(out: Occurrence[], kind: SymbolKind, name: Name | undefined, declaration: boolean): void {
  if (name && name.text !== "" && name.span.end > name.span.start) {
    out.push({ kind, name: name.text, span: name.span, declaration });
  }
}

function exprOcc(out: Occurrence[], e: StringExpr | undefined): void {
  if (e?.kind === "ref") nameOcc(out, "const", e.name, false);
}

function rulesOcc(out: Occurrence[], rules: readonly RuleNode[]): void {
  for (const r of rules) {
    switch (r.kind) {
      case "use":
        nameOcc(out, "rules", r.name, false);
        break;
      case "match":
        exprOcc(out, r.pattern);
        exprOcc(out, r.sourcePrefix);
        exprOcc(out, r.destinationPrefix);
        // The referenced item may be a step or an inspection; resolution (symbols.ts) decides which.
        nameOcc(out, "step", r.from, false);
        break;
      default:
        exprOcc(out, r.pattern);
    }
  }
}

/** All occurrences in the file, sorted by offset. */
export function collectOccurrences(file: PolicyFile): Occurrence[] {
  const out: Occurrence[] = [];
  for (const c of file.consts) {
    nameOcc(out, "const", c.name, true);
    exprOcc(out, c.value);
  }
  for (const s of file.ruleSets) {
    nameOcc(out, "rules", s.name, true);
    rulesOcc(out, s.rules);
  }
  const layout = file.layout;
  if (layout) {
    exprOcc(out, layout.readme);
    if (layout.expires?.kind === "absolute") exprOcc(out, layout.expires.value);
    for (const f of layout.functionaries) {
      nameOcc(out, "functionary", f.name, true);
      if (f.key?.kind === "file") exprOcc(out, f.key.path);
    }
    for (const item of layout.items) {
      nameOcc(out, item.kind, item.name, true);
      if (item.kind === "step") {
        for (const b of item.by) nameOcc(out, "functionary", b, false);
        for (const p of item.command?.parts ?? []) exprOcc(out, p);
      } else {
        for (const p of item.run?.parts ?? []) exprOcc(out, p);
      }
      if (item.materials) rulesOcc(out, item.materials.rules);
      if (item.products) rulesOcc(out, item.products.rules);
    }
  }
  out.sort((a, b) => a.span.start - b.span.start);
  return out;
}

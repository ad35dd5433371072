// Document symbols (the outline) and workspace symbols (open documents plus .totem files found in the
// workspace folders).
import type { PolicyFile, RuleBlock, Span } from "@totem/dsl";
import { type DocumentSymbol, type SymbolInformation, SymbolKind } from "vscode-languageserver";
import type { LineIndex } from "./positions.js";

function sym(lines: LineIndex, name: string, kind: SymbolKind, span: Span, nameSpan: Span, detail?: string, children?: DocumentSymbol[]): DocumentSymbol {
  // selectionRange must lie inside range; a recovered node can have a name outside its own span.
  const inside = nameSpan.start >= span.start && nameSpan.end <= span.end ? nameSpan : span;
  return {
    name: name === "" ? "(unnamed)" : name,
    kind,
    range: lines.rangeOf(span),
    selectionRange: lines.rangeOf(inside),
    ...(detail ? { detail } : {}),
    ...(children && children.length > 0 ? { children } : {}),
  };
}

function blockSym(lines: LineIndex, b: RuleBlock | undefined): DocumentSymbol[] {
  return b ? [sym(lines, b.side, SymbolKind.Array, b.span, b.keywordSpan, `${b.rules.length} rule${b.rules.length === 1 ? "" : "s"}`)] : [];
}

/** The outline of a policy: constants, rule sets, and the layout with its functionaries, steps and inspections. */
export function documentSymbols(file: PolicyFile, lines: LineIndex): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const c of file.consts) out.push(sym(lines, c.name.text, SymbolKind.Constant, c.span, c.name.span, c.value?.kind === "string" ? JSON.stringify(c.value.value) : undefined));
  for (const r of file.ruleSets) out.push(sym(lines, r.name.text, SymbolKind.Module, r.span, r.name.span, "rule set"));
  const layout = file.layout;
  if (layout) {
    const children: DocumentSymbol[] = [];
    for (const f of layout.functionaries) children.push(sym(lines, f.name.text, SymbolKind.Key, f.span, f.name.span, "functionary"));
    for (const item of layout.items) {
      const kids = [...blockSym(lines, item.materials), ...blockSym(lines, item.products)];
      const detail = item.kind === "step" ? `step by ${item.by.map((b) => b.text).join(", ") || "nobody"}` : "inspection";
      children.push(sym(lines, item.name.text, item.kind === "step" ? SymbolKind.Function : SymbolKind.Event, item.span, item.name.span, detail, kids));
    }
    const nameSpan = layout.name?.span ?? layout.span;
    out.push(sym(lines, layout.name ? `layout "${layout.name.value}"` : "layout", SymbolKind.Namespace, layout.span, nameSpan, undefined, children));
  }
  return out;
}

/** Flattens the outline to workspace symbols of one document (names matching `query` case-insensitively as a subsequence). */
export function workspaceSymbolsOf(uri: string, symbols: DocumentSymbol[], query: string, out: SymbolInformation[], container?: string): void {
  for (const s of symbols) {
    if (s.kind !== SymbolKind.Array && matchesQuery(s.name, query)) {
      out.push({ name: s.name, kind: s.kind, location: { uri, range: s.selectionRange }, ...(container ? { containerName: container } : {}) });
    }
    if (s.children) workspaceSymbolsOf(uri, s.children, query, out, s.name);
  }
}

function matchesQuery(name: string, query: string): boolean {
  const n = name.toLowerCase();
  let i = 0;
  for (const ch of query.toLowerCase()) {
    i = n.indexOf(ch, i);
    if (i < 0) return false;
    i++;
  }
  return true;
}

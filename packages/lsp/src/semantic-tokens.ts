// Semantic tokens for names: what a name denotes (step, inspection, functionary, constant, rule set)
// and whether it is its declaration. Keywords, strings and comments come from the TextMate grammar.
import { type SemanticTokens, SemanticTokensBuilder, type SemanticTokensLegend } from "vscode-languageserver";
import type { SymbolKind } from "@totem/dsl";
import type { DocAnalysis } from "./analysis.js";
import type { LineIndex } from "./positions.js";

const TYPES = ["namespace", "function", "method", "variable", "type", "parameter"] as const;
const MODIFIERS = ["declaration", "readonly"] as const;

/** The legend the server announces in its capabilities. */
export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = { tokenTypes: [...TYPES], tokenModifiers: [...MODIFIERS] };

const TYPE_OF: Record<SymbolKind, (typeof TYPES)[number]> = {
  step: "function",
  inspection: "method",
  functionary: "parameter",
  constant: "variable",
  "rule-set": "type",
};

/** The semantic tokens of a whole document. */
export function semanticTokens(a: DocAnalysis, lines: LineIndex): SemanticTokens {
  const builder = new SemanticTokensBuilder();
  for (const o of a.symbols.occurrences) {
    // Uses carry the kind of what they resolve to (`match … from X` may name an inspection).
    const kind = o.kind;
    const start = lines.positionAt(o.span.start);
    const end = lines.positionAt(o.span.end);
    if (end.line !== start.line) continue;
    let modifiers = o.declaration ? 1 : 0;
    if (kind === "constant") modifiers |= 2;
    builder.push(start.line, start.character, end.character - start.character, TYPES.indexOf(TYPE_OF[kind]), modifiers);
  }
  return builder.build();
}

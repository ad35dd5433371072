// dsl results → protocol shapes. Positions go through the document's LineIndex (positions.ts).
import type { Diagnostic as DslDiagnostic, Severity, TextEdit as DslTextEdit } from "@totem/dsl";
import { type Diagnostic, DiagnosticSeverity, type TextEdit } from "vscode-languageserver";
import type { LineIndex } from "./positions.js";

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** A dsl diagnostic as the protocol publishes it; `related` spans point into the same document. */
export function toLspDiagnostic(d: DslDiagnostic, lines: LineIndex, uri: string): Diagnostic {
  const out: Diagnostic = {
    range: lines.rangeOf(d.span),
    severity: SEVERITY[d.severity] ?? DiagnosticSeverity.Error,
    code: d.code,
    source: "totem",
    message: d.message,
  };
  if (d.related && d.related.length > 0) {
    out.relatedInformation = d.related.map((r) => ({ location: { uri, range: lines.rangeOf(r.span) }, message: r.message }));
  }
  return out;
}

/** dsl text edits as protocol edits. */
export function toLspEdits(edits: readonly DslTextEdit[], lines: LineIndex): TextEdit[] {
  return edits.map((e) => ({ range: lines.rangeOf(e.span), newText: e.newText }));
}

// Quick fixes: each diagnostic that carries a `fix` becomes one code action tied to that diagnostic.
import type { Diagnostic as DslDiagnostic, Span } from "@totem/dsl";
import { type CodeAction, CodeActionKind } from "vscode-languageserver";
import type { DocumentSnapshot } from "./documents.js";
import { toLspDiagnostic, toLspEdits } from "./to-protocol.js";

function overlaps(a: Span, b: Span): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** The quick fixes of the diagnostics that touch `range`. */
export function codeActions(doc: DocumentSnapshot, diagnostics: readonly DslDiagnostic[], range: Span): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    if (!d.fix || !overlaps(d.span, range)) continue;
    out.push({
      title: d.fix.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [toLspDiagnostic(d, doc.lines, doc.uri)],
      isPreferred: true,
      edit: { changes: { [doc.uri]: toLspEdits(d.fix.edits, doc.lines) } },
    });
  }
  return out;
}

// Quick fixes: each diagnostic that carries a `fix` becomes one code action tied to that diagnostic,
// and a name the policy does not declare gets "did you mean" fixes: an unknown step, functionary,
// rule set or constant → the declared names of its kind within a small edit distance; an unreadable key file → the files beside it
// with a similar name (read through `listKeyDir`, the only I/O here).
import { type Diagnostic as DslDiagnostic, type PolicyFile, type Span, didYouMean } from "@totem/dsl";
import { type CodeAction, CodeActionKind } from "vscode-languageserver";
import type { DocumentSnapshot } from "./documents.js";
import { toLspDiagnostic, toLspEdits } from "./to-protocol.js";

function overlaps(a: Span, b: Span): boolean {
  return a.start <= b.end && b.start <= a.end;
}

// The edit distance and the "did you mean" choice are the dsl's, shared with its messages.
export { didYouMean, editDistance } from "@totem/dsl";

/** Lists the file names in the directory of a key path as written (relative to the policy); [] when unreadable. */
export type KeyDirLister = (doc: DocumentSnapshot, keyPath: string) => string[];

/** What the "did you mean" fixes read besides the diagnostics. */
export interface SuggestionSources {
  file: PolicyFile;
  listKeyDir?: KeyDirLister;
}

function replacement(doc: DocumentSnapshot, d: DslDiagnostic, span: Span, newText: string, title: string): CodeAction {
  return {
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [toLspDiagnostic(d, doc.lines, doc.uri)],
    edit: { changes: { [doc.uri]: [{ range: doc.lines.rangeOf(span), newText }] } },
  };
}

/** "Did you mean" fixes for one diagnostic (unknown-step, -functionary, -rule-set, -constant; key-unreadable). */
function suggestions(doc: DocumentSnapshot, d: DslDiagnostic, sources: SuggestionSources): CodeAction[] {
  const written = doc.text.slice(d.span.start, d.span.end);
  const layout = sources.file.layout;
  const declared: Record<string, () => string[]> = {
    "unknown-step": () => (layout?.items ?? []).map((i) => i.name.text),
    "unknown-functionary": () => (layout?.functionaries ?? []).map((f) => f.name.text),
    "unknown-rule-set": () => sources.file.ruleSets.map((r) => r.name.text),
    "unknown-constant": () => sources.file.consts.map((c) => c.name.text),
  };
  const names = Object.hasOwn(declared, d.code) ? declared[d.code]?.() : undefined;
  if (names !== undefined) {
    return didYouMean(written, names).map((n) => replacement(doc, d, d.span, n, `Did you mean \`${n}\`?`));
  }
  if (d.code === "key-unreadable" && sources.listKeyDir) {
    // The span is the key path's string literal (quotes included when written as a string).
    const quoted = written.startsWith('"') && written.endsWith('"') && written.length >= 2;
    // A constant or an escaped path is left alone: the replacement would have to rewrite more than the name.
    if (!quoted || written.includes("\\")) return [];
    const path = written.slice(1, -1);
    const slash = path.lastIndexOf("/");
    const dir = path.slice(0, slash + 1);
    const base = path.slice(slash + 1);
    const span = { start: d.span.start + 1 + dir.length, end: d.span.end - 1 };
    return didYouMean(base, sources.listKeyDir(doc, path)).map((n) => replacement(doc, d, span, n, `Did you mean "${dir}${n}"?`));
  }
  return [];
}

/** The quick fixes of the diagnostics that touch `range`: each diagnostic's own fix first, then "did you mean" fixes. */
export function codeActions(doc: DocumentSnapshot, diagnostics: readonly DslDiagnostic[], range: Span, sources?: SuggestionSources): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    if (!overlaps(d.span, range)) continue;
    const similar = sources ? suggestions(doc, d, sources) : [];
    // The nearest name is the likely intent: it, not "declare a new one", is the preferred fix.
    if (similar[0]) similar[0].isPreferred = true;
    out.push(...similar);
    if (!d.fix) continue;
    out.push({
      title: d.fix.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [toLspDiagnostic(d, doc.lines, doc.uri)],
      isPreferred: similar.length === 0,
      edit: { changes: { [doc.uri]: toLspEdits(d.fix.edits, doc.lines) } },
    });
  }
  return out;
}

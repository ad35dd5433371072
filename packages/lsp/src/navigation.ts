// Go to definition, find references and validated rename for steps, inspections, functionaries,
// constants and rule sets. Name rules and collisions are the dsl's (`renameProblem`).
import { renameProblem } from "@totem/dsl";
import { type Location, LSPErrorCodes, type Range, ResponseError, type WorkspaceEdit } from "vscode-languageserver";
import type { DocAnalysis } from "./analysis.js";
import type { DocumentSnapshot } from "./documents.js";
import type { Occurrence } from "./symbol-index.js";

/** The declaration of the name at `offset`. */
export function definitionAt(doc: DocumentSnapshot, a: DocAnalysis, offset: number): Location | null {
  const o = a.symbols.at(offset);
  const d = o && a.symbols.declarationOf(o);
  return d ? { uri: doc.uri, range: doc.lines.rangeOf(d.span) } : null;
}

/** Every occurrence of the name at `offset`; declarations only when asked for. */
export function referencesAt(doc: DocumentSnapshot, a: DocAnalysis, offset: number, includeDeclaration: boolean): Location[] {
  const o = a.symbols.at(offset);
  if (!o) return [];
  return a.symbols
    .occurrencesOf(o)
    .filter((x) => includeDeclaration || !x.declaration)
    .map((x) => ({ uri: doc.uri, range: doc.lines.rangeOf(x.span) }));
}

function renamable(a: DocAnalysis, offset: number): { o: Occurrence; decl: Occurrence } {
  const o = a.symbols.at(offset);
  if (!o) throw new ResponseError(LSPErrorCodes.RequestFailed, "Only steps, inspections, functionaries, constants and rule sets can be renamed.");
  const decl = a.symbols.declarationOf(o);
  if (!decl) throw new ResponseError(LSPErrorCodes.RequestFailed, `"${o.name}" is not declared in this file, so it cannot be renamed.`);
  return { o, decl };
}

/** The range and current text of the name that would be renamed. Throws ResponseError when nothing renamable is there. */
export function prepareRenameAt(doc: DocumentSnapshot, a: DocAnalysis, offset: number): { range: Range; placeholder: string } {
  const { o } = renamable(a, offset);
  return { range: doc.lines.rangeOf(o.span), placeholder: o.name };
}

/**
 * The edit renaming every occurrence of the name at `offset`. Throws ResponseError for invalid names
 * (names must match `[A-Za-z_][A-Za-z0-9_.-]*`, so step names stay safe in link file names
 * `<name>.<keyid8>.link`, SPEC-NOTES §5) and for names already taken in the same namespace.
 */
export function renameAt(doc: DocumentSnapshot, a: DocAnalysis, offset: number, newName: string): WorkspaceEdit {
  const { o, decl } = renamable(a, offset);
  const target = a.symbols.table.declarations.find((d) => d.span.start === decl.span.start);
  const problem = target ? renameProblem(a.symbols.table, target, newName) : undefined;
  if (problem) throw new ResponseError(LSPErrorCodes.RequestFailed, problem);
  const edits = a.symbols.occurrencesOf(o).map((x) => ({ range: doc.lines.rangeOf(x.span), newText: newName }));
  return { changes: { [doc.uri]: edits } };
}

// Go to definition, find references and validated rename for steps, inspections, functionaries,
// constants and rule sets.
import { type Location, type Range, ResponseError, type WorkspaceEdit, LSPErrorCodes } from "vscode-languageserver";
import type { DocAnalysis } from "./analysis.js";
import type { DocumentSnapshot } from "./documents.js";
import type { Occurrence } from "./occurrences.js";

/** The declaration of the name at `offset`. */
export function definitionAt(doc: DocumentSnapshot, a: DocAnalysis, offset: number): Location | null {
  const o = a.symbols.at(offset);
  const d = o && a.symbols.declarationOf(o);
  return d ? { uri: doc.uri, range: doc.lines.rangeOf(d.span) } : null;
}

/** Every occurrence of the name at `offset`; the declaration only when asked for. */
export function referencesAt(doc: DocumentSnapshot, a: DocAnalysis, offset: number, includeDeclaration: boolean): Location[] {
  const o = a.symbols.at(offset);
  if (!o || o.kind === "layout") return [];
  return a.symbols
    .occurrencesOf(o)
    .filter((x) => includeDeclaration || !x.declaration)
    .map((x) => ({ uri: doc.uri, range: doc.lines.rangeOf(x.span) }));
}

/** Words the grammar reserves; a name equal to one would not parse back. */
const KEYWORDS = new Set([
  "const", "rules", "layout", "target", "expires", "in", "readme", "functionary", "key", "step", "by", "threshold",
  "expect", "command", "materials", "products", "inspection", "run", "match", "with", "from", "create", "delete",
  "modify", "allow", "disallow", "require", "use",
]);

/**
 * Why `name` cannot be the new name of `o`, or undefined when it can. Names must be identifiers, and
 * step/inspection names end up in link file names `<name>.<keyid8>.link` (SPEC-NOTES §5), so only
 * [A-Za-z0-9._-] is allowed there.
 */
export function renameProblem(a: DocAnalysis, o: Occurrence, name: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) {
    return `"${name}" is not a valid name: start with a letter or "_", then use only letters, digits, "_", "." and "-".`;
  }
  if (KEYWORDS.has(name)) return `"${name}" is a keyword: choose another name.`;
  if (name === o.name) return undefined;
  if (a.symbols.isDeclared(o.kind, name)) {
    const what = o.kind === "inspection" || o.kind === "step" ? "step or inspection" : o.kind === "rules" ? "rule set" : o.kind;
    return `A ${what} named "${name}" already exists: choose a name that is not taken.`;
  }
  return undefined;
}

function renamable(a: DocAnalysis, offset: number): Occurrence {
  const o = a.symbols.at(offset);
  if (!o || o.kind === "layout") throw new ResponseError(LSPErrorCodes.RequestFailed, "Only steps, inspections, functionaries, constants and rule sets can be renamed.");
  if (!a.symbols.declarationOf(o)) throw new ResponseError(LSPErrorCodes.RequestFailed, `"${o.name}" is not declared in this file, so it cannot be renamed.`);
  return o;
}

/** The range and current text of the name that would be renamed (prepareRename). Throws ResponseError when nothing renamable is there. */
export function prepareRenameAt(doc: DocumentSnapshot, a: DocAnalysis, offset: number): { range: Range; placeholder: string } {
  const o = renamable(a, offset);
  return { range: doc.lines.rangeOf(o.span), placeholder: o.name };
}

/** The edit renaming every occurrence of the name at `offset`. Throws ResponseError for invalid or colliding names. */
export function renameAt(doc: DocumentSnapshot, a: DocAnalysis, offset: number, newName: string): WorkspaceEdit {
  const o = renamable(a, offset);
  const problem = renameProblem(a, o, newName);
  if (problem) throw new ResponseError(LSPErrorCodes.RequestFailed, problem);
  const edits = a.symbols.occurrencesOf(o).map((x) => ({ range: doc.lines.rangeOf(x.span), newText: newName }));
  return { changes: { [doc.uri]: edits } };
}

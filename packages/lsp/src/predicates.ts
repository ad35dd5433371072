// Predicate types and CEL field paths in the editor (issue 18): completion of the known predicate
// types inside `attestation "|"`, of CEL field paths inside `check "…"`, and the documentation a hover
// shows for a predicate type or a field path — all read from the engine's one catalog
// (engine/attest/predicate-types.ts).
import { CEL_VARIABLES, PREDICATE_TYPES, type PredicateField, type PredicateType, predicateType } from "@totem/engine";
import { type CompletionItem, CompletionItemKind, type MarkupContent, type Range } from "vscode-languageserver";

/** The documentation of a predicate type, in Markdown: title, what it says, its spec, its top-level fields. */
export function predicateTypeDocs(type: PredicateType): string {
  const lines = [`**${type.title}** — \`${type.uri}\``, "", type.doc, "", `Specification: ${type.specUrl}`];
  if (type.fields) lines.push("", "Fields of `predicate`:", ...type.fields.map((f) => `- \`${f.name}\`${f.kind ? ` (${f.kind})` : ""}: ${f.doc}`));
  else lines.push("", "The predicate is the document itself: its schema is open, so `check` rules on it are not field-checked.");
  return lines.join("\n");
}

/** The hover text of a predicate type URI, when Totem knows it. */
export function predicateTypeHover(uri: string): string | undefined {
  const type = predicateType(uri);
  return type ? predicateTypeDocs(type) : undefined;
}

const markdown = (value: string): MarkupContent => ({ kind: "markdown", value });

/** The known predicate types, inserted inside the quotes (`inString`) or with them. */
export function predicateTypeItems(inString: boolean, replace?: Range): CompletionItem[] {
  return PREDICATE_TYPES.map((type, i) => {
    const text = inString ? type.uri : JSON.stringify(type.uri);
    return {
      label: type.uri,
      kind: CompletionItemKind.EnumMember,
      detail: type.title,
      documentation: markdown(predicateTypeDocs(type)),
      sortText: String(i).padStart(2, "0"),
      ...(replace ? { textEdit: { range: replace, newText: text } } : { insertText: text }),
    };
  });
}

function fieldItem(field: PredicateField, replace: Range): CompletionItem {
  return {
    label: field.name,
    kind: field.kind === "object" || field.kind === "map" ? CompletionItemKind.Module : field.kind === "list" ? CompletionItemKind.Variable : CompletionItemKind.Field,
    detail: field.kind ?? "field",
    documentation: markdown(field.doc),
    textEdit: { range: replace, newText: field.name },
  };
}

/** One step of a CEL path: a name, and whether it was indexed (`materials[0]`). */
const SEGMENT = /^([A-Za-z_][A-Za-z0-9_]*)(\[\d+\])?$/;

/**
 * The fields that may follow `qualifier` (`predicate.buildDefinition`, `subject[0]`, "" for the
 * variables themselves) in a rule about `type`; undefined where the schema does not say (a free map,
 * an open predicate, an unknown name or type).
 */
function fieldsAfter(qualifier: string, type: PredicateType | undefined): readonly PredicateField[] | undefined {
  if (qualifier === "") return CEL_VARIABLES;
  let fields: readonly PredicateField[] | undefined = CEL_VARIABLES;
  for (const segment of qualifier.split(".")) {
    const m = SEGMENT.exec(segment);
    const field: PredicateField | undefined = m ? fields?.find((f) => f.name === m[1]) : undefined;
    if (!field || !m) return undefined;
    // A list's elements have its fields, reached through an index; the list itself has none.
    if (field.kind === "list" && m[2] === undefined) return undefined;
    if (field.kind !== "list" && m[2] !== undefined) return undefined;
    fields = field.name === "predicate" && fields === CEL_VARIABLES ? type?.fields : field.fields;
  }
  return fields;
}

/** The path being typed at the end of a CEL prefix: `predicate.buildDefinition.ext` → qualifier and word. */
const TRAILING_PATH = /(?:^|[^A-Za-z0-9_.\]])((?:[A-Za-z_][A-Za-z0-9_]*(?:\[\d+\])?\.)*)([A-Za-z_][A-Za-z0-9_]*)?$/;

/**
 * Completion inside a `check "…"` string: the CEL variables, and under `predicate.` the fields of the
 * attestation's predicate type (`predicateUri`, resolved by the caller), under `subject[0].` a
 * descriptor's. `prefix` is the rule text up to the cursor; `wordRange` maps the length of the word
 * being typed to the range it replaces. Nothing inside a CEL string literal.
 */
export function celPathItems(prefix: string, predicateUri: string | undefined, wordRange: (length: number) => Range): CompletionItem[] {
  let quotes = 0;
  for (let i = 0; i < prefix.length; i++) {
    if (prefix[i] === "\\") i++;
    else if (prefix[i] === "'") quotes++;
  }
  if (quotes % 2 === 1) return [];
  const m = TRAILING_PATH.exec(prefix);
  if (!m) return [];
  const qualifier = (m[1] ?? "").replace(/\.$/, "");
  const fields = fieldsAfter(qualifier, predicateUri === undefined ? undefined : predicateType(predicateUri));
  const replace = wordRange((m[2] ?? "").length);
  return (fields ?? []).map((f) => fieldItem(f, replace));
}

const PATH_CHAR = /[A-Za-z0-9_.[\]]/;

/**
 * The hover of the CEL field path under `at` in a rule's text (`predicate.buildDefinition.buildType`,
 * up to the word under the cursor), for an attestation of `predicateUri`: the path, its kind and
 * its documentation. Undefined outside a known field.
 */
export function celFieldHover(rule: string, at: number, predicateUri: string | undefined): { text: string; start: number; end: number } | undefined {
  let start = at;
  while (start > 0 && PATH_CHAR.test(rule.charAt(start - 1))) start--;
  let end = at;
  while (end < rule.length && /[A-Za-z0-9_]/.test(rule.charAt(end))) end++;
  const path = rule.slice(start, end);
  const dot = path.lastIndexOf(".");
  const word = path.slice(dot + 1);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(word)) return undefined;
  const fields = fieldsAfter(dot < 0 ? "" : path.slice(0, dot), predicateUri === undefined ? undefined : predicateType(predicateUri));
  const field = fields?.find((f) => f.name === word);
  if (!field) return undefined;
  return { text: `\`${path}\`${field.kind ? ` (${field.kind})` : ""}: ${field.doc}`, start, end };
}

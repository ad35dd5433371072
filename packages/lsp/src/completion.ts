// Completion in context: keywords valid at the cursor, names after `from`/`by`/`use`, constants where
// a string goes, compile targets, key file paths relative to the document, and for attestations the
// known predicate types and CEL field paths (predicates.ts).
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { type CompletionItem, CompletionItemKind, type Range } from "vscode-languageserver";
import { constantResolver } from "@totem/dsl";
import { TARGETS } from "@totem/engine";
import type { DocAnalysis } from "./analysis.js";
import { type CursorContext, cursorContext, type ScanStart } from "./cursor-context.js";
import type { DocumentSnapshot } from "./documents.js";
import { celPathItems, predicateTypeItems } from "./predicates.js";
import { KEYWORD_DOCS } from "./rule-docs.js";
import { uriToPath } from "./uris.js";

const RULE_KINDS = ["match", "create", "delete", "modify", "allow", "disallow", "require", "use"];

/** Statement keywords allowed directly inside each kind of block. */
const BLOCK_KEYWORDS: Record<CursorContext["block"], string[]> = {
  top: ["const", "rules", "layout"],
  layout: ["target", "dsse-payload", "expires", "readme", "functionary", "step", "inspection", "root-cas", "intermediate-cas"],
  step: ["by", "threshold", "expect", "materials", "products", "cert-constraints", "attestation"],
  inspection: ["run", "materials", "products"],
  rules: RULE_KINDS,
  key: ["type", "scheme", "public", "keyid", "hash-algorithms", "private", "certificate", "omit"],
  attestation: ["by", "threshold", "check"],
  sigstore: ["issuer", "identity", "identity-pattern"],
  other: [],
};

/** What may follow `check "…"` on its line, each at most once. */
const CHECK_MODIFIERS = ["warn", "allow-if-absent", "debug"];

/** Words after which a string (so a constant) is expected. */
const STRING_SLOTS = new Set(["create", "delete", "modify", "allow", "disallow", "require", "match", "readme", "run", "command", "=", "[", "type", "scheme", "public", "keyid", "private", "certificate", "issuer", "identity", "identity-pattern", "check", "debug"]);

function keywordItems(words: string[]): CompletionItem[] {
  return words.map((w) => ({
    label: w,
    kind: CompletionItemKind.Keyword,
    ...(KEYWORD_DOCS[w] ? { documentation: KEYWORD_DOCS[w] } : {}),
  }));
}

function nameItems(a: DocAnalysis, kinds: Parameters<DocAnalysis["symbols"]["declared"]>, kind: CompletionItemKind, detail: string): CompletionItem[] {
  return a.symbols.declared(...kinds).map((d) => ({ label: d.name, kind, detail: `${d.kind === "inspection" ? "inspection" : detail}` }));
}

function constItems(a: DocAnalysis): CompletionItem[] {
  return nameItems(a, ["constant"], CompletionItemKind.Constant, "constant");
}

function targetItems(inString: boolean): CompletionItem[] {
  return TARGETS.map((t) => ({
    label: t,
    kind: CompletionItemKind.EnumMember,
    insertText: inString ? t : `"${t}"`,
    documentation: KEYWORD_DOCS.target,
  }));
}

/** Files and folders next to the typed path prefix, relative to the document's folder. */
function keyPathItems(doc: DocumentSnapshot, prefix: string, replace: Range): CompletionItem[] {
  const path = uriToPath(doc.uri);
  if (!path) return [];
  const slash = prefix.lastIndexOf("/");
  const dir = join(dirname(path), prefix.slice(0, slash + 1));
  let entries: { name: string; dir: boolean }[];
  try {
    entries = readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, dir: e.isDirectory() }));
  } catch {
    return [];
  }
  return entries
    .filter((e) => !e.name.startsWith(".") && e.name !== "node_modules")
    .map((e) => ({
      label: e.dir ? `${e.name}/` : e.name,
      kind: e.dir ? CompletionItemKind.Folder : CompletionItemKind.File,
      textEdit: { range: replace, newText: e.dir ? `${e.name}/` : e.name },
      // Key files first, then folders, then everything else.
      sortText: `${/\.(pub|pem|json)$/.test(e.name) ? 0 : e.dir ? 1 : 2}${e.name}`,
      ...(e.dir ? { command: { title: "Suggest", command: "editor.action.triggerSuggest" } } : {}),
    }));
}

function matchContinuation(before: string[]): string[] | undefined {
  const at = before.lastIndexOf("match");
  if (at < 0) return undefined;
  const rest = before.slice(at + 1);
  const last = rest.at(-1);
  const sideAt = rest.lastIndexOf("with");
  if (sideAt < 0) return last === '"' ? ["in", "with"] : undefined;
  const afterSide = rest.slice(sideAt + 1);
  if (afterSide.includes("from")) return undefined;
  if (afterSide.length === 0) return ["materials", "products"];
  return last === '"' || last === "materials" || last === "products" ? ["in", "from"] : undefined;
}

/**
 * Where the scan for the cursor context may start: when the analysis is of this very version, at
 * the step, inspection or rule set around the cursor (so a 5k-line policy is not rescanned from
 * the top on every completion); otherwise at the beginning.
 */
function scanStart(doc: DocumentSnapshot, offset: number, analysis: DocAnalysis): ScanStart | undefined {
  if (analysis.version !== doc.version) return undefined;
  const within = (span: { start: number; end: number }) => span.start < offset && offset <= span.end;
  const layout = analysis.file.layout;
  if (layout && within(layout.span)) {
    const items = layout.items;
    let lo = 0;
    let hi = items.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const item = items[mid] as (typeof items)[number];
      if (item.span.end < offset) lo = mid + 1;
      else if (item.span.start >= offset) hi = mid - 1;
      else return { offset: item.span.start, blocks: ["layout"] };
    }
    return undefined;
  }
  const set = analysis.file.ruleSets.find((r) => within(r.span));
  return set ? { offset: set.span.start, blocks: [] } : undefined;
}

/** The predicate type of the attestation block the cursor is in, a constant resolved through `analysis`. */
function attestationType(ctx: CursorContext, analysis: DocAnalysis): string | undefined {
  const head = ctx.attestation;
  if (!head) return undefined;
  if ("text" in head) return head.text;
  return constantResolver(analysis.file)({ kind: "ref", name: { text: head.constant, span: { start: 0, end: 0 } }, span: { start: 0, end: 0 } });
}

/** After `check "…"` on its line: the modifiers not written yet (`debug` wants a string next). */
function checkModifiers(before: string[]): string[] | undefined {
  if (before[0] !== "check" || before[1] !== '"') return undefined;
  const last = before.at(-1);
  if (last === "debug") return undefined;
  return CHECK_MODIFIERS.filter((m) => !before.includes(m));
}

/** The completion items at `offset` in `doc`; names come from `analysis` (possibly of an earlier version). */
export function completionsAt(doc: DocumentSnapshot, offset: number, analysis: DocAnalysis): CompletionItem[] {
  const ctx = cursorContext(doc.text, offset, scanStart(doc, offset, analysis));
  if (ctx.inComment) return [];
  const prev = ctx.before.at(-1);
  if (ctx.string) {
    if (prev === "key") {
      const prefix = ctx.string.prefix;
      const from = ctx.string.start + prefix.lastIndexOf("/") + 1;
      return keyPathItems(doc, prefix, doc.lines.rangeOf({ start: from, end: offset }));
    }
    if (prev === "target") return targetItems(true);
    if (prev === "attestation") return predicateTypeItems(true, doc.lines.rangeOf({ start: ctx.string.start, end: offset }));
    if (prev === "check" && ctx.block === "attestation") {
      return celPathItems(ctx.string.prefix, attestationType(ctx, analysis), (length) => doc.lines.rangeOf({ start: offset - length, end: offset }));
    }
    return [];
  }
  if (prev === "from") {
    // A rule cannot usefully match against its own step (lint match-from-self): leave it out.
    return nameItems(analysis, ["step", "inspection"], CompletionItemKind.Function, "step").filter((i) => i.label !== ctx.item);
  }
  if (prev === "by" || (prev === "," && ctx.before[0] === "by")) {
    return nameItems(analysis, ["functionary"], CompletionItemKind.Variable, "functionary");
  }
  if (prev === "use") return nameItems(analysis, ["rule-set"], CompletionItemKind.Module, "rule set");
  if (prev === "target") return targetItems(false);
  if (prev === "attestation") return [...predicateTypeItems(false), ...constItems(analysis)];
  if (ctx.block === "attestation") {
    const modifiers = checkModifiers(ctx.before);
    if (modifiers) return keywordItems(modifiers);
  }
  if (ctx.before[0] === "functionary" && ctx.before.length === 2) return keywordItems(["key", "sigstore"]);
  if (prev === "expect") return keywordItems(["command"]);
  if (prev === "with") return keywordItems(["materials", "products"]);
  if (ctx.block === "rules") {
    const cont = matchContinuation(ctx.before);
    if (cont) return keywordItems(cont);
    if (prev === "in") return constItems(analysis);
  }
  if (prev !== undefined && STRING_SLOTS.has(prev)) return constItems(analysis);
  if (prev === "in" || (prev === "," && ctx.before.includes("["))) return constItems(analysis);
  if (prev === "functionary" || prev === "step" || prev === "inspection" || prev === "const" || prev === "rules") return [];
  if (prev === "threshold" || prev === "layout") return [];
  return keywordItems(BLOCK_KEYWORDS[ctx.block]);
}

// Hover: functionary → key type and keyid under each target, or a Sigstore identity; step →
// functionaries, threshold and the steps that consume its artifacts; rule → what it does in in-toto
// terms; predicate type → its documentation (predicates.ts); diagnostic → its code's docs.
import { constantResolver, type Diagnostic, type FunctionaryDecl, type InspectionDecl, type PolicyFile, type RuleNode, type StepDecl, type StringExpr } from "@totem/dsl";
import type { Hover } from "vscode-languageserver";
import type { DocAnalysis } from "./analysis.js";
import type { DocumentSnapshot } from "./documents.js";
import { celFieldHover, predicateTypeHover } from "./predicates.js";
import { KEYWORD_DOCS, RULE_DOCS } from "./rule-docs.js";

/** What the server can say about a functionary's key (read through the key-file cache). */
export interface KeyHoverInfo {
  /** e.g. `ed25519` / `ed25519` scheme. */
  keytype?: string;
  scheme?: string;
  /** keyid per compile target. */
  keyids?: { target: string; keyid: string }[];
  /** Why the key could not be read or parsed. */
  problem?: string;
}

/** Provides key information for a functionary declared in `doc`. */
export type KeyInfoProvider = (doc: DocumentSnapshot, functionary: string) => KeyHoverInfo | undefined;

/** Provides the documentation paragraph of a diagnostic code. */
export type CodeDocsProvider = (code: string) => string | undefined;

function exprText(e: StringExpr | undefined): string {
  if (!e) return "…";
  return e.kind === "string" ? JSON.stringify(e.value) : e.name.text;
}

/** A rule as written, in one line. */
export function writtenRule(r: RuleNode): string {
  switch (r.kind) {
    case "use":
      return `use ${r.name.text}`;
    case "match": {
      let s = `match ${exprText(r.pattern)}`;
      if (r.sourcePrefix) s += ` in ${exprText(r.sourcePrefix)}`;
      s += ` with ${r.destinationType ?? "…"}`;
      if (r.destinationPrefix) s += ` in ${exprText(r.destinationPrefix)}`;
      return `${s} from ${r.from?.text ?? "…"}`;
    }
    default:
      return `${r.kind} ${exprText(r.pattern)}`;
  }
}

type Item = StepDecl | InspectionDecl;

function itemNamed(file: PolicyFile, name: string): Item | undefined {
  return file.layout?.items.find((i) => i.name.text === name);
}

/** Every `match … from NAME` in the other items, as "item (side)". */
function consumersOf(file: PolicyFile, name: string): string[] {
  const out: string[] = [];
  for (const item of file.layout?.items ?? []) {
    for (const block of [item.materials, item.products]) {
      for (const r of block?.rules ?? []) {
        if (r.kind === "match" && r.from?.text === name) out.push(`\`${item.name.text}\` ${block?.side} ← ${r.destinationType ?? "?"}`);
      }
    }
  }
  return out;
}

function commandText(item: Item): string | undefined {
  const cmd = item.kind === "step" ? item.command : item.run;
  if (!cmd) return undefined;
  // A string command shows as written (split later, like a shell); a list shows as its strings.
  if (cmd.form === "string" && cmd.parts[0]?.kind === "string") return cmd.parts[0].value;
  return `[${cmd.parts.map(exprText).join(", ")}]`;
}

function itemHover(file: PolicyFile, item: Item): string {
  const lines = [`**${item.kind}** \`${item.name.text}\``];
  if (item.kind === "step") {
    lines.push(`- signed by: ${item.by.map((b) => `\`${b.text}\``).join(", ") || "nobody yet"}`);
    lines.push(`- threshold: ${item.threshold?.value ?? 1} of ${item.by.length}`);
  }
  const cmd = commandText(item);
  if (cmd) lines.push(`- ${item.kind === "step" ? "expected command" : "runs"}: \`${cmd}\``);
  lines.push(`- materials rules: ${item.materials?.rules.length ?? 0}, products rules: ${item.products?.rules.length ?? 0}`);
  const consumers = consumersOf(file, item.name.text);
  lines.push(consumers.length > 0 ? `- matched by: ${consumers.join("; ")}` : "- no `match … from` refers to it");
  return lines.join("\n");
}

/** What a keyless functionary is: its issuer and identity (exact or a pattern), and what that means. */
function sigstoreLines(decl: FunctionaryDecl): string[] {
  const lines = ["- keyless: a Sigstore identity, checked offline against a trusted root (target \"ite-10\")"];
  for (const item of decl.sigstore?.items ?? []) {
    const value = exprText(item.value);
    if (item.kind === "issuer") lines.push(`- OIDC issuer (exact): ${value}`);
    else if (item.kind === "identity") lines.push(`- certificate identity (SAN, exact): ${value}`);
    else lines.push(`- certificate identity pattern: ${value} — \`*\` is any run of characters other than \`/\`; the whole SAN must match`);
  }
  return lines;
}

/** The steps a functionary signs: by `by` (links), and by attestation blocks (named with their predicate types). */
function signedSteps(file: PolicyFile, name: string): string[] {
  const resolve = constantResolver(file);
  const out: string[] = [];
  for (const step of file.layout?.steps ?? []) {
    const types = (step.attestations ?? []).filter((a) => a.by.some((b) => b.text === name)).map((a) => resolve(a.predicateType) ?? "…");
    const links = step.by.some((b) => b.text === name);
    if (types.length === 0) {
      if (links) out.push(`\`${step.name.text}\``);
    } else out.push(`\`${step.name.text}\` (${[...(links ? ["links"] : []), ...types].join(", ")})`);
  }
  return out;
}

function functionaryHover(doc: DocumentSnapshot, file: PolicyFile, name: string, keys: KeyInfoProvider): string {
  const decl = file.layout?.functionaries.find((f) => f.name.text === name);
  const lines = [`**functionary** \`${name}\``];
  if (decl?.sigstore) {
    lines.push(...sigstoreLines(decl));
    const steps = signedSteps(file, name);
    lines.push(steps.length > 0 ? `- signs: ${steps.join(", ")}` : "- signs no step");
    return lines.join("\n");
  }
  if (decl?.key?.kind === "file" && decl.key.fingerprint !== undefined) lines.push(`- GPG key ${exprText(decl.key.fingerprint)} from keyring ${exprText(decl.key.path)}`);
  else if (decl?.key?.kind === "file") lines.push(`- key file: ${exprText(decl.key.path)}`);
  else if (decl?.key?.kind === "inline") lines.push("- inline key");
  const info = keys(doc, name);
  if (info?.problem) lines.push(`- key problem: ${info.problem}`);
  if (info?.keytype) lines.push(`- key type: ${info.keytype}${info.scheme ? ` (scheme ${info.scheme})` : ""}`);
  // Targets that compute the same keyid (in-toto-1.3 and in-toto-golang) share one line.
  const byKeyid = new Map<string, string[]>();
  for (const k of info?.keyids ?? []) byKeyid.set(k.keyid, [...(byKeyid.get(k.keyid) ?? []), k.target]);
  for (const [keyid, targets] of byKeyid) lines.push(`- keyid (${targets.join(", ")}): \`${keyid}\``);
  const steps = signedSteps(file, name);
  lines.push(steps.length > 0 ? `- signs: ${steps.join(", ")}` : "- signs no step");
  return lines.join("\n");
}

function ruleAt(file: PolicyFile, offset: number): RuleNode | undefined {
  const lists: RuleNode[][] = file.ruleSets.map((s) => s.rules);
  for (const item of file.layout?.items ?? []) {
    if (item.materials) lists.push(item.materials.rules);
    if (item.products) lists.push(item.products.rules);
  }
  for (const rules of lists) for (const r of rules) if (r.span.start <= offset && offset < r.span.end) return r;
  return undefined;
}

/** The CEL field path under `offset` in a `check` string, with its documentation and span. */
function celFieldAt(doc: DocumentSnapshot, file: PolicyFile, offset: number): { text: string; start: number; end: number } | undefined {
  const resolve = constantResolver(file);
  for (const step of file.layout?.steps ?? []) {
    for (const a of step.attestations ?? []) {
      for (const c of a.checks) {
        const rule = c.rule;
        if (rule?.kind !== "string" || offset <= rule.span.start || offset >= rule.span.end - 1) continue;
        // The rule as written (CEL paths hold no escapes), so offsets in it are the document's.
        const from = rule.span.start + 1;
        const found = celFieldHover(doc.text.slice(from, rule.span.end - 1), offset - from, resolve(a.predicateType));
        return found && { text: found.text, start: from + found.start, end: from + found.end };
      }
    }
  }
  return undefined;
}

/** The predicate type string literal of an attestation block under `offset`. */
function predicateLiteralAt(file: PolicyFile, offset: number): StringExpr | undefined {
  for (const step of file.layout?.steps ?? []) {
    for (const a of step.attestations ?? []) {
      const t = a.predicateType;
      if (t?.kind === "string" && t.span.start <= offset && offset < t.span.end) return t;
    }
  }
  return undefined;
}

function diagnosticsAt(diags: readonly Diagnostic[], offset: number): Diagnostic[] {
  return diags.filter((d) => d.span.start <= offset && (offset < d.span.end || (d.span.start === d.span.end && offset === d.span.end)));
}

/** Whether the end of a line prefix is inside a comment or a string (strings never span lines). */
function inCommentOrString(linePrefix: string): boolean {
  let inString = false;
  for (let i = 0; i < linePrefix.length; i++) {
    const c = linePrefix[i];
    if (inString && c === "\\") i++;
    else if (c === '"') inString = !inString;
    else if (c === "#" && !inString) return true;
  }
  return inString;
}

/** The keyword under `offset`, with its span, when the word there is one. */
function keywordAt(text: string, offset: number): { word: string; start: number; end: number } | undefined {
  const isWord = (i: number) => /[A-Za-z-]/.test(text.charAt(i));
  let start = offset;
  while (start > 0 && isWord(start - 1)) start--;
  let end = offset;
  while (end < text.length && isWord(end)) end++;
  const word = text.slice(start, end);
  return Object.hasOwn(KEYWORD_DOCS, word) ? { word, start, end } : undefined;
}

/**
 * The hover at `offset`, or null when there is nothing to say. `diagnostics` are the document's
 * published ones (analysis and key problems); each under the cursor adds its code's documentation.
 */
export function hoverAt(
  doc: DocumentSnapshot,
  a: DocAnalysis,
  diagnostics: readonly Diagnostic[],
  offset: number,
  keys: KeyInfoProvider,
  codeDocs: CodeDocsProvider,
): Hover | null {
  const parts: string[] = [];
  const o = a.symbols.at(offset);
  const decl = o && (a.symbols.declarationOf(o) ?? o);
  let range = o ? doc.lines.rangeOf(o.span) : undefined;
  if (decl) {
    if (decl.kind === "functionary") parts.push(functionaryHover(doc, a.file, decl.name, keys));
    else if (decl.kind === "step" || decl.kind === "inspection") {
      const item = itemNamed(a.file, decl.name);
      if (item) parts.push(itemHover(a.file, item));
    } else if (decl.kind === "constant") {
      const c = a.file.consts.find((k) => k.name.text === decl.name);
      if (c?.param === true) {
        const given = `given at compile time: \`--param ${decl.name}=…\``;
        parts.push(`**param** \`${decl.name}\` — ${given}${c.value === undefined ? " (required: no default)" : `; default ${exprText(c.value)}`}`);
      } else parts.push(`**constant** \`${decl.name}\` = ${exprText(c?.value)}`);
      const predicate = predicateTypeHover(constantResolver(a.file)(c?.value) ?? "");
      if (predicate) parts.push(predicate);
    } else if (decl.kind === "rule-set") {
      const set = a.file.ruleSets.find((s) => s.name.text === decl.name);
      parts.push([`**rule set** \`${decl.name}\``, "```totem", ...(set?.rules ?? []).map(writtenRule), "```"].join("\n"));
    }
    if (!a.symbols.declarationOf(o)) parts.push(`\`${o.name}\` is not declared.`);
  } else {
    const rule = ruleAt(a.file, offset);
    const keyword = keywordAt(doc.text, offset);
    const predicate = predicateLiteralAt(a.file, offset);
    const predicateDocs = predicate?.kind === "string" ? predicateTypeHover(predicate.value) : undefined;
    const field = celFieldAt(doc, a.file, offset);
    if (predicate && predicateDocs) {
      parts.push(predicateDocs);
      range = doc.lines.rangeOf(predicate.span);
    } else if (field) {
      parts.push(field.text);
      range = doc.lines.rangeOf(field);
    } else if (rule) {
      parts.push(`\`${writtenRule(rule)}\`\n\n${RULE_DOCS[rule.kind]}`);
      range = doc.lines.rangeOf(rule.span);
    } else if (keyword && !inCommentOrString(doc.text.slice(doc.lines.lineStart(doc.lines.positionAt(offset).line), keyword.start))) {
      parts.push(`\`${keyword.word}\`: ${KEYWORD_DOCS[keyword.word]}`);
      range = doc.lines.rangeOf(keyword);
    }
  }
  for (const d of diagnosticsAt(diagnostics, offset)) {
    const docs = codeDocs(d.code);
    parts.push(`**${d.code}** (${d.severity})${docs ? `: ${docs}` : ""}`);
  }
  if (parts.length === 0) return null;
  return { contents: { kind: "markdown", value: parts.join("\n\n---\n\n") }, ...(range ? { range } : {}) };
}

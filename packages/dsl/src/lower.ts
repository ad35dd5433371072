// Lowering: a checked policy → the engine's in-toto Layout model, which serializes to exactly the
// field sets in-toto 1.3.1 signs (SPEC-NOTES §13). Pure: key files arrive as text through `readKey`,
// the clock through `now`. Choices (documented in docs/language.md, "Semantics"):
// - `layout.keys` holds every declared functionary, used or not, so that an imported layout lowers
//   back to the same bytes; `unused-functionary` warns about the unused ones.
// - the target comes from `opts.target` or the policy's `target`; both given and different is the
//   error `target-mismatch`; neither gives "in-toto-1.3".
// - rule sets are spliced in place and constants substituted before anything is emitted.
import {
  type ArtifactRule,
  type ArtifactSide,
  type CertConstraint,
  type Inspection,
  keyidFor,
  type Layout,
  parsePublicKey,
  type PublicKey,
  type Step,
  type Target,
  TARGETS,
  usesKeyidHashAlgorithms,
} from "@totem/engine";
import { type Analysis, type AnalyzeOptions, analyze, checkContext, semanticChecks, sortDiagnostics } from "./analyze.js";
import { ITE10 } from "./attest/target.js";
import type { CaBlock, CertConstraintsBlock, CommandExpr, FunctionaryDecl, KeyFileRef, KeyLiteral, LayoutDecl, PolicyFile, StringExpr } from "./ast.js";
import type { CheckContext, ItemRules } from "./checks/context.js";
import { addDuration, formatExpiry } from "./checks/expiry-date.js";
import { CONSTRAINT_FIELDS } from "./checks/golang-fields.js";
import { isKeyidOnly } from "./checks/inline-key.js";
import { diagnostic } from "./codes.js";
import { splitCommand } from "./command-split.js";
import type { Diagnostic, Span } from "./diagnostic.js";
import { collectSymbols } from "./symbols.js";

/** What lowering needs from its caller. */
export interface LowerOptions {
  /** The text of a key file, by the path written in the policy; undefined when it cannot be read. */
  readKey(path: string): string | undefined;
  /** The clock relative expiries (`expires in 180d`) resolve against. */
  now: Date;
  /** The target asked for by the caller (e.g. `--target`); see `compileTarget`. */
  target?: Target;
  /** Values of the policy's `param` declarations (`--param NAME=value`); a param without one takes its default. */
  params?: Readonly<Record<string, string>>;
  /**
   * The OpenPGP key `fingerprint` from the keyring file or GnuPG home `path` (as written in
   * `key gpg "FINGERPRINT" from "path"`, relative to the policy): the key, a message saying why it
   * is not there (unknown fingerprint, not a keyring), or undefined when `path` cannot be read.
   * Reading keyrings is asynchronous (openpgp), so callers resolve `gpgKeyRefs` first. Without it,
   * such functionaries are `key-unreadable`. A caller that reads in the background (the language
   * server) answers null while the key is not read yet: no diagnostic, and no layout is made (a
   * layout without that key must never be previewed or signed); it lowers again once it has read it.
   */
  readGpgKey?(path: string, fingerprint: string): PublicKey | string | undefined | null;
}

/** Where each part of the layout comes from, for mapping verification failures back to source. */
export interface SourceMap {
  /** Step or inspection name → the span of its name in the declaration. */
  items: Record<string, Span>;
  /**
   * `${item}/${side}/${index}` (index into the emitted rule list) → the rule in the item's block,
   * or the `use` that spliced it in from a rule set.
   */
  rules: Record<string, Span>;
}

/** The outcome of lowering. */
export interface LowerResult {
  /** The layout; undefined when any error was reported or a keyring key is not read yet (readGpgKey answered null). */
  layout?: Layout;
  /** The target the layout (and its keyids) was made for. */
  target: Target;
  /**
   * Semantic errors (the same as `analyze` reports, without quick fixes) and lowering errors
   * (`key-unreadable`, `key-invalid`, `target-mismatch`, `invalid-date`), sorted by offset.
   */
  diagnostics: Diagnostic[];
  sourceMap: SourceMap;
  /** Functionary name → the keyid of its key (key functionaries whose key lowered; first declaration wins). */
  keyids?: Record<string, string>;
}

/** The default target when neither the caller nor the policy names one. */
export const DEFAULT_TARGET: Target = "in-toto-1.3";

/**
 * The target to compile for: the caller's, else the policy's `target`, else in-toto-1.3. A caller's
 * target that contradicts the policy's is an error, never a silent override: the keyids of the
 * functionaries' tools depend on it (SPEC-NOTES §4.3).
 */
export function compileTarget(layout: LayoutDecl | undefined, requested?: Target): { target: Target; diagnostic?: Diagnostic } {
  const written = layout?.target;
  // "ite-10" names no in-toto target: its layouts lower through in-toto-1.3 keyids (attest/lower-attestations.ts).
  const named = written !== undefined && ((TARGETS as readonly string[]).includes(written.value) || written.value === ITE10) ? written.value : undefined;
  const known = named === ITE10 ? undefined : (named as Target | undefined);
  if (requested === undefined) return { target: known ?? DEFAULT_TARGET };
  if (written === undefined || named === undefined || known === requested) return { target: requested };
  return {
    target: requested,
    diagnostic: diagnostic(
      "target-mismatch",
      written.span,
      `The policy targets "${named}" but "${requested}" was requested: change the policy's \`target\`, or compile without --target.`,
    ),
  };
}

class Lowerer {
  readonly diagnostics: Diagnostic[] = [];
  readonly sourceMap: SourceMap = { items: {}, rules: {} };
  /** functionary name → keyid (first declaration wins, as for name resolution). */
  readonly keyids = new Map<string, string>();
  /** Whether a keyring key is not read yet (LowerOptions.readGpgKey answered null): no layout. */
  pendingKeys = false;

  constructor(
    private readonly ctx: CheckContext,
    private readonly opts: LowerOptions,
    private readonly target: Target,
  ) {}

  str(expr: StringExpr | undefined): string {
    return this.ctx.value(expr) ?? "";
  }

  key(f: FunctionaryDecl): PublicKey | undefined {
    const key = f.key;
    if (key === undefined) return undefined;
    if (key.kind === "inline") return this.inlineKey(key);
    if (key.gpgSpan !== undefined) return this.gpgKey(f, key);
    if (key.path === undefined) return undefined;
    const path = this.str(key.path);
    let text: string | undefined;
    try {
      text = this.opts.readKey(path);
    } catch {
      // A reader that throws (a caller's I/O error) means the same as one that returns undefined.
      text = undefined;
    }
    if (text === undefined) {
      this.diagnostics.push(diagnostic("key-unreadable", key.path.span, `The key file "${path}" of functionary "${f.name.text}" cannot be read: check the path (it is relative to the policy).`));
      return undefined;
    }
    const parsed = parsePublicKey(text);
    if (!parsed.ok) {
      this.diagnostics.push(diagnostic("key-invalid", key.path.span, `"${path}" is not a usable public key: ${parsed.error.message}`));
      return undefined;
    }
    return parsed.value.toLayoutKey(this.target);
  }

  /** `key gpg "FINGERPRINT" from "path"`: the key the caller read from that keyring (LowerOptions.readGpgKey). */
  gpgKey(f: FunctionaryDecl, key: KeyFileRef): PublicKey | undefined {
    if (key.path === undefined || key.fingerprint === undefined) return undefined;
    const path = this.str(key.path);
    const fingerprint = this.str(key.fingerprint);
    const where = { start: key.fingerprint.span.start, end: key.path.span.end };
    if (this.opts.readGpgKey === undefined) {
      const message = `The GPG key ${fingerprint} of functionary "${f.name.text}" is in the keyring "${path}", which this tool does not read: compile with totem, or write the key once with \`totem gpg-key ${fingerprint} --from ${path} -o KEY.gpg.json\` and name that file.`;
      this.diagnostics.push(diagnostic("key-unreadable", where, message));
      return undefined;
    }
    const found = this.opts.readGpgKey(path, fingerprint);
    if (found === null) {
      this.pendingKeys = true;
      return undefined;
    }
    if (found === undefined) {
      this.diagnostics.push(diagnostic("key-unreadable", key.path.span, `The keyring "${path}" of functionary "${f.name.text}" cannot be read: check the path (it is relative to the policy).`));
      return undefined;
    }
    if (typeof found === "string") {
      this.diagnostics.push(diagnostic("key-invalid", where, `GPG key ${fingerprint} from "${path}": ${found}`));
      return undefined;
    }
    return found;
  }

  /** An inline key as written; keyid and keyid_hash_algorithms default per target (SPEC-NOTES §4.3, §13.5). */
  inlineKey(lit: KeyLiteral): PublicKey {
    const fields = this.fieldValues(lit.fields);
    const text = (name: string): string => {
      const v = fields.get(name);
      return typeof v === "string" ? v : "";
    };
    const body = { keytype: text("type"), scheme: text("scheme"), keyval: { public: text("public") } };
    const written = fields.get("keyid");
    const key: PublicKey = { keyid: typeof written === "string" ? written : keyidFor(body, this.target), ...body };
    const algorithms = fields.get("hash-algorithms");
    const omit = fields.get("omit");
    const omitted = (field: string) => Array.isArray(omit) && omit.includes(field);
    if (Array.isArray(algorithms)) key.keyid_hash_algorithms = algorithms;
    else if (usesKeyidHashAlgorithms(this.target) && !omitted("hash-algorithms")) key.keyid_hash_algorithms = ["sha256", "sha512"];
    // Neither changes the keyid: securesystemslib hashes only `keyval.public` (SPEC-NOTES §4.3).
    if (fields.get("private") === "") key.keyval.private = "";
    const certificate = fields.get("certificate");
    if (typeof certificate === "string") key.keyval.certificate = certificate;
    // `omit ["keyid"]`: the object is written without its own keyid; `keyid` stays its identity.
    if (omitted("keyid")) key.keyidAbsent = true;
    return key;
  }

  /** The values of key or constraint fields by name (the first of a repeated field wins). */
  fieldValues(list: readonly { name: { text: string }; value?: StringExpr | { kind: "list"; items: StringExpr[] } }[]): Map<string, string | string[]> {
    const fields = new Map<string, string | string[]>();
    for (const field of list) {
      if (fields.has(field.name.text) || field.value === undefined) continue;
      fields.set(field.name.text, field.value.kind === "list" ? field.value.items.map((i) => this.str(i)) : this.str(field.value));
    }
    return fields;
  }

  /** `root-cas { … }` / `intermediate-cas { … }` → `rootcas` / `intermediatecas` (in-toto-golang). */
  caKeys(block: CaBlock): Record<string, PublicKey> {
    const out: Record<string, PublicKey> = {};
    for (const entry of block.entries) {
      if (entry.key?.kind !== "inline") continue;
      const key = this.inlineKey(entry.key);
      out[key.keyid] = key;
    }
    return out;
  }

  /** `cert-constraints { constraint { … } … }` → a step's `cert_constraints` (in-toto-golang). */
  certConstraints(block: CertConstraintsBlock): CertConstraint[] {
    return block.constraints.map((c) => {
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of this.fieldValues(c.fields)) {
        const json = CONSTRAINT_FIELDS[name]?.json;
        if (json !== undefined) out[json] = value;
      }
      return out as CertConstraint;
    });
  }

  keys(layout: LayoutDecl): Record<string, PublicKey> {
    const keys: Record<string, PublicKey> = {};
    for (const f of layout.functionaries) {
      if (this.keyids.has(f.name.text)) continue;
      const key = this.key(f);
      if (key === undefined) continue;
      this.keyids.set(f.name.text, key.keyid);
      // A keyid-only functionary is named in `pubkeys` but has no entry in `keys`.
      if (f.key?.kind === "inline" && isKeyidOnly(f.key)) continue;
      keys[key.keyid] = key;
    }
    return keys;
  }

  command(cmd: CommandExpr | undefined): string[] {
    if (cmd === undefined) return [];
    if (cmd.form === "list") return cmd.parts.map((p) => this.str(p));
    const split = splitCommand(this.str(cmd.parts[0]));
    return split.ok ? split.value : [];
  }

  rules(entry: ItemRules): ArtifactRule[] {
    return entry.rules.map(({ rule, site }, index) => {
      this.sourceMap.rules[`${entry.item.name.text}/${entry.side}/${index}`] = site;
      const pattern = this.str(rule.pattern);
      if (rule.kind !== "match") return { type: rule.kind, pattern };
      const out: ArtifactRule = { type: "match", pattern, destinationType: rule.destinationType ?? "products", destinationName: rule.from?.text ?? "" };
      if (rule.sourcePrefix !== undefined) out.sourcePrefix = this.str(rule.sourcePrefix);
      if (rule.destinationPrefix !== undefined) out.destinationPrefix = this.str(rule.destinationPrefix);
      return out;
    });
  }

  expires(layout: LayoutDecl): string {
    const clause = layout.expires;
    if (clause === undefined) return "";
    if (clause.kind === "absolute") return this.str(clause.value);
    const text = formatExpiry(addDuration(this.opts.now, clause));
    if (text !== undefined) return text;
    this.diagnostics.push(diagnostic("invalid-date", clause.span, `"expires in ${clause.text}" lies beyond the year 9999: choose a shorter duration.`));
    return "";
  }

  layout(layout: LayoutDecl): Layout {
    const keys = this.keys(layout);
    const lists = new Map<string, ItemRules>();
    for (const entry of this.ctx.itemRules) lists.set(`${entry.position}/${entry.side}`, entry);
    const side = (position: number, s: ArtifactSide): ArtifactRule[] => {
      const entry = lists.get(`${position}/${s}`);
      return entry === undefined ? [] : this.rules(entry);
    };
    const steps: Step[] = [];
    const inspect: Inspection[] = [];
    layout.items.forEach((item, position) => {
      const name = item.name.text;
      this.sourceMap.items[name] = item.name.span;
      if (item.kind === "step") {
        const step: Step = {
          _type: "step",
          name,
          threshold: item.threshold?.value ?? 1,
          pubkeys: item.by.map((b) => this.keyids.get(b.text)).filter((k): k is string => k !== undefined),
          expected_command: this.command(item.command),
          expected_materials: side(position, "materials"),
          expected_products: side(position, "products"),
        };
        if (item.certConstraints !== undefined) step.cert_constraints = this.certConstraints(item.certConstraints);
        steps.push(step);
      } else {
        inspect.push({
          _type: "inspection",
          name,
          run: this.command(item.run),
          expected_materials: side(position, "materials"),
          expected_products: side(position, "products"),
        });
      }
    });
    const out: Layout = { _type: "layout", expires: this.expires(layout), readme: this.str(layout.readme), keys, steps, inspect };
    if (layout.rootCas !== undefined) out.rootcas = this.caKeys(layout.rootCas);
    if (layout.intermediateCas !== undefined) out.intermediatecas = this.caKeys(layout.intermediateCas);
    return out;
  }
}

/**
 * Lowers an analyzed policy to an in-toto layout: the analysis' symbols and diagnostics are used as
 * they are — no check runs again. The result's diagnostics are lowering's own only (phase "lower":
 * key files, target); `mergeDiagnostics` adds them to the analysis'. `layout` is present only when
 * neither has an error and no keyring key is pending. `keysOnly` lowers just what those diagnostics depend on — constants, target
 * and functionaries — which is all the editor needs on each keystroke. Never throws.
 */
export function lowerAnalysis(analysis: Pick<Analysis, "file" | "symbols" | "diagnostics">, opts: LowerOptions & { keysOnly?: boolean }): LowerResult {
  const file = opts.keysOnly ? keysOnly(analysis.file) : analysis.file;
  try {
    // The lowerer reads constants and expanded rules through the check context; no check runs here.
    const ctx = checkContext("", file, analysis.symbols, [], opts.params === undefined ? {} : { params: opts.params }, []);
    const { target, diagnostic: mismatch } = compileTarget(file.layout, opts.target);
    const lowerer = new Lowerer(ctx, opts, target);
    const layout = file.layout === undefined ? undefined : lowerer.layout(file.layout);
    // The editor lowers keysOnly without values: a param without one is an error only where a layout is made.
    const unset = opts.keysOnly ? [] : missingParams(file, opts.params);
    const diagnostics = sortDiagnostics([...(mismatch ? [mismatch] : []), ...lowerer.diagnostics, ...unset]);
    const result: LowerResult = { target, diagnostics, sourceMap: lowerer.sourceMap, keyids: Object.fromEntries(lowerer.keyids) };
    const failed = [...analysis.diagnostics, ...diagnostics].some((d) => d.severity === "error");
    if (layout !== undefined && !opts.keysOnly && !failed && !lowerer.pendingKeys) result.layout = layout;
    return result;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const span = file.layout?.span ?? file.span;
    return {
      target: opts.target ?? DEFAULT_TARGET,
      diagnostics: [{ code: "internal-error", severity: "error", message: `Lowering failed unexpectedly (${message}); please report this with the file.`, span: { start: span.start, end: span.start } }],
      sourceMap: { items: {}, rules: {} },
    };
  }
}

/** `missing-param` for each param that has neither a value in `params` nor a default. */
function missingParams(file: PolicyFile, params: Readonly<Record<string, string>> | undefined): Diagnostic[] {
  return file.consts
    .filter((c) => c.param === true && c.name.text !== "" && c.value === undefined && !(params !== undefined && Object.hasOwn(params, c.name.text)))
    .map((c) =>
      diagnostic(
        "missing-param",
        c.name.span,
        `The param ${c.name.text} has no value: compile with --param ${c.name.text}=… (or give it a default: param ${c.name.text} = "…").`,
      ),
    );
}

/** The part of a file lowering's own diagnostics depend on: constants, target and functionaries. */
function keysOnly(file: PolicyFile): PolicyFile {
  const layout = file.layout;
  return { ...file, ruleSets: [], ...(layout ? { layout: { ...layout, steps: [], inspections: [], items: [] } } : {}) };
}

/** The analysis' diagnostics and lowering's own, in one sorted list (the two never overlap). */
export function mergeDiagnostics(analysis: readonly Diagnostic[], lowered: Pick<LowerResult, "diagnostics">): Diagnostic[] {
  return lowered.diagnostics.length === 0 ? [...analysis] : sortDiagnostics([...analysis, ...lowered.diagnostics]);
}

/**
 * Lowers a parsed policy that has no analysis yet (e.g. import's round-trip check): the semantic
 * checks run once here (not the lints), then `lowerAnalysis`. Its diagnostics are the checks' and
 * lowering's own. It cannot see syntax errors: lower only a file `parse` reported clean, or use
 * `compilePolicy`. Never throws.
 */
export function lower(file: PolicyFile, opts: LowerOptions): LowerResult {
  const symbols = collectSymbols(file);
  const checked = semanticChecks(file, symbols).map(withoutFix);
  const lowered = lowerAnalysis({ file, symbols, diagnostics: checked }, opts);
  return { ...lowered, diagnostics: mergeDiagnostics(checked, lowered) };
}

function withoutFix(d: Diagnostic): Diagnostic {
  if (d.fix === undefined) return d;
  const { fix: _fix, ...rest } = d;
  return rest;
}

/** What `compilePolicy` returns: the analysis, and the lowering when the analysis found no error. */
export interface CompileResult extends LowerResult {
  /** Syntax, semantic and lint diagnostics of the text (the same as `analyze`). */
  analysis: Analysis;
}

/**
 * Parses, analyzes and lowers a policy text: the one call `totem compile` and the editor preview
 * need. `diagnostics` holds the analysis' diagnostics (lints included) plus the lowering's own;
 * `layout` is present only when none of them is an error. Never throws.
 */
export function compilePolicy(text: string, opts: LowerOptions & AnalyzeOptions): CompileResult {
  const analysis = analyze(text, opts);
  const lowered = lowerAnalysis(analysis, opts);
  const diagnostics = mergeDiagnostics(analysis.diagnostics, lowered);
  const result: CompileResult = { analysis, target: lowered.target, diagnostics, sourceMap: lowered.sourceMap, ...(lowered.keyids ? { keyids: lowered.keyids } : {}) };
  if (lowered.layout !== undefined) result.layout = lowered.layout;
  return result;
}

// Lowering for target "ite-10": a checked policy → the engine's AttestationLayout (attestation-verifier's
// model), which the engine's attestationLayoutToYaml writes. Keys, expiry, constants, rule sets and
// artifact rules are lowered once, by `lowerAnalysis` (keyids as in-toto 1.3 computes them, with
// keyIDHashAlgorithms, as in-toto-golang and attestation-verifier's own layouts do); this adds what an
// attestation layout has beyond an in-toto one (docs/attestations.md):
// - a sigstore functionary is `keyID: NAME` with its identity (or identity pattern) and issuer;
// - a step's own `by` and `threshold` expect a link: predicate type link/v0.3, before its blocks;
// - each `attestation` block is an expected predicate, its `check`s the expected attributes;
// - `expect command` is the step's command as written (a list is joined with spaces).
import {
  type AttestationLayout,
  type AttestationStep,
  type EnvelopeKey,
  type ExpectedPredicate,
  functionaryKeyProblem,
  isGpgKey,
  type Layout,
  ruleToLayoutString,
  type SigstoreIdentity,
  type Step,
} from "@totem/engine";
import { type Analysis, type AnalyzeOptions, analyze } from "../analyze.js";
import type { AttestationBlock, LayoutDecl, PolicyFile, StepDecl, StringExpr } from "../ast.js";
import { constantResolver } from "../checks/context.js";
import { diagnostic } from "../codes.js";
import type { Diagnostic } from "../diagnostic.js";
import { type LowerOptions, type LowerResult, lowerAnalysis, mergeDiagnostics } from "../lower.js";
import { LINK_PREDICATE } from "./target.js";

/** The outcome of lowering for target "ite-10". */
export interface AttestationLowerResult {
  /** The attestation layout; undefined when any error was reported. */
  layout?: AttestationLayout;
  /** Lowering's own diagnostics (key files, params, rules an attestation layout cannot write). */
  diagnostics: Diagnostic[];
  /** Key functionary name → its keyID in the layout (in-toto 1.3 keyids); keyless ones are named by their own name. */
  keyids?: Record<string, string>;
}

class AttestationLowerer {
  readonly diagnostics: Diagnostic[] = [];
  private readonly ids = new Map<string, string>();

  constructor(
    private readonly value: (e: StringExpr | undefined) => string | undefined,
    keyids: Record<string, string>,
    private readonly lowered: LowerResult & { layout: Layout },
  ) {
    for (const [name, keyid] of Object.entries(keyids)) this.ids.set(name, keyid);
  }

  str(e: StringExpr | undefined): string {
    return this.value(e) ?? "";
  }

  identities(layout: LayoutDecl): Map<string, SigstoreIdentity> {
    const out = new Map<string, SigstoreIdentity>();
    for (const f of layout.functionaries) {
      const name = f.name.text;
      if (f.sigstore === undefined || this.ids.has(name)) continue;
      const item = (kind: string) => f.sigstore?.items.find((i) => i.kind === kind);
      const pattern = item("identity-pattern");
      out.set(name, { identity: this.str((item("identity") ?? pattern)?.value), issuer: this.str(item("issuer")?.value), pattern: pattern !== undefined && item("identity") === undefined });
      this.ids.set(name, name);
    }
    return out;
  }

  functionaries(by: StepDecl["by"]): string[] {
    return by.map((b) => this.ids.get(b.text)).filter((id): id is string => id !== undefined);
  }

  block(a: AttestationBlock): ExpectedPredicate {
    return {
      predicateType: this.str(a.predicateType),
      functionaries: this.functionaries(a.by),
      threshold: a.threshold?.value ?? 1,
      expectedAttributes: a.checks.map((c) => ({
        rule: this.str(c.rule),
        allowIfNoClaim: c.allowIfAbsent !== undefined,
        warn: c.warn !== undefined,
        ...(c.debug !== undefined ? { debug: this.str(c.debug) } : {}),
      })),
    };
  }

  rules(step: Step, side: "materials" | "products"): string[] {
    const list = side === "materials" ? step.expected_materials : step.expected_products;
    return list.map((rule, i) => {
      const text = ruleToLayoutString(rule);
      if (text !== undefined) return text;
      const span = this.lowered.sourceMap.rules[`${step.name}/${side}/${i}`] ?? { start: 0, end: 0 };
      this.diagnostics.push(diagnostic("ite-10-unsupported", span, "An attestation layout writes a rule as words separated by spaces, so a pattern or prefix cannot hold a space: match the path with * instead."));
      return "";
    });
  }

  /**
   * Reports key functionaries whose key an attestation layout cannot hold (the engine's reader
   * would refuse the layout): a keyid without a key, OpenPGP keys, key types Totem does not verify,
   * keyids that are not the key's.
   */
  checkKeys(layout: LayoutDecl, functionaries: ReadonlyMap<string, EnvelopeKey>): void {
    for (const f of layout.functionaries) {
      const keyid = this.ids.get(f.name.text);
      if (keyid === undefined || f.key === undefined) continue;
      const key = functionaries.get(keyid);
      const lowered = Object.hasOwn(this.lowered.layout.keys, keyid) ? this.lowered.layout.keys[keyid] : undefined;
      const problem =
        key === undefined || lowered === undefined
          ? "it has a keyid but no key, and an attestation layout holds the key of every functionary it names."
          : isGpgKey(lowered)
            ? "it is an OpenPGP key, and attestation layouts hold ed25519, rsa and ecdsa keys."
            : functionaryKeyProblem(key);
      if (problem === undefined) continue;
      this.diagnostics.push(diagnostic("ite-10-unsupported", f.key.span, `The key of functionary "${f.name.text}" has no place in an ITE-10 attestation layout: ${problem} Give the functionary another key.`));
    }
  }

  step(decl: StepDecl, step: Step): AttestationStep {
    const predicates: ExpectedPredicate[] = [];
    if (decl.by.length > 0) predicates.push({ predicateType: LINK_PREDICATE, functionaries: this.functionaries(decl.by), threshold: decl.threshold?.value ?? 1, expectedAttributes: [] });
    for (const a of decl.attestations ?? []) predicates.push(this.block(a));
    const command = decl.command;
    return {
      name: step.name,
      ...(command === undefined ? {} : { command: command.parts.map((p) => this.str(p)).join(" ") }),
      expectedMaterials: this.rules(step, "materials"),
      expectedProducts: this.rules(step, "products"),
      expectedPredicates: predicates,
    };
  }
}

/**
 * Lowers an analyzed policy to an attestation layout (target "ite-10"): the analysis is used as it
 * is. `layout` is present only when neither the analysis nor lowering reported an error. Never throws.
 */
export function lowerAttestations(analysis: Pick<Analysis, "file" | "symbols" | "diagnostics">, opts: LowerOptions): AttestationLowerResult {
  // No requested target: the policy's "ite-10" lowers keys as in-toto-1.3 does (compileTarget).
  const { target: _target, ...rest } = opts;
  const lowered = lowerAnalysis(analysis, rest);
  const out: AttestationLowerResult = { diagnostics: lowered.diagnostics, ...(lowered.keyids === undefined ? {} : { keyids: lowered.keyids }) };
  const file: PolicyFile = analysis.file;
  const layout = lowered.layout;
  if (layout === undefined || file.layout === undefined) return out;
  const lowerer = new AttestationLowerer(constantResolver(file, opts.params), lowered.keyids ?? {}, { ...lowered, layout });
  const functionaries = new Map<string, EnvelopeKey>(
    Object.values(layout.keys).map((k) => [k.keyid, { keyid: k.keyid, keytype: k.keytype, scheme: k.scheme, keyval: { public: k.keyval.public } }]),
  );
  lowerer.checkKeys(file.layout, functionaries);
  const identities = lowerer.identities(file.layout);
  const steps = file.layout.steps.map((decl, i) => lowerer.step(decl, layout.steps[i] as Step));
  out.diagnostics = [...out.diagnostics, ...lowerer.diagnostics];
  if (lowerer.diagnostics.length === 0) out.layout = { expires: layout.expires, functionaries, identities, steps };
  return out;
}

/** What `compileAttestationPolicy` returns: the analysis, and the attestation layout when nothing is an error. */
export interface AttestationCompileResult extends AttestationLowerResult {
  analysis: Analysis;
}

/**
 * Parses, analyzes and lowers a policy for target "ite-10": `diagnostics` holds the analysis' (lints
 * included) and lowering's own; `layout` is present only when none of them is an error. Never throws.
 */
export function compileAttestationPolicy(text: string, opts: LowerOptions & AnalyzeOptions): AttestationCompileResult {
  const analysis = analyze(text, opts);
  const lowered = lowerAttestations(analysis, opts);
  const result: AttestationCompileResult = { analysis, diagnostics: mergeDiagnostics(analysis.diagnostics, lowered) };
  if (lowered.layout !== undefined && !result.diagnostics.some((d) => d.severity === "error")) result.layout = lowered.layout;
  return result;
}

// `totem import` of an ITE-10/11 attestation layout (attestation-verifier's YAML, parsed by the
// engine): the AttestationLayout model → a `.totem` policy with `target "ite-10"` that compiles back
// to the same model, checked before the source is handed out (the compiled layout, written by the
// engine's one YAML writer, must equal the original's: the writer is deterministic and writes every
// field of the model, so equal bytes mean an equal model). What the language cannot say — names
// that are not Totem names, rule strings written differently than Totem writes them — is reported.
import {
  type AttestationLayout,
  type AttestationStep,
  attestationLayoutToYaml,
  type CelSyntaxCheck,
  type ExpectedPredicate,
  keyidFor,
  type Layout,
  ruleFromLayoutString,
  ruleToLayoutString,
} from "@totem/engine";
import { splitCommand } from "../command-split.js";
import { ruleSource } from "../import/emit-source.js";
import type { ImportIssue } from "../import/issues.js";
import { functionaryNames, isTotemName } from "../import/names.js";
import { quoteString } from "../string-literal.js";
import { compileAttestationPolicy } from "./lower-attestations.js";
import { ITE10, LINK_PREDICATE } from "./target.js";

/** Options of `importAttestationLayout`. */
export interface AttestationImportOptions {
  /** The layout's name in `layout "…"` (an attestation layout has none; default "imported"). */
  name?: string;
  /** The CEL parser (engine `celParser()`), so the round-trip check sees what `totem compile` sees. */
  celSyntax?: CelSyntaxCheck;
}

/** What `importAttestationLayout` produces. */
export interface AttestationImportResult {
  /** The policy source (formatted as `totem fmt` writes it). */
  source: string;
  /** Errors: the policy would not compile back to the same layout. */
  issues: ImportIssue[];
}

const I = "  ";

class Emitter {
  readonly issues: ImportIssue[] = [];
  /** keyID → functionary name. */
  readonly names = new Map<string, string>();

  constructor(private readonly layout: AttestationLayout) {
    // Key names as `totem import` names an in-toto layout's keys (`<step>_signer`, `key_<keyid8>`).
    const pubkeys = (s: AttestationStep) => s.expectedPredicates.flatMap((p) => p.functionaries.filter((id) => layout.functionaries.has(id)));
    const keys = Object.fromEntries([...layout.functionaries].map(([id, k]) => [id, { ...k, keyval: { ...k.keyval } }]));
    const steps = layout.steps.map((s) => ({ _type: "step" as const, name: s.name, threshold: 1, pubkeys: pubkeys(s), expected_command: [], expected_materials: [], expected_products: [] }));
    const asLayout: Layout = { _type: "layout", expires: layout.expires, readme: "", keys, steps, inspect: [] };
    for (const [id, name] of functionaryNames(asLayout)) if (layout.functionaries.has(id)) this.names.set(id, name);
    for (const label of layout.identities.keys()) {
      this.name(label, `$.functionaries[${JSON.stringify(label)}]`, "functionary");
      this.names.set(label, label);
    }
  }

  name(text: string, path: string, what: string): void {
    if (isTotemName(text)) return;
    this.issues.push({
      code: "import-name",
      severity: "error",
      message: `The ${what} name ${JSON.stringify(text)} cannot be written in Totem (names are [A-Za-z_][A-Za-z0-9_.-]*); rename it in the layout first.`,
      path,
    });
  }

  functionaries(): string[] {
    const out: string[] = [];
    for (const [id, key] of this.layout.functionaries) {
      const body = { keytype: key.keytype, scheme: key.scheme, keyval: { public: key.keyval.public } };
      // Totem lowers inline keys with in-toto 1.3 keyids; a modern keyid is kept as written.
      const keyid = keyidFor(body, "in-toto-1.3") === id ? [] : [`${I}${I}keyid ${quoteString(id)}`];
      out.push(
        `${I}functionary ${this.names.get(id)} key {`,
        `${I}${I}type ${quoteString(key.keytype)}`,
        `${I}${I}scheme ${quoteString(key.scheme)}`,
        `${I}${I}public ${quoteString(key.keyval.public)}`,
        ...keyid,
        `${I}}`,
      );
    }
    for (const [label, identity] of this.layout.identities) {
      out.push(
        `${I}functionary ${label} sigstore {`,
        `${I}${I}issuer ${quoteString(identity.issuer)}`,
        `${I}${I}${identity.pattern ? "identity-pattern" : "identity"} ${quoteString(identity.identity)}`,
        `${I}}`,
      );
    }
    return out;
  }

  signers(p: ExpectedPredicate, indent: string): string[] {
    return [`${indent}by ${p.functionaries.map((id) => this.names.get(id) ?? id).join(", ")}`, ...(p.threshold !== 1 ? [`${indent}threshold ${p.threshold}`] : [])];
  }

  attestation(p: ExpectedPredicate): string[] {
    const checks = p.expectedAttributes.map((a) => {
      const modifiers = [a.warn ? " warn" : "", a.allowIfNoClaim ? " allow-if-absent" : "", a.debug !== undefined ? ` debug ${quoteString(a.debug)}` : ""].join("");
      return `${I}${I}${I}check ${quoteString(a.rule)}${modifiers}`;
    });
    return [`${I}${I}attestation ${quoteString(p.predicateType)} {`, ...this.signers(p, `${I}${I}${I}`), ...checks, `${I}${I}}`];
  }

  rules(side: "materials" | "products", list: readonly string[], path: string): string[] {
    if (list.length === 0) return [];
    const out: string[] = [];
    list.forEach((text, i) => {
      const parsed = ruleFromLayoutString(text);
      const at = `${path}[${i}]`;
      if (!parsed.ok) {
        this.issues.push({ code: "import-attestation-rule", severity: "error", message: `The rule ${JSON.stringify(text)} cannot be written as it is: ${parsed.error}.`, path: at });
        return;
      }
      const written = ruleToLayoutString(parsed.value);
      if (written !== text) {
        const why = `Totem writes it as ${JSON.stringify(written ?? "")}`;
        this.issues.push({ code: "import-attestation-rule", severity: "error", message: `The rule ${JSON.stringify(text)} cannot be written as it is: ${why}.`, path: at });
      } else if (parsed.value.type === "match") this.name(parsed.value.destinationName, at, "MATCH destination");
      // A rule that reads is written even when its string differs (same verdict, other bytes): --allow-lossy never drops one.
      out.push(ruleSource(parsed.value));
    });
    return [`${I}${I}${side} {`, ...out.map((r) => `${I}${I}${I}${r}`), `${I}${I}}`];
  }

  step(s: AttestationStep, index: number): string[] {
    const path = `$.steps[${index}]`;
    this.name(s.name, `${path}.name`, "step");
    const [first, ...rest] = s.expectedPredicates;
    // A link expectation without attribute rules is what a step's own `by` compiles to.
    const own = first !== undefined && first.predicateType === LINK_PREDICATE && first.expectedAttributes.length === 0;
    const command = s.command;
    const commandText = command === undefined ? undefined : splitCommand(command).ok ? quoteString(command) : `[${quoteString(command)}]`;
    return [
      `${I}step ${s.name} {`,
      ...(own ? this.signers(first, `${I}${I}`) : []),
      ...(commandText !== undefined ? [`${I}${I}expect command ${commandText}`] : []),
      ...(own ? rest : s.expectedPredicates).flatMap((p) => this.attestation(p)),
      ...this.rules("materials", s.expectedMaterials, `${path}.expectedMaterials`),
      ...this.rules("products", s.expectedProducts, `${path}.expectedProducts`),
      `${I}}`,
    ];
  }
}

/**
 * An attestation layout as a `.totem` policy (target "ite-10"), with a round-trip check: errors
 * mean the policy would not compile back to the same layout. Never throws.
 */
export function importAttestationLayout(layout: AttestationLayout, options: AttestationImportOptions = {}): AttestationImportResult {
  const e = new Emitter(layout);
  const steps = layout.steps.flatMap((s, i) => ["", ...e.step(s, i)]);
  const lines = [
    "# Imported from an ITE-10/11 attestation layout (in-toto/attestation-verifier's format) by `totem import`.",
    "# `totem compile` writes it back; attestation layouts are not signed.",
    `layout ${quoteString(options.name ?? "imported")} {`,
    `${I}target "${ITE10}"`,
    `${I}expires ${quoteString(layout.expires)}`,
    "",
    ...e.functionaries(),
    ...steps,
    "}",
  ];
  const source = `${lines.join("\n")}\n`;
  const issues = e.issues;
  if (issues.length > 0) return { source, issues };
  const back = compileAttestationPolicy(source, { readKey: () => undefined, now: new Date(0), ...(options.celSyntax ? { celSyntax: options.celSyntax } : {}) });
  if (back.layout === undefined || attestationLayoutToYaml(back.layout) !== attestationLayoutToYaml(layout)) {
    const why = back.diagnostics.find((d) => d.severity === "error");
    issues.push({
      code: "import-round-trip",
      severity: "error",
      message: `The policy written does not compile back to the same layout${why === undefined ? "" : ` (${why.code}: ${why.message})`}.`,
      path: "$",
    });
  }
  return { source, issues };
}

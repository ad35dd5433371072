// Verification of attestations against an ITE-10/11 layout, in attestation-verifier's order
// (its verifier.Verify): 1. expiry, 2. parameters (the caller substitutes them before this), 3. keys,
// 4. claims from the attestation files, 5. per step in layout order: claims exist; per expected
// predicate, claims by distinct listed functionaries reach the threshold; each claim passes the
// step's artifact rules and the predicate's attribute rules; enough claims pass.
// Sigstore bundles are claims of sigstore-oidc functionaries, verified offline against a trusted root
// by the same code as `totem verify-bundle`. Classic links (Metablock or DSSE) are claims of the link
// predicate v0.3, loaded and signature-checked by the link verifier's own code (link-evidence.ts).
// Stricter than the prototype (docs/attestations.md): an attestation for a layout step that no
// functionary verifies fails the run instead of being skipped, and so does an attestation file
// that cannot be read; the Statement's `_type` is checked; CEL results must be booleans.
import type { ArtifactDict, ArtifactRule, HashDict, JsonValue, LinkArtifacts } from "../model.js";
import { artifactRecord } from "../verify/artifact-dict.js";
import { verifyItemRules } from "../verify/artifact-rules.js";
import { evaluateRule } from "./cel-rules.js";
import { parseAttestJson } from "./attest-error.js";
import { type Evidence, loadEvidence, verifyEnvelopeWithKeys } from "./evidence.js";
import type { AttestationLayout, ExpectedPredicate } from "./layout.js";
import { ruleFromLayoutString } from "./layout-rules.js";
import { identityMatches } from "./identity-pattern.js";
import { linkSigners } from "./link-evidence.js";
import { LINK_PREDICATE_V03 } from "./link-statement.js";
import { checkRuleFields, predicateType } from "./predicate-types.js";
import { verifySigstoreBundle } from "./sigstore-bundle.js";
import type { ResourceDescriptor, Statement } from "./statement.js";

/** One attestation file: its name (the step is read from it) and bytes. */
export interface AttestationFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** Why verification failed, or what deserves a look: the step and file concerned, and a sentence. */
export interface AttestationFinding {
  readonly code: string;
  readonly message: string;
  readonly step?: string;
  readonly file?: string;
  /** The expected predicate type concerned, for findings about one (thresholds, attribute rules). */
  readonly predicateType?: string;
}

/** The verdict: passed when there are no failures; warnings never fail. */
export interface AttestationVerdict {
  readonly passed: boolean;
  readonly failures: readonly AttestationFinding[];
  readonly warnings: readonly AttestationFinding[];
  /** The claims each step accepted: functionary keyID and file, per predicate type. */
  readonly accepted: readonly { readonly step: string; readonly predicateType: string; readonly signer: string; readonly file: string }[];
}

/** A signed claim: one Statement, by one functionary, for one step. */
interface Claim {
  readonly step: string;
  readonly signer: string;
  readonly file: string;
  readonly statement: Statement;
}

/**
 * The step an attestation file is for (attestation-verifier's rule): drop a trailing `.json` (or
 * `.link`, a classic link's extension), then everything from the last `.` — `build.fe1c6281.json` →
 * `build`, `package.2f89b927.link` → `package`, `a.b.x.json` → `a.b`, and a name without another dot
 * gives "" (no step).
 */
export function stepOfFile(name: string): string {
  const stem = name.endsWith(".json") || name.endsWith(".link") ? name.slice(0, -5) : name;
  const dot = stem.lastIndexOf(".");
  return dot < 0 ? "" : stem.slice(0, dot);
}

/** Go's path.Clean (attestation-verifier cleans artifact names and patterns with it). */
export function cleanPath(path: string): string {
  if (path === "") return ".";
  const rooted = path.startsWith("/");
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(part);
  }
  const joined = out.join("/");
  return rooted ? `/${joined}` : joined || ".";
}

function descriptors(value: JsonValue | undefined): ResourceDescriptor[] {
  if (!Array.isArray(value)) return [];
  return value.filter((d): d is JsonValue & ResourceDescriptor => typeof d === "object" && d !== null && !Array.isArray(d)) as ResourceDescriptor[];
}

/**
 * Descriptors as an artifact dict keyed by cleaned name. Built with Object.fromEntries (own
 * properties), so an artifact named "__proto__" is an artifact like any other, never a prototype.
 */
function dict(list: readonly ResourceDescriptor[]): ArtifactDict {
  return Object.fromEntries(
    list.map((d) => {
      const digest = typeof d.digest === "object" && d.digest !== null ? Object.fromEntries(Object.entries(d.digest).filter(([, v]) => typeof v === "string")) : {};
      return [cleanPath(typeof d.name === "string" ? d.name : ""), digest as HashDict];
    }),
  );
}

/**
 * Materials and products of a claim by predicate type (attestation-verifier's table): links and
 * SLSA provenance have both; every other predicate's subjects are its materials.
 */
export function claimArtifacts(statement: Statement): LinkArtifacts {
  const p = statement.predicate;
  switch (statement.predicateType) {
    case LINK_PREDICATE_V03:
      return { materials: dict(descriptors(p.materials)), products: dict(statement.subject) };
    case "https://slsa.dev/provenance/v1": {
      const def = p.buildDefinition;
      const deps = typeof def === "object" && def !== null && !Array.isArray(def) ? def.resolvedDependencies : undefined;
      return { materials: dict(descriptors(deps)), products: dict(statement.subject) };
    }
    case "https://slsa.dev/provenance/v0.2":
      return {
        materials: dict(descriptors(p.materials).map((m) => ({ ...m, name: typeof m.uri === "string" ? m.uri : "" }))),
        products: dict(statement.subject),
      };
    default:
      return { materials: dict(statement.subject), products: {} };
  }
}

function parseRules(strings: readonly string[]): { rules: ArtifactRule[]; error?: string } {
  const rules: ArtifactRule[] = [];
  for (const text of strings) {
    const parsed = ruleFromLayoutString(text);
    if (!parsed.ok) return { rules, error: `artifact rule "${text}": ${parsed.error}` };
    const r = parsed.value;
    rules.push(r.type === "require" ? r : { ...r, pattern: cleanPath(r.pattern) });
  }
  return { rules };
}

/** What verification trusts beyond the layout itself. */
export interface AttestationTrust {
  /** A Sigstore `trusted_root.json` (parsed JSON), needed for bundles signed by sigstore-oidc functionaries. */
  readonly trustedRoot?: JsonValue;
}

/**
 * The sigstore-oidc functionaries that signed a bundle: verified offline against the trusted root by
 * the one bundle verifier (sigstore-bundle.ts), then its identity compared exactly with each.
 */
async function bundleSigners(layout: AttestationLayout, bytes: Uint8Array, trust: AttestationTrust): Promise<{ signers: string[] } | { problem: string }> {
  if (layout.identities.size === 0) return { problem: "it is a Sigstore bundle, and the layout has no sigstore-oidc functionaries" };
  if (trust.trustedRoot === undefined) return { problem: "it is a Sigstore bundle: give a trusted root (--trusted-root) to verify it" };
  const json = parseAttestJson(bytes, "bundle");
  if (!json.ok) return { problem: json.error.message };
  const verified = await verifySigstoreBundle(json.value, trust.trustedRoot, { anyCertificateIdentity: true }, undefined);
  if (!verified.ok) return { problem: verified.error.message };
  const { identity, issuer } = verified.value;
  const signers = [...layout.identities]
    .filter(([, who]) => identity !== undefined && (who.pattern ? identityMatches(who.identity, identity) : who.identity === identity) && who.issuer === issuer)
    .map(([id]) => id);
  return signers.length > 0 ? { signers } : { problem: `it was signed by ${identity ?? "a key"} (issuer ${issuer ?? "none"}), who is no functionary of the layout` };
}

async function loadClaims(layout: AttestationLayout, files: readonly AttestationFile[], failures: AttestationFinding[], trust: AttestationTrust): Promise<Claim[]> {
  const steps = new Set(layout.steps.map((s) => s.name));
  const keys = [...layout.functionaries.values()];
  const byTriple = new Map<string, Claim>();
  for (const file of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const step = stepOfFile(file.name);
    const loaded: Awaited<ReturnType<typeof loadEvidence>> = await loadEvidence(file.bytes);
    if (!loaded.ok) {
      failures.push({ code: "attestation-unreadable", message: `${file.name}: ${loaded.error.message} (at ${loaded.error.path})`, file: file.name, ...(step ? { step } : {}) });
      continue;
    }
    const evidence: Evidence = loaded.value;
    if (!steps.has(step)) continue; // claims for steps the layout does not name are ignored, unverified
    if (evidence.kind === "bundle-message") {
      failures.push({ code: "attestation-kind", message: `${file.name}: a message-signature bundle carries no in-toto Statement.`, file: file.name, step });
      continue;
    }
    let signers: string[];
    if (evidence.kind === "bundle") {
      const found = await bundleSigners(layout, file.bytes, trust);
      if ("problem" in found) {
        failures.push({ code: "attestation-signature", message: `${file.name}: ${found.problem}.`, file: file.name, step });
        continue;
      }
      signers = found.signers;
    } else if (evidence.kind === "link") {
      signers = linkSigners(evidence, keys);
    } else {
      signers = verifyEnvelopeWithKeys(evidence.envelope, keys);
    }
    if (signers.length === 0) {
      failures.push({ code: "attestation-signature", message: `${file.name}: no functionary of the layout signed it (bad signature or unknown key).`, file: file.name, step });
      continue;
    }
    // A link (attestation or classic) names its step: it cannot be filed under another (the prototype does not check).
    const named = evidence.statement.predicateType === LINK_PREDICATE_V03 ? evidence.statement.predicate.name : undefined;
    if (typeof named === "string" && named !== step) {
      const what = evidence.kind === "link" ? "link" : "link attestation";
      failures.push({ code: "attestation-step-mismatch", message: `${file.name}: the ${what} is for step "${named}", not "${step}".`, file: file.name, step });
      continue;
    }
    for (const signer of signers) {
      byTriple.set(JSON.stringify([step, signer, evidence.statement.predicateType]), { step, signer, file: file.name, statement: evidence.statement });
    }
  }
  return [...byTriple.values()];
}

/** The union of a step's claims' artifacts (later files overwrite earlier ones, as in the prototype). */
function stepArtifacts(claims: readonly Claim[]): Map<string, LinkArtifacts> {
  const out = new Map<string, { materials: Record<string, HashDict>; products: Record<string, HashDict> }>();
  for (const c of claims) {
    const a = claimArtifacts(c.statement);
    const entry = out.get(c.step) ?? { materials: {}, products: {} };
    // Spreads define own properties (Object.assign would call the __proto__ setter).
    out.set(c.step, { materials: { ...entry.materials, ...artifactRecord(a.materials) }, products: { ...entry.products, ...artifactRecord(a.products) } });
  }
  return out as Map<string, LinkArtifacts>;
}

async function checkClaim(claim: Claim, step: AttestationLayout["steps"][number], expected: ExpectedPredicate, all: Map<string, LinkArtifacts>): Promise<{ errors: string[]; warnings: string[] }> {
  const errors: string[] = [];
  const warnings: string[] = [];
  const links = new Map(all);
  links.set(step.name, claimArtifacts(claim.statement));
  for (const [side, strings] of [["materials", step.expectedMaterials], ["products", step.expectedProducts]] as const) {
    const { rules, error } = parseRules(strings);
    if (error) {
      errors.push(error);
      continue;
    }
    for (const f of verifyItemRules(step.name, side, rules, links)) errors.push(`${side}: ${f.message}`);
  }
  for (const a of expected.expectedAttributes) {
    const outcome = await evaluateRule(a.rule, claim.statement);
    const why = a.debug ? `${a.debug} (${a.rule})` : `rule '${a.rule}'`;
    switch (outcome.kind) {
      case "true":
        break;
      case "false":
        (a.warn ? warnings : errors).push(`${why} is false`);
        break;
      case "missing-field":
        if (!a.allowIfNoClaim) errors.push(`${why} reads a field the claim does not have (${outcome.message}); set allowIfNoClaim if that is allowed`);
        break;
      case "error":
        errors.push(`${why}: ${outcome.message}`);
        break;
    }
  }
  return { errors, warnings };
}

/**
 * Verifies attestation files against a layout (parameters already substituted) at `now`. Never
 * rejects: every problem is a finding in the verdict.
 */
export async function verifyAttestations(layout: AttestationLayout, files: readonly AttestationFile[], now: Date, trust: AttestationTrust = {}): Promise<AttestationVerdict> {
  const failures: AttestationFinding[] = [];
  const warnings: AttestationFinding[] = [];
  const accepted: AttestationVerdict["accepted"][number][] = [];
  const done = () => ({ passed: failures.length === 0, failures, warnings, accepted });
  if (Date.parse(layout.expires) <= now.getTime()) {
    failures.push({ code: "layout-expired", message: `The layout expired at ${layout.expires}.` });
    return done();
  }
  for (const step of layout.steps) {
    for (const expected of step.expectedPredicates) {
      const type = predicateType(expected.predicateType);
      for (const a of expected.expectedAttributes) {
        const unknown = checkRuleFields(a.rule, expected.predicateType);
        for (const u of unknown.ok ? unknown.value : []) {
          warnings.push({
            code: "attribute-unknown-field",
            message: `Rule '${a.rule}' reads ${u.path}, which ${type?.title ?? expected.predicateType} does not define (known here: ${u.known.join(", ")}).`,
            step: step.name,
            predicateType: expected.predicateType,
          });
        }
      }
    }
  }
  const claims = await loadClaims(layout, files, failures, trust);
  if (failures.length > 0) return done();
  const artifacts = stepArtifacts(claims);
  for (const step of layout.steps) {
    const mine = claims.filter((c) => c.step === step.name);
    if (mine.length === 0) {
      failures.push({ code: "step-no-claims", message: `No attestations found for step ${step.name}.`, step: step.name });
      continue;
    }
    for (const expected of step.expectedPredicates) {
      const candidates = mine.filter((c) => c.statement.predicateType === expected.predicateType && expected.functionaries.includes(c.signer));
      if (candidates.length < expected.threshold) {
        failures.push({
          code: "step-threshold",
          message: `Step ${step.name} needs ${expected.threshold} ${expected.predicateType} attestation(s) by its functionaries; found ${candidates.length}.`,
          step: step.name,
          predicateType: expected.predicateType,
        });
        continue;
      }
      const reasons: string[] = [];
      let passing = 0;
      for (const claim of candidates) {
        const { errors, warnings: w } = await checkClaim(claim, step, expected, artifacts);
        for (const message of w) warnings.push({ code: "attribute-warning", message: `${claim.file}: ${message}`, step: step.name, file: claim.file, predicateType: expected.predicateType });
        if (errors.length === 0) {
          passing++;
          accepted.push({ step: step.name, predicateType: expected.predicateType, signer: claim.signer, file: claim.file });
        } else {
          reasons.push(...errors.map((e) => `${claim.file}: ${e}`));
        }
      }
      if (passing < expected.threshold) {
        failures.push({
          code: "step-claims-failed",
          message: `Step ${step.name} (${expected.predicateType}): ${passing} of ${expected.threshold} required attestation(s) pass. ${reasons.join("; ")}`,
          step: step.name,
          predicateType: expected.predicateType,
        });
      }
    }
  }
  return done();
}

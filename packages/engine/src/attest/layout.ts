// ITE-10/11 attestation layouts in attestation-verifier's YAML format (its verifier/models.go field
// names): expires, functionaries (keys by keyID), steps with expected materials/products and
// expected predicates (types, functionaries, threshold, CEL attribute rules). Read strictly where the
// prototype is lax: unknown fields, unknown key types, keyIDs that are not the key's, and sections
// it parses but never evaluates (subjects, inspections) are refused instead of ignored.
import { keyidFor } from "../keyid.js";
import type { JsonValue } from "../model.js";
import { ok, type Result } from "../result.js";
import { type AttestError, fail, isObject } from "./attest-error.js";
import type { EnvelopeKey } from "./evidence.js";
import { identityPatternProblem } from "./identity-pattern.js";
import { yamlLib } from "./libraries.js";

/** One CEL constraint on a claim (ITE-11 expectedAttributes). */
export interface ExpectedAttribute {
  readonly rule: string;
  /** A rule that reads a field the claim does not have is skipped instead of failing. */
  readonly allowIfNoClaim: boolean;
  /** A false result is a warning, not a failure. */
  readonly warn: boolean;
  /** Message used instead of the default when the rule fails. */
  readonly debug?: string;
}

/** What a step expects of one predicate type. */
export interface ExpectedPredicate {
  readonly predicateType: string;
  /** keyIDs allowed to make the claim. */
  readonly functionaries: readonly string[];
  /** Distinct functionaries whose claims must pass (absent or 0 in the file: 1). */
  readonly threshold: number;
  readonly expectedAttributes: readonly ExpectedAttribute[];
}

/** A step: its name (the attestation file names' stem), artifact rules and expected predicates. */
export interface AttestationStep {
  readonly name: string;
  readonly command?: string;
  readonly expectedMaterials: readonly string[];
  readonly expectedProducts: readonly string[];
  readonly expectedPredicates: readonly ExpectedPredicate[];
}

/**
 * A keyless functionary: a Fulcio certificate's SAN — exact, or an identity pattern
 * (identity-pattern.ts) when `pattern` — and its OIDC issuer, compared exactly.
 */
export interface SigstoreIdentity {
  readonly identity: string;
  readonly issuer: string;
  readonly pattern: boolean;
}

/** A parsed attestation layout. */
export interface AttestationLayout {
  readonly expires: string;
  /** Functionary keys by keyID. */
  readonly functionaries: ReadonlyMap<string, EnvelopeKey>;
  /** Keyless functionaries (`keyType: sigstore-oidc`, `scheme: fulcio`) by their keyID label. */
  readonly identities: ReadonlyMap<string, SigstoreIdentity>;
  readonly steps: readonly AttestationStep[];
}

type Obj = { [key: string]: JsonValue };

function fields(value: Obj, allowed: readonly string[], path: string): Result<void, AttestError> {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) return fail("layout-field", `Unknown field "${key}" (expected one of ${allowed.join(", ")}).`, `${path}.${key}`);
  }
  return ok(undefined);
}

function stringList(value: JsonValue | undefined, path: string): Result<string[], AttestError> {
  if (value === undefined || value === null) return ok([]);
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) return fail("layout-shape", "Expected a list of strings.", path);
  return ok(value as string[]);
}

const KEY_TYPES: ReadonlySet<string> = new Set(["ed25519", "rsa", "ecdsa"]);

function isVerifiedKeyType(keyType: unknown): keyType is string {
  return typeof keyType === "string" && KEY_TYPES.has(keyType);
}

function keyTypeMessage(keyType: unknown): string {
  return `keyType ${JSON.stringify(keyType)} is not one Totem verifies (ed25519, rsa, ecdsa, sigstore-oidc); the prototype drops such keys silently.`;
}

/** The keyID is what rules name and what signatures are matched by: it must be this key's. */
function keyidProblem(key: EnvelopeKey): string | undefined {
  if (keyidFor(key, "in-toto-1.3") === key.keyid || keyidFor(key, "in-toto") === key.keyid) return undefined;
  return `keyID ${key.keyid} is not the keyid of this key (neither the in-toto 1.3 nor the modern computation).`;
}

/**
 * Why `key` cannot be a key functionary of an attestation layout, or undefined when it can: the
 * reader's rules (a key type Totem verifies, a keyID that is the key's own), for writers of layouts.
 */
export function functionaryKeyProblem(key: EnvelopeKey): string | undefined {
  return isVerifiedKeyType(key.keytype) ? keyidProblem(key) : keyTypeMessage(key.keytype);
}

type Functionary = { kind: "key"; key: EnvelopeKey } | { kind: "sigstore"; keyID: string; identity: SigstoreIdentity };

/**
 * A keyless functionary in the shape of attestation-verifier's sigstore-verifier branch:
 * `{keyType: sigstore-oidc, scheme: fulcio, keyVal: {identity, issuer}, keyID: <label>}`.
 */
function sigstoreFunctionary(value: Obj, path: string): Result<Functionary, AttestError> {
  const { scheme, keyVal, keyID } = value;
  if (scheme !== "fulcio") return fail("layout-shape", 'A sigstore-oidc functionary has scheme "fulcio".', `${path}.scheme`);
  const san = isObject(keyVal) ? (keyVal.identity ?? keyVal.identityPattern) : undefined;
  if (!isObject(keyVal) || typeof san !== "string" || typeof keyVal.issuer !== "string" || san === "" || keyVal.issuer === "") {
    return fail("layout-shape", "A sigstore-oidc functionary needs keyVal.identity (the certificate's SAN) or keyVal.identityPattern, and keyVal.issuer (its OIDC issuer).", `${path}.keyVal`);
  }
  if ("identity" in keyVal && "identityPattern" in keyVal) return fail("layout-shape", "Give keyVal.identity or keyVal.identityPattern, not both.", `${path}.keyVal`);
  const extra = Object.keys(keyVal).find((k) => k !== "identity" && k !== "identityPattern" && k !== "issuer");
  if (extra) return fail("layout-field", `Unknown field "${extra}" in a sigstore-oidc keyVal.`, `${path}.keyVal.${extra}`);
  const pattern = "identityPattern" in keyVal;
  const problem = pattern ? identityPatternProblem(san) : undefined;
  if (problem) return fail("layout-identity-pattern", `identityPattern ${JSON.stringify(san)}: ${problem}.`, `${path}.keyVal.identityPattern`);
  if (typeof keyID !== "string" || keyID === "") return fail("layout-shape", "A functionary needs its keyID (for a sigstore-oidc functionary, a label).", `${path}.keyID`);
  return ok({ kind: "sigstore", keyID, identity: { identity: san, issuer: keyVal.issuer, pattern } });
}

function functionary(value: JsonValue, path: string): Result<Functionary, AttestError> {
  if (!isObject(value)) return fail("layout-shape", "A functionary must be a key object.", path);
  const known = fields(value, ["keyType", "scheme", "keyIDHashAlgorithms", "keyVal", "keyID"], path);
  if (!known.ok) return known;
  const { keyType, scheme, keyVal, keyID } = value;
  if (keyType === "sigstore-oidc") return sigstoreFunctionary(value, path);
  if (!isVerifiedKeyType(keyType)) return fail("layout-key-type", keyTypeMessage(keyType), `${path}.keyType`);
  if (typeof scheme !== "string") return fail("layout-shape", "A functionary needs a scheme.", `${path}.scheme`);
  if (!isObject(keyVal) || typeof keyVal.public !== "string") return fail("layout-shape", "A functionary needs keyVal.public.", `${path}.keyVal`);
  if (typeof keyID !== "string") return fail("layout-shape", "A functionary needs its keyID.", `${path}.keyID`);
  const key = { keyid: keyID, keytype: keyType, scheme, keyval: { public: keyVal.public } };
  const idProblem = keyidProblem(key);
  if (idProblem !== undefined) return fail("layout-keyid", idProblem, `${path}.keyID`);
  return ok({ kind: "key", key });
}

function attribute(value: JsonValue, path: string): Result<ExpectedAttribute, AttestError> {
  if (!isObject(value)) return fail("layout-shape", "An expected attribute must be an object with a rule.", path);
  const known = fields(value, ["rule", "allowIfNoClaim", "warn", "debug"], path);
  if (!known.ok) return known;
  if (typeof value.rule !== "string" || value.rule.trim() === "") return fail("layout-shape", "An expected attribute needs a CEL rule.", `${path}.rule`);
  for (const flag of ["allowIfNoClaim", "warn"] as const) {
    if (value[flag] !== undefined && typeof value[flag] !== "boolean") return fail("layout-shape", `${flag} must be true or false.`, `${path}.${flag}`);
  }
  if (value.debug !== undefined && typeof value.debug !== "string") return fail("layout-shape", "debug must be a string.", `${path}.debug`);
  return ok({ rule: value.rule, allowIfNoClaim: value.allowIfNoClaim === true, warn: value.warn === true, ...(typeof value.debug === "string" ? { debug: value.debug } : {}) });
}

function predicate(value: JsonValue, path: string, keys: ReadonlySet<string>): Result<ExpectedPredicate, AttestError> {
  if (!isObject(value)) return fail("layout-shape", "An expected predicate must be an object.", path);
  const known = fields(value, ["predicateType", "functionaries", "threshold", "expectedAttributes"], path);
  if (!known.ok) return known;
  if (typeof value.predicateType !== "string" || value.predicateType === "") return fail("layout-shape", "An expected predicate needs a predicateType.", `${path}.predicateType`);
  const who = stringList(value.functionaries, `${path}.functionaries`);
  if (!who.ok) return who;
  if (who.value.length === 0) return fail("layout-functionaries", "An expected predicate needs at least one functionary.", `${path}.functionaries`);
  for (const [i, id] of who.value.entries()) {
    if (!keys.has(id)) return fail("layout-functionaries", `Functionary ${id} is not among the layout's functionaries.`, `${path}.functionaries[${i}]`);
  }
  const t = value.threshold ?? 0;
  if (typeof t !== "number" || !Number.isInteger(t) || t < 0) return fail("layout-threshold", "threshold must be a whole number.", `${path}.threshold`);
  const threshold = t === 0 ? 1 : t;
  if (threshold > new Set(who.value).size) {
    return fail("layout-threshold", `threshold ${threshold} is more than the ${new Set(who.value).size} functionaries listed: it can never be met.`, `${path}.threshold`);
  }
  const list = value.expectedAttributes ?? [];
  if (!Array.isArray(list)) return fail("layout-shape", "expectedAttributes must be a list.", `${path}.expectedAttributes`);
  const expectedAttributes: ExpectedAttribute[] = [];
  for (const [i, a] of list.entries()) {
    const parsed = attribute(a, `${path}.expectedAttributes[${i}]`);
    if (!parsed.ok) return parsed;
    expectedAttributes.push(parsed.value);
  }
  return ok({ predicateType: value.predicateType, functionaries: who.value, threshold, expectedAttributes });
}

function step(value: JsonValue, path: string, keys: ReadonlySet<string>): Result<AttestationStep, AttestError> {
  if (!isObject(value)) return fail("layout-shape", "A step must be an object.", path);
  const known = fields(value, ["name", "command", "expectedMaterials", "expectedProducts", "expectedPredicates"], path);
  if (!known.ok) return known;
  if (typeof value.name !== "string" || value.name === "") return fail("layout-shape", "A step needs a name.", `${path}.name`);
  if (value.command !== undefined && typeof value.command !== "string") return fail("layout-shape", "command must be a string.", `${path}.command`);
  const materials = stringList(value.expectedMaterials, `${path}.expectedMaterials`);
  if (!materials.ok) return materials;
  const products = stringList(value.expectedProducts, `${path}.expectedProducts`);
  if (!products.ok) return products;
  const list = value.expectedPredicates;
  if (!Array.isArray(list) || list.length === 0) return fail("layout-shape", "A step needs expectedPredicates: the predicate types that prove it.", `${path}.expectedPredicates`);
  const expectedPredicates: ExpectedPredicate[] = [];
  for (const [i, p] of list.entries()) {
    const parsed = predicate(p, `${path}.expectedPredicates[${i}]`, keys);
    if (!parsed.ok) return parsed;
    expectedPredicates.push(parsed.value);
  }
  return ok({
    name: value.name,
    ...(typeof value.command === "string" ? { command: value.command } : {}),
    expectedMaterials: materials.value,
    expectedProducts: products.value,
    expectedPredicates,
  });
}

/** Reads an attestation layout from parsed YAML/JSON. Never throws. */
export function attestationLayoutFromJson(value: JsonValue): Result<AttestationLayout, AttestError> {
  if (!isObject(value)) return fail("layout-shape", "An attestation layout must be a mapping.");
  const known = fields(value, ["expires", "functionaries", "steps", "subjects", "inspections"], "$");
  if (!known.ok) return known;
  for (const unevaluated of ["subjects", "inspections"] as const) {
    const v = value[unevaluated];
    if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) {
      return fail("layout-unsupported", `"${unevaluated}" is not evaluated by Totem (nor by attestation-verifier, which ignores it); remove it rather than trust it.`, `$.${unevaluated}`);
    }
  }
  if (typeof value.expires !== "string" || Number.isNaN(Date.parse(value.expires)) || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value.expires)) {
    return fail("layout-expires", "expires must be an RFC 3339 time such as 2027-01-01T00:00:00Z.", "$.expires");
  }
  if (!isObject(value.functionaries)) return fail("layout-shape", "functionaries must be a mapping of keys.", "$.functionaries");
  const keys = new Map<string, EnvelopeKey>();
  const identities = new Map<string, SigstoreIdentity>();
  for (const [label, f] of Object.entries(value.functionaries)) {
    const path = `$.functionaries[${JSON.stringify(label)}]`;
    const parsed = functionary(f, path);
    if (!parsed.ok) return parsed;
    const id = parsed.value.kind === "key" ? parsed.value.key.keyid : parsed.value.keyID;
    if (keys.has(id) || identities.has(id)) return fail("layout-functionaries", `Two functionaries have the keyID ${id}.`, `${path}.keyID`);
    if (parsed.value.kind === "key") keys.set(id, parsed.value.key);
    else identities.set(id, parsed.value.identity);
  }
  const ids = new Set([...keys.keys(), ...identities.keys()]);
  if (!Array.isArray(value.steps) || value.steps.length === 0) return fail("layout-shape", "A layout needs steps.", "$.steps");
  const steps: AttestationStep[] = [];
  const names = new Set<string>();
  for (const [i, s] of value.steps.entries()) {
    const parsed = step(s, `$.steps[${i}]`, ids);
    if (!parsed.ok) return parsed;
    if (names.has(parsed.value.name)) return fail("layout-duplicate-step", `Step "${parsed.value.name}" is declared twice.`, `$.steps[${i}].name`);
    names.add(parsed.value.name);
    steps.push(parsed.value);
  }
  return ok({ expires: value.expires, functionaries: keys, identities, steps });
}

/**
 * Whether a text reads as an attestation layout rather than an in-toto one (JSON): it does not start
 * a JSON object and has an attestation layout's top-level `expires:` or `steps:` key. A guess for
 * tools that take either kind; the parser is the judge.
 */
export function looksLikeAttestationLayout(text: string): boolean {
  const body = text.replace(/^\uFEFF/, "");
  return !/^\s*\{/.test(body) && /^(?:expires|steps)\s*:/m.test(body);
}

/**
 * Parses an attestation layout's text: YAML 1.2 (JSON is YAML), duplicate keys refused, no aliases
 * beyond a small budget. Never rejects.
 */
export async function parseAttestationLayout(text: string): Promise<Result<AttestationLayout, AttestError>> {
  const yaml = await yamlLib();
  const doc = yaml.parseDocument(text, { uniqueKeys: true, prettyErrors: false, schema: "core" });
  const problem = doc.errors[0];
  if (problem) return fail("layout-yaml", `The layout is not valid YAML: ${problem.message.split("\n")[0]}`);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    return fail("layout-yaml", `The layout cannot be read: ${(e as Error).message}.`);
  }
  return attestationLayoutFromJson(value as JsonValue);
}

const PARAMETER_NAME = /^[a-zA-Z0-9_-]+$/;
const PLACEHOLDER = /\{([a-zA-Z0-9_-]+)\}/g;

/**
 * Substitutes `{name}` placeholders (attestation-verifier's `--substitute-parameters`) in the fields
 * it substitutes: artifact rules, and attribute rules and their debug text; values may nest, resolved
 * until nothing changes. Stricter than the prototype: a placeholder left without a value, a value
 * that names itself, and values that refer to each other in a cycle are errors.
 */
export function substituteParameters(layout: AttestationLayout, parameters: JsonValue): Result<AttestationLayout, AttestError> {
  if (!isObject(parameters)) return fail("parameters-shape", "Parameters must be a JSON object of names to strings.");
  const values = new Map<string, string>();
  for (const [name, v] of Object.entries(parameters)) {
    if (!PARAMETER_NAME.test(name)) return fail("parameters-name", `Parameter name ${JSON.stringify(name)} may use only letters, digits, _ and -.`, `$[${JSON.stringify(name)}]`);
    if (typeof v !== "string") return fail("parameters-shape", `Parameter ${name} must be a string.`, `$.${name}`);
    if (v.includes(`{${name}}`)) return fail("parameters-cycle", `Parameter ${name} refers to itself.`, `$.${name}`);
    values.set(name, v);
  }
  let missing: string | undefined;
  let cyclic = false;
  const resolve = (text: string): string => {
    let current = text;
    for (let round = 0; round <= values.size + 1; round++) {
      const next = current.replace(PLACEHOLDER, (whole, name: string) => values.get(name) ?? whole);
      if (next === current) {
        const left = [...next.matchAll(PLACEHOLDER)][0]?.[1];
        if (left !== undefined) missing ??= left;
        return next;
      }
      current = next;
    }
    cyclic = true;
    return current;
  };
  const steps = layout.steps.map((s) => ({
    ...s,
    expectedMaterials: s.expectedMaterials.map(resolve),
    expectedProducts: s.expectedProducts.map(resolve),
    expectedPredicates: s.expectedPredicates.map((p) => ({
      ...p,
      expectedAttributes: p.expectedAttributes.map((a) => ({ ...a, rule: resolve(a.rule), ...(a.debug !== undefined ? { debug: resolve(a.debug) } : {}) })),
    })),
  }));
  if (cyclic) return fail("parameters-cycle", "Parameters refer to each other in a cycle.");
  if (missing !== undefined) return fail("parameters-missing", `The layout uses {${missing}} but no parameter gives it a value (pass --substitute-parameters).`);
  return ok({ ...layout, steps });
}

// Writes an AttestationLayout as in-toto/attestation-verifier's YAML (its verifier/models.go field
// names, in its field order): the one serializer of attestation layouts, the inverse of
// `attestationLayoutFromJson` (layout.ts) — parsing what it writes gives the same model (property test
// in engine/test/attest-layout-yaml.property.test.ts). Deterministic: the same model gives the same
// bytes. Every value is a double-quoted scalar and every list a flow sequence, so the text reads the
// same under YAML 1.1 (attestation-verifier's Go parser) and 1.2 (Totem's). Empty lists, a threshold
// of 1 and false flags are left out, as the prototype's own layouts do. Nothing is signed: an
// attestation layout is plain YAML, trusted as the file the verifier is given.
import { keyidFor } from "../keyid.js";
import type { EnvelopeKey } from "./evidence.js";
import type { AttestationLayout, AttestationStep, ExpectedAttribute, ExpectedPredicate, SigstoreIdentity } from "./layout.js";

/** Characters JSON leaves raw that YAML's double-quoted style must escape (non-printable in YAML 1.2 §5.1). */
const NOT_PRINTABLE = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A YAML double-quoted scalar: JSON's escapes (a subset of YAML's) plus \uXXXX for what YAML cannot carry raw. */
export function yamlString(value: string): string {
  return JSON.stringify(value).replace(NOT_PRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Words YAML 1.1 or 1.2 reads as booleans or null when unquoted. */
const KEYWORD = /^(?:y|n|yes|no|on|off|true|false|null)$/i;

/**
 * A mapping key: bare when both YAML versions read it as that string — a name starting with a letter
 * (not a boolean word), or a hex keyid that no number syntax (1e5, 0b101, digits only) matches.
 */
function yamlKey(key: string): string {
  const name = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) && !KEYWORD.test(key);
  const keyid = /^[0-9a-f]{64}$/.test(key) && !/^[0-9]*e?[0-9]*$/.test(key) && !/^0b[01]*$/.test(key);
  return name || keyid ? key : yamlString(key);
}

function flowList(items: readonly string[]): string {
  return `[${items.map(yamlString).join(", ")}]`;
}

function keyFunctionary(key: EnvelopeKey): string[] {
  // in-toto 1.3 keyids hash keyid_hash_algorithms: the field says which computation made the keyID.
  const legacy = keyidFor(key, "in-toto-1.3") === key.keyid;
  return [
    `  ${yamlKey(key.keyid)}:`,
    `    keyType: ${yamlString(key.keytype)}`,
    `    scheme: ${yamlString(key.scheme)}`,
    ...(legacy ? ['    keyIDHashAlgorithms: ["sha256", "sha512"]'] : []),
    "    keyVal:",
    `      public: ${yamlString(key.keyval.public)}`,
    `    keyID: ${yamlString(key.keyid)}`,
  ];
}

function sigstoreFunctionary(keyID: string, identity: SigstoreIdentity): string[] {
  return [
    `  ${yamlKey(keyID)}:`,
    '    keyType: "sigstore-oidc"',
    '    scheme: "fulcio"',
    "    keyVal:",
    `      ${identity.pattern ? "identityPattern" : "identity"}: ${yamlString(identity.identity)}`,
    `      issuer: ${yamlString(identity.issuer)}`,
    `    keyID: ${yamlString(keyID)}`,
  ];
}

function attribute(a: ExpectedAttribute): string[] {
  return [
    `          - rule: ${yamlString(a.rule)}`,
    ...(a.allowIfNoClaim ? ["            allowIfNoClaim: true"] : []),
    ...(a.warn ? ["            warn: true"] : []),
    ...(a.debug !== undefined ? [`            debug: ${yamlString(a.debug)}`] : []),
  ];
}

function predicate(p: ExpectedPredicate): string[] {
  return [
    `      - predicateType: ${yamlString(p.predicateType)}`,
    `        functionaries: ${flowList(p.functionaries)}`,
    ...(p.threshold !== 1 ? [`        threshold: ${p.threshold}`] : []),
    ...(p.expectedAttributes.length > 0 ? ["        expectedAttributes:", ...p.expectedAttributes.flatMap(attribute)] : []),
  ];
}

function step(s: AttestationStep): string[] {
  return [
    `  - name: ${yamlString(s.name)}`,
    ...(s.command !== undefined ? [`    command: ${yamlString(s.command)}`] : []),
    ...(s.expectedMaterials.length > 0 ? [`    expectedMaterials: ${flowList(s.expectedMaterials)}`] : []),
    ...(s.expectedProducts.length > 0 ? [`    expectedProducts: ${flowList(s.expectedProducts)}`] : []),
    "    expectedPredicates:",
    ...s.expectedPredicates.flatMap(predicate),
  ];
}

/** An array index as a JavaScript object key (ECMA-262 §6.1.7): such keys come first, ascending. */
function arrayIndex(key: string): number | undefined {
  const n = /^(?:0|[1-9][0-9]{0,9})$/.test(key) ? Number(key) : Number.NaN;
  return n < 2 ** 32 - 1 ? n : undefined;
}

/**
 * Entries in the order a JavaScript object holding them lists them — the order the parser reads them
 * back in — so that writing a parsed layout again gives the same bytes (labels such as "0" move first).
 */
function inObjectOrder<T>(entries: [string, T][]): [string, T][] {
  const indexed = entries.filter(([k]) => arrayIndex(k) !== undefined).sort(([a], [b]) => (arrayIndex(a) as number) - (arrayIndex(b) as number));
  return [...indexed, ...entries.filter(([k]) => arrayIndex(k) === undefined)];
}

/**
 * The layout as attestation-verifier's YAML: `expires`, `functionaries` (keys by keyID, then keyless
 * identities by their label), `steps`. Ends with a newline.
 */
export function attestationLayoutToYaml(layout: AttestationLayout): string {
  const functionaries = [
    ...[...layout.functionaries.values()].flatMap(keyFunctionary),
    ...inObjectOrder([...layout.identities]).flatMap(([keyID, identity]) => sigstoreFunctionary(keyID, identity)),
  ];
  const lines = [
    `expires: ${yamlString(layout.expires)}`,
    functionaries.length === 0 ? "functionaries: {}" : "functionaries:",
    ...functionaries,
    "steps:",
    ...layout.steps.flatMap(step),
  ];
  return `${lines.join("\n")}\n`;
}

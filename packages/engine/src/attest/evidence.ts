// Attestation evidence as it arrives in files: a DSSE envelope (ITE-5) carrying an in-toto Statement,
// a Sigstore bundle (v0.1, v0.2, v0.3 media types; protobuf-specs bundle.proto) carrying a DSSE
// envelope or a message signature, or a classic link (link-evidence.ts). Loading checks shape only; signatures are checked by the caller
// with keys (verifyEnvelopeWithKeys) or with a trusted root (sigstore-bundle.ts).
import type { Bundle } from "@sigstore/bundle";
import { fromBase64 } from "../crypto/bytes.js";
import { verifySignature, type KeyFields } from "../crypto/verify.js";
import { pae } from "../dsse.js";
import type { JsonValue } from "../model.js";
import { ok, type Result } from "../result.js";
import { type AttestError, fail, isObject, parseAttestJson } from "./attest-error.js";
import { type SigstoreLibs, sigstoreLibs } from "./libraries.js";
import { isClassicEnvelope, type LinkEvidence, loadLinkEvidence } from "./link-evidence.js";
import { parseStatement, STATEMENT_PAYLOAD_TYPE, type Statement } from "./statement.js";

/** A DSSE envelope with its payload and signatures decoded. */
export interface DecodedEnvelope {
  readonly payloadType: string;
  readonly payload: Uint8Array;
  readonly signatures: readonly { readonly keyid: string; readonly sig: Uint8Array }[];
}

/** One attestation file, loaded: the envelope and its Statement, and for a bundle the bundle itself. */
export type Evidence =
  | { readonly kind: "dsse"; readonly envelope: DecodedEnvelope; readonly statement: Statement }
  | { readonly kind: "bundle"; readonly bundle: Bundle; readonly envelope: DecodedEnvelope; readonly statement: Statement }
  | { readonly kind: "bundle-message"; readonly bundle: Bundle }
  | LinkEvidence;

/** The media types of Sigstore bundles Totem reads (v0.3 has a legacy spelling too). */
export const BUNDLE_MEDIA_TYPE_PREFIX = "application/vnd.dev.sigstore.bundle";

/** Whether parsed JSON looks like a Sigstore bundle (it names a bundle media type). */
export function isBundleJson(value: JsonValue): boolean {
  return isObject(value) && typeof value.mediaType === "string" && value.mediaType.startsWith(BUNDLE_MEDIA_TYPE_PREFIX);
}

/**
 * Reads a Sigstore bundle with @sigstore/bundle's validation (media type, required fields per
 * version, inclusion proofs from v0.2 on). Never throws: its exceptions become `bundle-invalid`.
 */
export function parseBundle(value: JsonValue, libs: SigstoreLibs): Result<Bundle, AttestError> {
  if (!isObject(value)) return fail("bundle-invalid", "A Sigstore bundle must be a JSON object.");
  try {
    return ok(libs.bundle.bundleFromJSON(value));
  } catch (e) {
    return fail("bundle-invalid", `The Sigstore bundle is malformed: ${(e as Error).message}.`);
  }
}

const ENVELOPE_FIELDS = new Set(["payload", "payloadType", "signatures"]);
const SIGNATURE_FIELDS = new Set(["keyid", "sig", "cert"]);

/** Reads a DSSE envelope JSON strictly (standard or URL-safe base64; unknown fields refused). */
export function parseEnvelope(value: JsonValue): Result<DecodedEnvelope, AttestError> {
  if (!isObject(value)) return fail("envelope-shape", "A DSSE envelope must be a JSON object.");
  for (const key of Object.keys(value)) {
    if (!ENVELOPE_FIELDS.has(key)) return fail("envelope-field", `Unknown DSSE envelope field "${key}".`, `$.${key}`);
  }
  if (typeof value.payloadType !== "string") return fail("envelope-shape", "The envelope needs a payloadType string.", "$.payloadType");
  const payload = typeof value.payload === "string" ? fromBase64(value.payload) : undefined;
  if (!payload) return fail("envelope-payload", "The envelope payload must be base64 text.", "$.payload");
  if (!Array.isArray(value.signatures) || value.signatures.length === 0) {
    return fail("envelope-unsigned", "The envelope has no signatures.", "$.signatures");
  }
  const signatures: { keyid: string; sig: Uint8Array }[] = [];
  for (const [i, s] of value.signatures.entries()) {
    const path = `$.signatures[${i}]`;
    if (!isObject(s)) return fail("envelope-shape", "A signature must be an object.", path);
    for (const key of Object.keys(s)) {
      if (!SIGNATURE_FIELDS.has(key)) return fail("envelope-field", `Unknown signature field "${key}".`, `${path}.${key}`);
    }
    const sig = typeof s.sig === "string" ? fromBase64(s.sig) : undefined;
    if (!sig) return fail("envelope-shape", "A signature's sig must be base64 text.", `${path}.sig`);
    if (s.keyid !== undefined && typeof s.keyid !== "string") return fail("envelope-shape", "A keyid must be a string.", `${path}.keyid`);
    signatures.push({ keyid: s.keyid ?? "", sig });
  }
  return ok({ payloadType: value.payloadType, payload, signatures });
}

/** The Statement inside an envelope: in-toto payloadType, JSON payload, strict Statement. */
export function envelopeStatement(envelope: DecodedEnvelope): Result<Statement, AttestError> {
  if (envelope.payloadType !== STATEMENT_PAYLOAD_TYPE) {
    return fail("envelope-payload-type", `The envelope's payloadType is "${envelope.payloadType}"; an in-toto Statement has "${STATEMENT_PAYLOAD_TYPE}".`, "$.payloadType");
  }
  const json = parseAttestJson(envelope.payload, "envelope payload");
  if (!json.ok) return json;
  return parseStatement(json.value, "$.payload");
}

/** The DSSE envelope of a bundle, decoded (undefined for a message-signature bundle). */
export function bundleEnvelope(bundle: Bundle): DecodedEnvelope | undefined {
  if (bundle.content.$case !== "dsseEnvelope") return undefined;
  const env = bundle.content.dsseEnvelope;
  return {
    payloadType: env.payloadType,
    payload: new Uint8Array(env.payload),
    signatures: env.signatures.map((s) => ({ keyid: s.keyid, sig: new Uint8Array(s.sig) })),
  };
}

/**
 * Loads one attestation file: a Sigstore bundle (by its mediaType), a bare DSSE envelope and the
 * Statement inside, or a classic link (a Metablock, or DSSE with a link payload) as the link
 * predicate's claim. Signatures are not checked here. Never rejects.
 */
export async function loadEvidence(bytes: Uint8Array): Promise<Result<Evidence, AttestError>> {
  const json = parseAttestJson(bytes, "attestation");
  if (!json.ok) {
    // A link file may be larger than an attestation (its artifact lists): the link loader has its own limit.
    const link = json.error.code === "json-too-large" ? loadLinkEvidence(bytes) : undefined;
    return link?.ok ? link : json;
  }
  if (isClassicEnvelope(json.value)) return loadLinkEvidence(bytes);
  if (isBundleJson(json.value)) {
    const bundle = parseBundle(json.value, await sigstoreLibs());
    if (!bundle.ok) return bundle;
    const envelope = bundleEnvelope(bundle.value);
    if (!envelope) return ok({ kind: "bundle-message", bundle: bundle.value });
    const statement = envelopeStatement(envelope);
    if (!statement.ok) return statement;
    return ok({ kind: "bundle", bundle: bundle.value, envelope, statement: statement.value });
  }
  const envelope = parseEnvelope(json.value);
  if (!envelope.ok) return envelope;
  const statement = envelopeStatement(envelope.value);
  if (!statement.ok) return statement;
  return ok({ kind: "dsse", envelope: envelope.value, statement: statement.value });
}

/** A key that may sign an envelope: its keyid and what verification needs. */
export interface EnvelopeKey extends KeyFields {
  readonly keyid: string;
}

/**
 * The keyids of `keys` with a valid signature on the envelope (DSSE PAE over the raw payload). A
 * signature naming a keyid is tried only with that key; one without a keyid is tried with every key.
 */
export function verifyEnvelopeWithKeys(envelope: DecodedEnvelope, keys: readonly EnvelopeKey[]): string[] {
  const bytes = pae(envelope.payloadType, envelope.payload);
  const signers = new Set<string>();
  for (const s of envelope.signatures) {
    for (const key of keys) {
      if (s.keyid !== "" && s.keyid !== key.keyid) continue;
      if (!signers.has(key.keyid) && verifySignature(key, bytes, s.sig)) signers.add(key.keyid);
    }
  }
  return [...signers];
}

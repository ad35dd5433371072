// Classic in-toto links in an attestations folder: a Metablock `.link` (in-toto-run, `totem run`) or a
// DSSE envelope (payloadType application/vnd.in-toto+json) whose payload is a link (`_type: link`).
// Each is a claim of the link predicate v0.3 for its step. Loading and signatures are the engine's
// own link path — `loadEnvelope` (the exact signed bytes: canonical JSON of the strictly parsed
// payload, or PAE) and `checkEnvelopeSignature` (1.3.1's first-signature-per-keyid rule) — so a link
// is trusted here exactly when `totem verify --links` would trust its signature.
import { fromBase64 } from "../crypto/bytes.js";
import { type LoadedEnvelope, loadEnvelope } from "../load/envelope.js";
import { INTOTO_PAYLOAD_TYPE, type JsonValue, type Link } from "../model.js";
import { ok, type Result } from "../result.js";
import { checkEnvelopeSignature } from "../verify/envelope-signature.js";
import { type AttestError, fail, isObject } from "./attest-error.js";
import type { EnvelopeKey } from "./evidence.js";
import { linkClaim } from "./link-statement.js";
import type { Statement } from "./statement.js";

/** A classic link file, loaded: the envelope as the link verifier loads it, and the claim it makes. */
export interface LinkEvidence {
  readonly kind: "link";
  readonly loaded: LoadedEnvelope & { readonly type: "link"; readonly link: Link };
  readonly statement: Statement;
}

/**
 * Whether parsed JSON is an in-toto envelope of a link or layout rather than of a Statement: a
 * Metablock (`signed`), or a DSSE envelope with the in-toto payloadType whose payload's `_type` is
 * `link` or `layout`. Such a file goes to the link loader, which says precisely what is wrong with it.
 */
export function isClassicEnvelope(value: JsonValue): boolean {
  if (!isObject(value)) return false;
  if ("signed" in value) return true;
  if (value.payloadType !== INTOTO_PAYLOAD_TYPE || typeof value.payload !== "string") return false;
  const body = fromBase64(value.payload);
  if (!body) return false;
  try {
    const payload: unknown = JSON.parse(new TextDecoder().decode(body));
    return isObject(payload) && (payload._type === "link" || payload._type === "layout");
  } catch {
    return false;
  }
}

/** Loads a classic link file with the engine's link loader. Never throws. */
export function loadLinkEvidence(bytes: Uint8Array): Result<LinkEvidence, AttestError> {
  const loaded = loadEnvelope(bytes, { expect: "link" });
  if (!loaded.ok) return fail("link-unreadable", `The link file cannot be read: ${loaded.error.message}`, loaded.error.path);
  const value = loaded.value;
  if (value.type !== "link") return fail("link-wrong-type", "Expected a link, but this file holds a layout.");
  return ok({ kind: "link", loaded: value, statement: linkClaim(value.link) });
}

/** The keyids of `keys` whose signature on the link is valid (each key's first signature under its keyid). */
export function linkSigners(evidence: LinkEvidence, keys: readonly EnvelopeKey[]): string[] {
  return keys.filter((key) => checkEnvelopeSignature(evidence.loaded, key.keyid, key) === "valid").map((key) => key.keyid);
}

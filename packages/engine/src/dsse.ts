// DSSE envelopes (SPEC-NOTES §1.2) for the modern target: in-toto ≥1.4 and in-toto-golang.
// in-toto-verify 1.3.1 rejects every DSSE file, so this is never the default envelope.

import { fromBase64, fromHex, toBase64 } from "./crypto/bytes.js";
import { verifySignature } from "./crypto/verify.js";
import type { PrivateKeyMaterial } from "./keys/types.js";
import { type DsseEnvelope, INTOTO_PAYLOAD_TYPE, type JsonObject, type PublicKey, type Target } from "./model.js";
import { err, ok, type Result } from "./result.js";
import { pythonJsonDumps } from "./serialize.js";
import { type SignatureFailure, signatureFor } from "./sign.js";

const encoder = new TextEncoder();

/**
 * The DSSE pre-authentication encoding, the bytes a DSSE signature covers:
 * `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, LEN = ASCII decimal byte length
 * (dsse protocol.md). Example: `DSSEv1 29 http://example.com/HelloWorld 11 hello world`.
 */
export function pae(payloadType: string, body: Uint8Array): Uint8Array {
  const type = encoder.encode(payloadType);
  const head = encoder.encode(`DSSEv1 ${type.length} ${payloadType} ${body.length} `);
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

/**
 * The text forms of a DSSE payload Totem writes (a policy's `dsse-payload`): `sorted-json` is
 * `json.dumps(payload, sort_keys=True)` as in-toto ≥1.4 writes it (SPEC-NOTES §1.2), the default;
 * `sorted-json-newline` is the same followed by one `\n` (in-toto-golang's `dsse-only.root.layout`).
 * Signatures cover the bytes as written (PAE), so the form is part of what is signed.
 */
export const DSSE_PAYLOAD_FORMS = ["sorted-json", "sorted-json-newline"] as const;

/** One of {@link DSSE_PAYLOAD_FORMS}. */
export type DssePayloadForm = (typeof DSSE_PAYLOAD_FORMS)[number];

/**
 * The DSSE body for an in-toto payload in `form` (default `sorted-json`), which is strict JSON.
 * Canonical JSON is not used as a body because it keeps control characters raw (every PEM newline)
 * and strict JSON readers reject it.
 */
export function dsseBody(payload: JsonObject, form: DssePayloadForm = "sorted-json"): Uint8Array {
  const text = pythonJsonDumps(payload);
  return encoder.encode(form === "sorted-json-newline" ? `${text}\n` : text);
}

/** A DSSE envelope over `body` with one base64 signature of `pae(type, body)` per signer. */
export function signDsse(
  body: Uint8Array,
  signers: readonly PrivateKeyMaterial[],
  target: Target,
  payloadType: string = INTOTO_PAYLOAD_TYPE,
): DsseEnvelope {
  const bytes = pae(payloadType, body);
  return { payload: toBase64(body), payloadType, signatures: signers.map((s) => signatureFor(s, bytes, target, toBase64)) };
}

/**
 * Checks `key`'s signature on a DSSE envelope: the first signature with `key.keyid`, over
 * `pae(payloadType, body)`. Signatures are base64 (standard or URL-safe); hex (securesystemslib 0.27)
 * is tried as well. Returns the payload body bytes. Never throws.
 */
export function verifyDsseSignature(env: DsseEnvelope, key: PublicKey): Result<Uint8Array, SignatureFailure> {
  const body = typeof env.payload === "string" ? fromBase64(env.payload) : undefined;
  if (!body || typeof env.payloadType !== "string") {
    return err({ code: "unsignable-payload", message: "The DSSE payload is not base64 or has no payloadType." });
  }
  const signature = Array.isArray(env.signatures) ? env.signatures.find((s) => s?.keyid === key.keyid) : undefined;
  if (!signature) return err({ code: "no-signature", message: `No signature found for key '${key.keyid}'.` });
  const bytes = pae(env.payloadType, body);
  const sig = typeof signature.sig === "string" ? signature.sig : "";
  const candidates = [fromBase64(sig), fromHex(sig)];
  if (candidates.some((sig) => sig !== undefined && verifySignature(key, bytes, sig))) return ok(body);
  return err({ code: "invalid-signature", message: `Invalid signature for keyid '${key.keyid}'.` });
}

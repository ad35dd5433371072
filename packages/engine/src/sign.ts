// Metablock signing and signature checks (SPEC-NOTES §1.1, §6): hex signatures over the canonical
// JSON bytes of the payload, one per signer, each under the keyid its verifiers compute for the
// target (SPEC-NOTES §4.3). Also the file format both envelopes are written in.

import { canonicalize, canonicalizeChecked, canonicalStringOfForm, stringifyForm } from "./canonical-json.js";
import { fromHex, toHex } from "./crypto/bytes.js";
import { verifySignature } from "./crypto/verify.js";
import type { PrivateKeyMaterial } from "./keys/types.js";
import type { DsseEnvelope, JsonObject, JsonValue, Metablock, PublicKey, Signature, Target } from "./model.js";
import { err, ok, type Result } from "./result.js";
import { pythonJsonDumps, pythonJsonDumpsOfForm } from "./serialize.js";

/** One signature of `bytes` by `signer`, keyed for `target`, encoded with `encode`. */
export function signatureFor(
  signer: PrivateKeyMaterial,
  bytes: Uint8Array,
  target: Target,
  encode: (sig: Uint8Array) => string,
): Signature {
  return { keyid: signer.public.keyid(target), sig: encode(signer.sign(bytes)) };
}

/**
 * A Metablock `{signed: payload, signatures}` with one hex signature per signer over
 * `canonicalize(payload)` (SPEC-NOTES §13.3). `payload` comes from `layoutToJson`/`linkToJson`, so
 * it holds no floats; a float is a programmer error and throws TypeError.
 */
export function signMetablock(payload: JsonObject, signers: readonly PrivateKeyMaterial[], target: Target): Metablock<JsonObject> {
  const bytes = canonicalize(payload);
  return { signed: payload, signatures: signers.map((s) => signatureFor(s, bytes, target, toHex)) };
}

/**
 * Adds `signer`'s signature to a Metablock made by any tool, over the canonical bytes of its payload
 * as parsed (unchanged). A signature with the same keyid is replaced, because 1.3.1 checks only the
 * first signature per keyid (SPEC-NOTES §1.1). Fails, without throwing, when the payload cannot be
 * canonicalized (a float or a lone surrogate).
 */
export function addMetablockSignature(
  mb: Metablock<JsonObject>,
  signer: PrivateKeyMaterial,
  target: Target,
): Result<Metablock<JsonObject>, string> {
  const bytes = canonicalizeChecked(mb.signed);
  if (!bytes.ok) return err(`The payload cannot be signed: ${bytes.error}.`);
  const signature = signatureFor(signer, bytes.value, target, toHex);
  const others = mb.signatures.filter((s) => s.keyid !== signature.keyid);
  return ok({ signed: mb.signed, signatures: [...others, signature] });
}

/** Why a signature check failed, in 1.3.1's words (SPEC-NOTES §1.1). */
export type SignatureFailure =
  | { code: "no-signature"; message: string }
  | { code: "invalid-signature"; message: string }
  | { code: "unsignable-payload"; message: string };

/**
 * Checks `key`'s signature on a Metablock the way 1.3.1 does: the FIRST signature whose keyid equals
 * `key.keyid`, verified over `payloadBytes` (default: `canonicalize(mb.signed)`; pass the bytes of
 * the payload as 1.3.1 rebuilds it when unknown fields must be dropped). Never throws.
 */
export function verifyMetablockSignature(
  mb: Metablock<JsonValue>,
  key: PublicKey,
  payloadBytes?: Uint8Array,
): Result<Signature, SignatureFailure> {
  const signature = Array.isArray(mb.signatures) ? mb.signatures.find((s) => s?.keyid === key.keyid) : undefined;
  if (!signature) return err({ code: "no-signature", message: `No signature found for key '${key.keyid}'.` });
  let bytes = payloadBytes;
  if (!bytes) {
    const checked = canonicalizeChecked(mb.signed);
    if (!checked.ok) return err({ code: "unsignable-payload", message: `The payload cannot be verified: ${checked.error}.` });
    bytes = checked.value;
  }
  const sig = typeof signature.sig === "string" ? fromHex(signature.sig) : undefined;
  if (!sig || !verifySignature(key, bytes, sig)) {
    return err({ code: "invalid-signature", message: `Invalid signature for keyid '${key.keyid}'.` });
  }
  return ok(signature);
}

/**
 * The text of an envelope file: `json.dumps(env, indent=1, sort_keys=True)` with `ensure_ascii`, as
 * in-toto's `Metablock.dump` writes it (SPEC-NOTES §1.1), plus a final newline. in-toto writes none;
 * Totem adds one so files end like text files (git, editors, `cat`). JSON readers ignore it, and the
 * signatures cover canonical bytes, not the file.
 */
export function envelopeToText(env: Metablock<JsonValue> | DsseEnvelope): string {
  return `${pythonJsonDumps(env as unknown as JsonValue, 1)}\n`;
}

const encoder = new TextEncoder();

/**
 * {@link signMetablock} and {@link envelopeToText} of its result in one: the payload's sorted form
 * (`stringifyForm`) is built once for both the signed bytes and the file text, which halves the
 * serializing time of a 10k-artifact link (~8 ms). Same envelope and same text as the two calls.
 */
export function signMetablockToText(
  payload: JsonObject,
  signers: readonly PrivateKeyMaterial[],
  target: Target,
): { envelope: Metablock<JsonObject>; text: string } {
  const form = stringifyForm(payload);
  if (form === undefined) {
    const envelope = signMetablock(payload, signers, target);
    return { envelope, text: envelopeToText(envelope) };
  }
  const bytes = encoder.encode(canonicalStringOfForm(form));
  const envelope = { signed: payload, signatures: signers.map((s) => signatureFor(s, bytes, target, toHex)) };
  const signatures = stringifyForm(envelope.signatures as unknown as JsonValue);
  // Keys in sorted order, each value in its form: the envelope's own form.
  const text = signatures === undefined ? envelopeToText(envelope) : `${pythonJsonDumpsOfForm({ signatures, signed: form }, 1)}\n`;
  return { envelope, text };
}

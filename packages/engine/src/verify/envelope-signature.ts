// Checking one key's signature on a loaded envelope, the way 1.3.1's Metablock.verify_signature does
// (SPEC-NOTES §1.1): take the FIRST signature whose keyid equals the key's keyid; none → missing;
// invalid → invalid. A second signature with the same keyid is never tried.
import { fromBase64, fromHex } from "../crypto/bytes.js";
import { verifySignature } from "../crypto/verify.js";
import type { LoadedEnvelope } from "../load/envelope.js";
import type { PublicKey } from "../model.js";
import { checkGpgEnvelopeSignature } from "./gpg-envelope.js";

/** The outcome of checking one key's signature on an envelope ("expired": an OpenPGP key past its validity). */
export type SignatureCheck = "valid" | "invalid" | "missing" | "expired";

/** Decodes a signature: hex for Metablock; base64 for DSSE (hex too, as securesystemslib 0.27 wrote). */
function decodeSig(envelope: LoadedEnvelope["envelope"], sig: string): Uint8Array[] {
  if (envelope === "metablock") {
    const b = fromHex(sig);
    return b ? [b] : [];
  }
  const out: Uint8Array[] = [];
  const b64 = fromBase64(sig);
  if (b64) out.push(b64);
  const hex = fromHex(sig);
  if (hex) out.push(hex);
  return out;
}

/**
 * For a failure report only: which of `candidates` made the signature found under `keyid` (a link
 * signed by one functionary and renamed, or relabelled, as another's). Undefined when none did.
 */
export function actualSigner(loaded: LoadedEnvelope, keyid: string, candidates: Iterable<PublicKey>): PublicKey | undefined {
  const sig = loaded.signatures.find((s) => s.keyid === keyid);
  if (!sig) return undefined;
  const sigs = decodeSig(loaded.envelope, sig.sig);
  for (const key of candidates) if (key.keyid !== keyid && sigs.some((b) => verifySignature(key, loaded.signedBytes, b))) return key;
  return undefined;
}

/** Checks the signature of `keyid` on `loaded` with `key` (which must be the key for that keyid). */
export function checkEnvelopeSignature(loaded: LoadedEnvelope, keyid: string, key: PublicKey, now?: Date): SignatureCheck {
  if (key.gpg) return checkGpgEnvelopeSignature(loaded, key, now);
  const sig = loaded.signatures.find((s) => s.keyid === keyid);
  if (!sig) return "missing";
  if (typeof sig.sig !== "string") return "invalid"; // an OpenPGP signature object, by a non-GPG key
  const sigs = decodeSig(loaded.envelope, sig.sig);
  return sigs.some((b) => verifySignature(key, loaded.signedBytes, b)) ? "valid" : "invalid";
}

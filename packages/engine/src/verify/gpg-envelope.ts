// An envelope's signature by an OpenPGP layout key, as in-toto 1.3.1's Metablock.verify_signature
// checks it (models/metadata.py): the FIRST signature whose keyid is the key's fingerprint or one of
// its subkeys' is the one checked; an OpenPGP signature object is verified by securesystemslib's
// gpg verify_signature (crypto/gpg-verify.ts), a `{keyid, sig}` one never verifies with a GPG key.
import { isGpgSignature, verifyGpgSignature } from "../crypto/gpg-verify.js";
import type { LoadedEnvelope } from "../load/envelope.js";
import type { PublicKey } from "../model.js";

/**
 * Checks `key`'s (or its subkeys') signature on `loaded`: "missing" when none carries one of their
 * fingerprints, "expired" when the signing (sub)key has expired at `now` (1.3.1 raises
 * KeyExpirationError), else "valid" or "invalid". DSSE envelopes never carry OpenPGP signatures.
 */
export function checkGpgEnvelopeSignature(loaded: LoadedEnvelope, key: PublicKey, now: Date | undefined): "valid" | "invalid" | "missing" | "expired" {
  const subkeys = key.gpg?.subkeys ?? {};
  const sig = (loaded.signatures as unknown[]).find((s) => {
    const keyid = (s as { keyid?: unknown }).keyid;
    return typeof keyid === "string" && (keyid === key.keyid || Object.hasOwn(subkeys, keyid));
  });
  if (!sig) return "missing";
  if (loaded.envelope !== "metablock" || !isGpgSignature(sig)) return "invalid";
  return verifyGpgSignature(sig, key, loaded.signedBytes, now);
}

// An envelope's signature by an OpenPGP layout key, as in-toto 1.3.1's Metablock.verify_signature
// checks it (models/metadata.py): the FIRST signature whose keyid is the key's fingerprint or one of
// its subkeys' is the one checked; an OpenPGP signature object is verified by securesystemslib's
// gpg verify_signature (crypto/gpg-verify.ts), a `{keyid, sig}` one never verifies with a GPG key.
import { isGpgSignature, verifyGpgSignature } from "../crypto/gpg-verify.js";
import type { LoadedEnvelope } from "../load/envelope.js";
import type { Layout, PublicKey, Step } from "../model.js";

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

/**
 * The keyids whose link files a step's functionaries may have written, in 1.3.1's order
 * (verifylib.py load_links_for_layout): each authorized keyid once, followed by the fingerprints of
 * its key's OpenPGP subkeys (`in-toto-run --gpg` names a link after the subkey that signed it).
 */
export function linkKeyids(step: Step, keys: Layout["keys"]): string[] {
  const out: string[] = [];
  for (const keyid of new Set(step.pubkeys)) {
    out.push(keyid);
    const key = Object.hasOwn(keys, keyid) ? keys[keyid] : undefined;
    for (const sub of Object.keys(key?.gpg?.subkeys ?? {})) if (!out.includes(sub)) out.push(sub);
  }
  return out;
}

/**
 * The key a link named after `linkKeyid` is verified with, as 1.3.1's
 * verify_link_signature_thresholds chooses it over the step's authorized keyids in order: the
 * authorized key itself; the master key of an authorized subkey; or the authorized key one of
 * whose subkeys the link is named after. Undefined: the link's key is not authorized.
 */
export function authorizedKeyFor(step: Step, keys: Layout["keys"], linkKeyid: string): PublicKey | undefined {
  for (const authorized of step.pubkeys) {
    const key = Object.hasOwn(keys, authorized) ? keys[authorized] : undefined;
    if (linkKeyid === authorized) {
      if (key) return key;
      const master = Object.values(keys).find((k) => k.gpg?.subkeys && Object.hasOwn(k.gpg.subkeys, authorized));
      if (master) return master;
    }
    if (key?.gpg?.subkeys && Object.hasOwn(key.gpg.subkeys, linkKeyid)) return key;
  }
  return undefined;
}

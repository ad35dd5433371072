// Key strength: RSA moduli under 2048 bits can be factored with feasible effort (NIST SP 800-57
// Part 1 Rev. 5 §5.6.1 gives 1024-bit RSA under 80 bits of security; SP 800-131A Rev. 2 disallows it
// for signatures). in-toto verifiers accept such keys, so Totem does not refuse them: signers warn.

import { createPublicKey } from "node:crypto";
import { RSA_BITS } from "./keygen.js";
import type { PublicKeyMaterial } from "./types.js";

/** The modulus size of an RSA key in bits; undefined for other key types. */
export function rsaModulusBits(key: PublicKeyMaterial): number | undefined {
  if (key.keytype !== "rsa") return undefined;
  try {
    return createPublicKey(key.publicValueModern).asymmetricKeyDetails?.modulusLength;
  } catch {
    return undefined;
  }
}

/**
 * Why a key is too weak to sign with, as a sentence, or undefined when it is not: an RSA modulus
 * under {@link RSA_BITS}.min (2048) bits. Never throws.
 */
export function weakKeyProblem(key: PublicKeyMaterial): string | undefined {
  const bits = rsaModulusBits(key);
  if (bits === undefined || bits >= RSA_BITS.min) return undefined;
  return `it is a ${bits}-bit RSA key; keys under ${RSA_BITS.min} bits can be forged (NIST SP 800-131A), so generate a new one (totem keygen --type rsa)`;
}

// The signature schemes securesystemslib 0.26 knows (SPEC-NOTES §6), parsed once into what
// node:crypto needs: the algorithm family, the digest, and the padding for RSA.

import { constants } from "node:crypto";

/** A scheme resolved to node:crypto parameters. */
export type SchemeSpec =
  | { family: "ed25519" }
  | { family: "rsa"; digest: string; padding: "pss" | "pkcs1v15" }
  | { family: "ecdsa"; digest: string };

const RSA_SCHEME = /^(rsassa-pss|rsa-pkcs1v15)-(sha224|sha256|sha384|sha512)$/;
const ECDSA_SCHEME = /^ecdsa-sha2-nistp(256|384)$/;
/** keytypes securesystemslib accepts for ECDSA keys (`ssl/formats.py` ECDSAKEY_SCHEMA). */
const ECDSA_KEYTYPES = new Set(["ecdsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384"]);

/** Resolves a `(keytype, scheme)` pair, or says why it is not supported. */
export function resolveScheme(keytype: string, scheme: string): SchemeSpec | string {
  if (scheme === "ed25519") {
    return keytype === "ed25519" ? { family: "ed25519" } : `scheme "ed25519" needs keytype "ed25519", not "${keytype}"`;
  }
  const rsa = RSA_SCHEME.exec(scheme);
  if (rsa) {
    if (keytype !== "rsa") return `scheme "${scheme}" needs keytype "rsa", not "${keytype}"`;
    return { family: "rsa", digest: rsa[2] as string, padding: rsa[1] === "rsassa-pss" ? "pss" : "pkcs1v15" };
  }
  const ec = ECDSA_SCHEME.exec(scheme);
  if (ec) {
    if (!ECDSA_KEYTYPES.has(keytype)) return `scheme "${scheme}" needs keytype "ecdsa", not "${keytype}"`;
    return { family: "ecdsa", digest: ec[1] === "256" ? "sha256" : "sha384" };
  }
  return `unsupported signature scheme "${scheme}" (Totem supports ed25519, rsassa-pss-sha256, rsa-pkcs1v15-sha256 and ecdsa-sha2-nistp256/384)`;
}

/** node:crypto RSA padding options: PSS verifies with any salt length (PSS.AUTO) and signs with salt = digest length (32 for SHA-256). */
export function rsaPadding(padding: "pss" | "pkcs1v15", forSigning: boolean): { padding: number; saltLength?: number } {
  if (padding === "pkcs1v15") return { padding: constants.RSA_PKCS1_PADDING };
  return {
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: forSigning ? constants.RSA_PSS_SALTLEN_DIGEST : constants.RSA_PSS_SALTLEN_AUTO,
  };
}

// Signature checks over a digest instead of the message: what `verify-bundle sha256:HEX` needs for a
// message-signature bundle, whose signature covers the artifact's bytes (ECDSA signs their hash).
// node:crypto always hashes what it verifies, so ECDSA goes through @noble/curves with the digest
// as the hash (prehash off, high-S allowed as Go and OpenSSL sign), and RSA PKCS#1 v1.5 is checked by
// recovering the DigestInfo. Ed25519 and RSA-PSS cannot be checked from a digest: false.
import { constants, type KeyObject, publicDecrypt } from "node:crypto";
import type * as Nist from "@noble/curves/nist.js";

// DER DigestInfo prefixes (RFC 8017 §9.2, note 1).
const DIGEST_INFO: Record<number, string> = {
  32: "3031300d060960864801650304020105000420",
  48: "3041300d060960864801650304020205000430",
  64: "3051300d060960864801650304020305000440",
};

/** Whether `signature` by `key` is valid over a message whose hash is `digest`. Never throws. */
export function verifyDigestSignature(nist: typeof Nist, key: KeyObject, digest: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (key.asymmetricKeyType === "ec") {
      const jwk = key.export({ format: "jwk" });
      const curve = { "P-256": nist.p256, "P-384": nist.p384, "P-521": nist.p521 }[jwk.crv ?? ""];
      if (!curve || !jwk.x || !jwk.y) return false;
      const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, "base64url"), Buffer.from(jwk.y, "base64url")]);
      return curve.verify(signature, digest, point, { prehash: false, lowS: false, format: "der" });
    }
    if (key.asymmetricKeyType === "rsa") {
      const prefix = DIGEST_INFO[digest.length];
      if (!prefix) return false;
      const recovered = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
      return recovered.equals(Buffer.concat([Buffer.from(prefix, "hex"), digest]));
    }
    return false;
  } catch {
    return false;
  }
}

// Creating signatures (SPEC-NOTES §6): ed25519 pure, RSASSA-PSS with salt = digest length (32 for
// SHA-256, what securesystemslib uses), PKCS#1 v1.5, ECDSA with DER output.

import { type KeyObject, sign } from "node:crypto";
import { rsaPadding, type SchemeSpec } from "./schemes.js";

/** Signs `data` with a private KeyObject under a resolved scheme. Throws only on programmer error (a key of the wrong kind). */
export function signWithKeyObject(spec: SchemeSpec, key: KeyObject, data: Uint8Array): Uint8Array {
  switch (spec.family) {
    case "ed25519":
      return new Uint8Array(sign(null, data, key));
    case "rsa":
      return new Uint8Array(sign(spec.digest, data, { key, ...rsaPadding(spec.padding, true) }));
    case "ecdsa":
      return new Uint8Array(sign(spec.digest, data, { key, dsaEncoding: "der" }));
  }
}

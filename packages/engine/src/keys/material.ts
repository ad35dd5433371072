// Building PublicKeyMaterial / PrivateKeyMaterial from node:crypto KeyObjects or from the fields of
// a securesystemslib JSON key. Which text goes into `keyval.public` per target is decided here
// (SPEC-NOTES §4.1, §4.3).

import { createPublicKey, type KeyObject } from "node:crypto";
import { toHex } from "../crypto/bytes.js";
import { ed25519RawPublic } from "../crypto/ed25519.js";
import { resolveScheme, type SchemeSpec } from "../crypto/schemes.js";
import { signWithKeyObject } from "../crypto/sign.js";
import { KEYID_HASH_ALGORITHMS_13, keyidFor, usesKeyidHashAlgorithms } from "../keyid.js";
import type { PublicKey, Target } from "../model.js";
import { err, ok, type Result } from "../result.js";
import { extractPublicPem } from "./pem.js";
import type { KeyError, KeyType, PrivateKeyMaterial, PublicKeyMaterial, SigningScheme } from "./types.js";

/** Builds the material from its two `keyval.public` texts; keyids are computed on demand. */
export function publicMaterial(
  keytype: KeyType,
  scheme: SigningScheme,
  publicValue13: string,
  publicValueModern: string,
): PublicKeyMaterial {
  const valueFor = (target: Target) => (usesKeyidHashAlgorithms(target) ? publicValue13 : publicValueModern);
  const keyid = (target: Target) => keyidFor({ keytype, scheme, keyval: { public: valueFor(target) } }, target);
  return {
    keytype,
    scheme,
    publicValue13,
    publicValueModern,
    keyid,
    toLayoutKey(target: Target): PublicKey {
      const key: PublicKey = { keyid: keyid(target), keytype, scheme, keyval: { public: valueFor(target) } };
      if (usesKeyidHashAlgorithms(target)) key.keyid_hash_algorithms = [...KEYID_HASH_ALGORITHMS_13];
      return key;
    },
  };
}

const CURVES: Record<string, SigningScheme> = {
  prime256v1: "ecdsa-sha2-nistp256",
  secp384r1: "ecdsa-sha2-nistp384",
};

/**
 * The material of a public KeyObject. `pemText` is the file's text when the key came from a public
 * PEM: 1.3 keyids hash RSA PEMs as sliced from the file, not re-encoded.
 */
export function materialFromKeyObject(key: KeyObject, pemText?: string): Result<PublicKeyMaterial, KeyError> {
  const type = key.asymmetricKeyType;
  if (type === "ed25519") {
    const hex = toHex(ed25519RawPublic(key));
    return ok(publicMaterial("ed25519", "ed25519", hex, hex));
  }
  const modern = key.export({ type: "spki", format: "pem" }).toString();
  if (type === "rsa" || type === "rsa-pss") {
    // 1.3.1: a public PEM file is sliced by extract_pem; a public half derived from a private key is
    // cryptography's PEM without its final newline (import_rsakey_from_private_pem).
    const value13 = (pemText !== undefined ? extractPublicPem(pemText) : undefined) ?? modern.replace(/\n$/, "");
    return ok(publicMaterial("rsa", "rsassa-pss-sha256", value13, modern));
  }
  if (type === "ec") {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? "";
    const scheme = CURVES[curve];
    if (!scheme) {
      return err({ code: "key-unsupported", message: `ECDSA keys on curve ${curve || "?"} are not supported; use P-256 or P-384.` });
    }
    return ok(publicMaterial("ecdsa", scheme, modern, modern));
  }
  return err({ code: "key-unsupported", message: `${type ?? "this"} keys are not supported; use ed25519, RSA or ECDSA P-256/P-384.` });
}

/** A signer from a private KeyObject and its public material. */
export function privateMaterial(key: KeyObject, pub: PublicKeyMaterial, declaredKeyid?: string): PrivateKeyMaterial {
  const spec = resolveScheme(pub.keytype, pub.scheme) as SchemeSpec;
  const material: PrivateKeyMaterial = { public: pub, sign: (data) => signWithKeyObject(spec, key, data) };
  if (declaredKeyid !== undefined) material.declaredKeyid = declaredKeyid;
  return material;
}

/** The public material derived from a private KeyObject. */
export function materialFromPrivateKeyObject(key: KeyObject): Result<PrivateKeyMaterial, KeyError> {
  const pub = materialFromKeyObject(createPublicKey(key));
  return pub.ok ? ok(privateMaterial(key, pub.value)) : pub;
}

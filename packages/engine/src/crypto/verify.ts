// Signature verification for keys as they appear in layouts (SPEC-NOTES §6). Every public key is
// parsed into a node:crypto KeyObject once and cached by its text, so verifying hundreds of links
// signed by a few functionaries parses each PEM once.

import { createPublicKey, type KeyObject, verify } from "node:crypto";
import { err, ok, type Result } from "../result.js";
import { fromHex } from "./bytes.js";
import { ed25519PublicKeyObject, ed25519RawPublic as ed25519Raw, nobleEd25519 } from "./ed25519.js";
import { resolveScheme, rsaPadding, type SchemeSpec } from "./schemes.js";

/** The fields of a key that verification depends on. */
export interface KeyFields {
  keytype: string;
  scheme: string;
  keyval: { public: string };
}

/** Verifies a signature over some bytes with one already-parsed key; never throws. */
export type Verify = (data: Uint8Array, signature: Uint8Array) => boolean;

const cache = new Map<string, Result<Verify, string>>();
let ed25519Backend: "node" | "noble" = "node";

/**
 * Chooses the Ed25519 implementation behind {@link verifySignature}: node:crypto (default, OpenSSL,
 * several times faster) or @noble/ed25519 (pure JS, for runtimes whose crypto lacks Ed25519).
 */
export function selectEd25519(backend: "node" | "noble"): void {
  ed25519Backend = backend;
}
const CACHE_LIMIT = 4096;

function keyObjectFor(spec: SchemeSpec, publicValue: string): KeyObject | string {
  if (spec.family === "ed25519") {
    const raw = /^[0-9a-fA-F]{64}$/.test(publicValue) ? fromHex(publicValue) : undefined;
    if (!raw) return "an ed25519 keyval.public must be 64 hex characters";
    return ed25519PublicKeyObject(raw);
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: publicValue, format: "pem" });
  } catch {
    return `keyval.public is not a readable ${spec.family.toUpperCase()} public key PEM`;
  }
  const want = spec.family === "rsa" ? ["rsa", "rsa-pss"] : ["ec"];
  if (!want.includes(key.asymmetricKeyType ?? "")) {
    return `keyval.public holds a ${key.asymmetricKeyType} key, not ${spec.family.toUpperCase()}`;
  }
  return key;
}

function makeVerify(spec: SchemeSpec, key: KeyObject): Verify {
  const guard =
    (run: (data: Uint8Array, signature: Uint8Array) => boolean): Verify =>
    (data, signature) => {
      try {
        return run(data, signature);
      } catch {
        return false; // malformed DER, wrong lengths: an invalid signature, not a crash
      }
    };
  switch (spec.family) {
    case "ed25519": {
      const raw = ed25519Raw(key);
      return guard(
        (data, signature) =>
          signature.length === 64 &&
          (ed25519Backend === "noble" ? nobleEd25519.verify(raw, data, signature) : verify(null, data, key, signature)),
      );
    }
    case "rsa": {
      const options = { key, ...rsaPadding(spec.padding, false) };
      return guard((data, signature) => verify(spec.digest, data, options, signature));
    }
    case "ecdsa": {
      // Signatures are DER SEQUENCE{r, s} (SPEC-NOTES §6), node's default dsaEncoding.
      const options = { key, dsaEncoding: "der" as const };
      return guard((data, signature) => verify(spec.digest, data, options, signature));
    }
  }
}

/**
 * A verifier for `key`, parsed once and cached by `(keytype, scheme, keyval.public)`, or a message
 * saying why the key cannot verify anything (unsupported scheme, unreadable key).
 */
export function keyVerifier(key: KeyFields): Result<Verify, string> {
  const id = `${key.keytype}\n${key.scheme}\n${key.keyval.public}`;
  const hit = cache.get(id);
  if (hit) return hit;
  const spec = resolveScheme(key.keytype, key.scheme);
  let result: Result<Verify, string>;
  if (typeof spec === "string") {
    result = err(spec);
  } else {
    const keyObject = keyObjectFor(spec, key.keyval.public);
    result = typeof keyObject === "string" ? err(keyObject) : ok(makeVerify(spec, keyObject));
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(id, result);
  return result;
}

/**
 * Whether `signature` is a valid signature of `data` by `key` under `key.scheme`. Never throws:
 * an unsupported scheme, an unreadable key, a wrong length or malformed DER gives false. Use
 * {@link keyVerifier} to tell a bad key apart from a bad signature.
 */
export function verifySignature(key: KeyFields, data: Uint8Array, signature: Uint8Array): boolean {
  if (typeof key?.keyval?.public !== "string" || typeof key.keytype !== "string" || typeof key.scheme !== "string") {
    return false;
  }
  const verifier = keyVerifier(key);
  return verifier.ok && verifier.value(data, signature);
}

// Ed25519 (RFC 8032, pure, no prehash — what PyNaCl/libsodium do for in-toto, SPEC-NOTES §6) behind
// one interface with two implementations: node:crypto (OpenSSL, about 13× faster, used on the
// verification hot path) and @noble/ed25519 (portable, auditable, for runtimes without OpenSSL).
// Both are tested against RFC 8032 §7.1 and the in-toto signature vectors.

import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import * as noble from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";

/** Raw Ed25519 operations over 32-byte keys and 64-byte signatures. */
export interface Ed25519 {
  /** The 32-byte public key of a 32-byte seed. */
  publicFromSeed(seed: Uint8Array): Uint8Array;
  /** The deterministic 64-byte signature of `message`. */
  sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
  /** Whether `signature` is valid; never throws (wrong lengths and bad points → false). */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

// DER prefixes of an Ed25519 SubjectPublicKeyInfo and PKCS#8 (RFC 8410 §4, §7): the raw key follows.
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** A node:crypto public KeyObject for a raw 32-byte Ed25519 key (throws for a wrong length). */
export function ed25519PublicKeyObject(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new RangeError("an Ed25519 public key has 32 bytes");
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: "der", type: "spki" });
}

/** A node:crypto private KeyObject for a 32-byte Ed25519 seed (throws for a wrong length). */
export function ed25519PrivateKeyObject(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new RangeError("an Ed25519 seed has 32 bytes");
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
}

/** The raw 32 bytes of an Ed25519 public KeyObject. */
export function ed25519RawPublic(key: KeyObject): Uint8Array {
  const der = key.export({ format: "der", type: "spki" });
  return new Uint8Array(der.subarray(der.length - 32));
}

/** The raw 32-byte seed of an Ed25519 private KeyObject. */
export function ed25519RawSeed(key: KeyObject): Uint8Array {
  const der = key.export({ format: "der", type: "pkcs8" });
  return new Uint8Array(der.subarray(der.length - 32));
}

/** Ed25519 through node:crypto (OpenSSL). */
export const nodeEd25519: Ed25519 = {
  publicFromSeed: (seed) => ed25519RawPublic(createPublicKey(ed25519PrivateKeyObject(seed))),
  sign: (seed, message) => new Uint8Array(sign(null, message, ed25519PrivateKeyObject(seed))),
  verify(publicKey, message, signature) {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    try {
      return verify(null, message, ed25519PublicKeyObject(publicKey), signature);
    } catch {
      return false;
    }
  },
};

// noble needs a synchronous SHA-512; set it once unless the host already did.
if (!noble.hashes.sha512) noble.hashes.sha512 = sha512;

/** Ed25519 through @noble/ed25519 (pure JS). RFC 8032 verification semantics, not ZIP-215. */
export const nobleEd25519: Ed25519 = {
  publicFromSeed: (seed) => noble.getPublicKey(seed),
  sign: (seed, message) => noble.sign(message, seed),
  verify(publicKey, message, signature) {
    // noble throws RangeError on wrong lengths and bad encodings; untrusted input must be a failure.
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    try {
      return noble.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },
};

// OpenPGP signature checks as securesystemslib 0.26 makes them for in-toto 1.3.1
// (gpg/functions.py verify_signature; gpg/rsa.py, dsa.py, eddsa.py; gpg/util.py hash_object):
// the key is taken from its numbers in the layout (keyval.public), never from a keyring, and the
// signed data is RFC 4880 §5.2.4's: content ‖ other_headers ‖ 0x04 0xff ‖ len(other_headers) as 4
// bytes, hashed with SHA-256 whatever hash the packet names. RSA is PKCS#1 v1.5, DSA takes the DER
// (r, s) securesystemslib stores, EdDSA signs the 32-byte SHA-256 digest itself (RFC 4880bis §5.2.4).
// The primitives are node:crypto's; nothing here reads a file or the clock.

import { createHash, createPublicKey, type KeyObject, constants as cryptoConstants, verify } from "node:crypto";
import type { GpgSignature, JsonObject, PublicKey } from "../model.js";
import { fromHex } from "./bytes.js";
import { ed25519PublicKeyObject } from "./ed25519.js";

/** The outcome of checking an OpenPGP signature with a GPG key. */
export type GpgSignatureCheck = "valid" | "invalid" | "expired";

/** Whether a signature object is OpenPGP's `{keyid, other_headers, signature}` (GPG_SIGNATURE_SCHEMA). */
export function isGpgSignature(sig: unknown): sig is GpgSignature {
  const s = sig as Partial<GpgSignature> | null;
  return typeof s === "object" && s !== null && typeof s.other_headers === "string" && typeof s.signature === "string";
}

/** The bytes an OpenPGP v4 signature covers, for data `content` and hashed part `headers` (RFC 4880 §5.2.4). */
export function gpgSignedData(content: Uint8Array, headers: Uint8Array): Uint8Array {
  const trailer = Buffer.alloc(6);
  trailer[0] = 0x04;
  trailer[1] = 0xff;
  trailer.writeUInt32BE(headers.length, 2);
  return Buffer.concat([content, headers, trailer]);
}

const HEX = /^[0-9a-fA-F]+$/;

function hexNumber(numbers: JsonObject, name: string): Buffer | undefined {
  const v = numbers[name];
  if (typeof v !== "string" || !HEX.test(v)) return undefined;
  // securesystemslib reads these with int(x, 16): an odd length is still a number.
  const b = fromHex(v.length % 2 ? `0${v}` : v);
  return b ? Buffer.from(b) : undefined;
}

/** DER INTEGER of a big-endian unsigned number (leading zeros dropped, a 0x00 added when the top bit is set). */
export function derInteger(n: Buffer): Buffer {
  let i = 0;
  while (i < n.length - 1 && n[i] === 0) i++;
  let body = n.subarray(i);
  if (body.length === 0) body = Buffer.from([0]);
  if ((body[0] as number) & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return derTag(0x02, body);
}

/** A DER TLV with a short or long (up to 2 bytes) length. */
export function derTag(tag: number, body: Buffer): Buffer {
  const len = body.length;
  const head =
    len < 0x80 ? Buffer.from([tag, len]) : len < 0x100 ? Buffer.from([tag, 0x81, len]) : Buffer.from([tag, 0x82, len >> 8, len & 0xff]);
  return Buffer.concat([head, body]);
}

/** id-dsa (1.2.840.10040.4.1), DER-encoded. */
const ID_DSA = Buffer.from("06072a8648ce380401", "hex");

/** A DSA SubjectPublicKeyInfo (RFC 3279 §2.3.2) from the numbers securesystemslib stores. */
function dsaSpki(p: Buffer, q: Buffer, g: Buffer, y: Buffer): Buffer {
  const params = derTag(0x30, Buffer.concat([derInteger(p), derInteger(q), derInteger(g)]));
  const algorithm = derTag(0x30, Buffer.concat([ID_DSA, params]));
  const bitString = derTag(0x03, Buffer.concat([Buffer.from([0]), derInteger(y)]));
  return derTag(0x30, Buffer.concat([algorithm, bitString]));
}

const keyCache = new Map<string, KeyObject | undefined>();

/** The node:crypto key for a GPG key's numbers, or undefined when they are not a usable key. */
function keyObject(key: PublicKey): KeyObject | undefined {
  const numbers = key.gpg?.public;
  if (!numbers) return undefined;
  const id = `${key.keytype}\n${key.keyval.public}`;
  if (keyCache.has(id)) return keyCache.get(id);
  let out: KeyObject | undefined;
  try {
    if (key.keytype === "rsa") {
      const n = hexNumber(numbers, "n");
      const e = hexNumber(numbers, "e");
      if (n && e) out = createPublicKey({ key: { kty: "RSA", n: n.toString("base64url"), e: e.toString("base64url") }, format: "jwk" });
    } else if (key.keytype === "dsa") {
      const [p, q, g, y] = ["p", "q", "g", "y"].map((k) => hexNumber(numbers, k));
      if (p && q && g && y) out = createPublicKey({ key: dsaSpki(p, q, g, y), format: "der", type: "spki" });
    } else if (key.keytype === "eddsa") {
      const q = hexNumber(numbers, "q");
      if (q && q.length === 32) out = ed25519PublicKeyObject(q);
    }
  } catch {
    out = undefined; // numbers that are no key (e.g. a DSA p that is not prime-sized): nothing verifies
  }
  if (keyCache.size > 1024) keyCache.clear();
  keyCache.set(id, out);
  return out;
}

/**
 * The key securesystemslib verifies `sig` with: the subkey whose fingerprint is `sig.keyid`, or the
 * key itself (gpg/functions.py verify_signature).
 */
export function gpgVerificationKey(key: PublicKey, sigKeyid: string): PublicKey {
  const subkeys = key.gpg?.subkeys;
  return subkeys && Object.hasOwn(subkeys, sigKeyid) ? (subkeys[sigKeyid] as PublicKey) : key;
}

/**
 * Whether the (sub)key has expired at `now`: `creation_time + validity_period < now`, both present
 * and non-zero, as securesystemslib checks before verifying (it raises KeyExpirationError).
 */
export function gpgKeyExpired(key: PublicKey, now: Date): boolean {
  const created = key.gpg?.creation_time;
  const validity = key.gpg?.validity_period;
  return !!created && !!validity && created + validity < now.getTime() / 1000;
}

/**
 * Checks an OpenPGP signature over `content` with GPG key `key` (or the subkey `sig.keyid` names),
 * as securesystemslib does: "expired" when that (sub)key has expired at `now` (skipped when `now` is
 * undefined), else "valid" or "invalid". Never throws.
 */
export function verifyGpgSignature(sig: GpgSignature, key: PublicKey, content: Uint8Array, now: Date | undefined): GpgSignatureCheck {
  const signing = gpgVerificationKey(key, sig.keyid);
  if (now && gpgKeyExpired(signing, now)) return "expired";
  // securesystemslib picks the algorithm by the master key's type and checks the subkey against it.
  if (signing.keytype !== key.keytype) return "invalid";
  const k = keyObject(signing);
  const headers = HEX.test(sig.other_headers) && sig.other_headers.length % 2 === 0 ? fromHex(sig.other_headers) : undefined;
  let value = HEX.test(sig.signature) && sig.signature.length % 2 === 0 ? fromHex(sig.signature) : undefined;
  if (!k || !headers || !value) return "invalid";
  const data = gpgSignedData(content, headers);
  try {
    switch (signing.keytype) {
      case "rsa": {
        // securesystemslib left-pads the signature with zeros to the modulus length (gpg/rsa.py).
        const modulus = Math.ceil((k.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
        if (value.length < modulus) value = Buffer.concat([Buffer.alloc(modulus - value.length), value]);
        return verify("sha256", data, { key: k, padding: cryptoConstants.RSA_PKCS1_PADDING }, value) ? "valid" : "invalid";
      }
      case "dsa":
        return verify("sha256", data, { key: k, dsaEncoding: "der" }, value) ? "valid" : "invalid";
      case "eddsa": {
        const digest = createHash("sha256").update(data).digest();
        return value.length === 64 && verify(null, digest, k, value) ? "valid" : "invalid";
      }
      default:
        return "invalid";
    }
  } catch {
    return "invalid"; // malformed DER, wrong lengths: an invalid signature, not a crash
  }
}

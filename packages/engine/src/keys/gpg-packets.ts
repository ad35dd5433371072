// OpenPGP packets → securesystemslib's GPG shapes, through the openpgp library (RFC 4880 parsing and
// self-signature checks). Mirrors securesystemslib 0.26 gpg/common.py, which in-toto 1.3.1 uses:
//  - get_pubkey_bundle: the master key's numbers, fingerprint and creation time; its
//    `validity_period` from the newest valid User ID self-certification with a key-expiration
//    subpacket (a primary User ID's certification, once seen, is not replaced by a non-primary one);
//    subkeys of a supported algorithm with exactly one subkey-binding signature, valid, by the
//    master key (their `validity_period` from that signature). Other subkeys are left out.
//  - parse_signature_packet: a v4 binary-document signature with SHA-256 → {keyid: the issuer
//    fingerprint, other_headers: the hashed part, signature: RSA s / DSA DER(r, s) / EdDSA r‖s}.
// Pure: bytes in, results out. Never throws for input.

import type * as OpenPGP from "openpgp";
import { canonicalString } from "../canonical-json.js";
import { toHex } from "../crypto/bytes.js";
import { derInteger, derTag } from "../crypto/gpg-verify.js";
import type { GpgSignature, JsonObject, PublicKey } from "../model.js";
import { err, ok, type Result } from "../result.js";
import { GPG_METHODS } from "./gpg-key.js";
import type { KeyError } from "./types.js";

/**
 * openpgp, loaded on first use: it is large, and only GPG keys and signatures need it (the CLI
 * bundle puts it in a chunk of its own, so other commands never parse it).
 */
let library: Promise<typeof OpenPGP> | undefined;
const openpgpLib = () => (library ??= import("openpgp"));

/** The RFC 4880 numbers used here (openpgp's enums, which live in the lazily loaded library). */
const enums = {
  hash: { sha1: 2, sha256: 8, sha512: 10 },
  publicKey: { rsaEncryptSign: 1, dsa: 17, eddsaLegacy: 22 },
  signature: { binary: 0, subkeyBinding: 24 },
} as const;
/** ed25519's curve OID 1.3.6.1.4.1.11591.15.1, as in the key packet. */
const ED25519_OID = "2b06010401da470f01";
/** The hash algorithms securesystemslib accepts on self-signatures (SHA1, SHA256, SHA512). */
const SELF_SIG_HASHES = new Set<number>([enums.hash.sha1, enums.hash.sha256, enums.hash.sha512]);
/** openpgp's defaults refuse small RSA keys and SHA-1 self-signatures; securesystemslib does not. */
const LENIENT: Partial<OpenPGP.Config> = {
  minRSABits: 512,
  rejectHashAlgorithms: new Set(),
  rejectMessageHashAlgorithms: new Set(),
  rejectPublicKeyAlgorithms: new Set(),
  rejectCurves: new Set(),
};

type KeyPacket = OpenPGP.PublicKeyPacket | OpenPGP.PublicSubkeyPacket | OpenPGP.SecretKeyPacket | OpenPGP.SecretSubkeyPacket;
type Params = Record<string, Uint8Array | { getOID?: () => unknown; toHex?: () => string } | undefined>;

function typeOf(algorithm: number | null): keyof typeof GPG_METHODS | undefined {
  if (algorithm === enums.publicKey.rsaEncryptSign) return "rsa";
  if (algorithm === enums.publicKey.dsa) return "dsa";
  if (algorithm === enums.publicKey.eddsaLegacy) return "eddsa";
  return undefined;
}

const hex = (b: unknown) => (b instanceof Uint8Array ? toHex(b) : "");

/** The securesystemslib `keyval.public` of a key packet, or a reason it is not supported. */
function numbersOf(packet: KeyPacket): { type: keyof typeof GPG_METHODS; numbers: JsonObject } | string {
  if (packet.version !== 4) return `OpenPGP key packets of version ${packet.version} are not supported (only 4)`;
  const type = typeOf(packet.algorithm);
  if (!type) return `OpenPGP keys of algorithm ${packet.algorithm} are not supported (RSA, DSA and EdDSA ed25519 are)`;
  const p = packet.publicParams as unknown as Params;
  if (type === "rsa") return { type, numbers: { e: hex(p.e), n: hex(p.n) } };
  if (type === "dsa") return { type, numbers: { y: hex(p.y), p: hex(p.p), g: hex(p.g), q: hex(p.q) } };
  const oid = p.oid as { toHex?: () => string } | undefined;
  const q = p.Q;
  if (oid?.toHex?.() !== ED25519_OID || !(q instanceof Uint8Array) || q.length !== 33 || q[0] !== 0x40) {
    return "only EdDSA keys on ed25519 are supported";
  }
  return { type, numbers: { q: toHex(q.subarray(1)) } };
}

function keyFrom(packet: KeyPacket): PublicKey | string {
  const n = numbersOf(packet);
  if (typeof n === "string") return n;
  return {
    keyid: packet.getFingerprint(),
    keytype: n.type,
    scheme: GPG_METHODS[n.type],
    keyval: { public: canonicalString(n.numbers), private: "" },
    gpg: { public: n.numbers, hashes: ["pgp+SHA2"], creation_time: Math.floor(packet.getCreationTime().getTime() / 1000) },
  };
}

async function verified(run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch {
    return false;
  }
}

function usable(sig: OpenPGP.SignaturePacket): boolean {
  return sig.version === 4 && sig.hashAlgorithm !== null && SELF_SIG_HASHES.has(sig.hashAlgorithm) && typeOf(sig.publicKeyAlgorithm) !== undefined;
}

/** The header bytes of each packet, grouped by key (a key starts at a public-key packet, tag 6). */
type Headers = { tag: number; header: Uint8Array }[];

/** Walks the packet headers of OpenPGP data (RFC 4880 §4.2; no body is read). Stops at what it cannot walk. */
function packetHeaders(bytes: Uint8Array): Headers[] {
  const keys: Headers[] = [];
  const u32 = (at: number) => (((bytes[at] ?? 0) << 24) >>> 0) + ((bytes[at + 1] ?? 0) << 16) + ((bytes[at + 2] ?? 0) << 8) + (bytes[at + 3] ?? 0);
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (!(b & 0x80)) break;
    let tag: number;
    let headerLength: number;
    let bodyLength: number;
    if (b & 0x40) {
      tag = b & 0x3f;
      const l0 = bytes[i + 1] ?? 0;
      if (l0 < 192) [headerLength, bodyLength] = [2, l0];
      else if (l0 < 224) [headerLength, bodyLength] = [3, ((l0 - 192) << 8) + (bytes[i + 2] ?? 0) + 192];
      else if (l0 === 255) [headerLength, bodyLength] = [6, u32(i + 2)];
      else break; // partial body lengths: not in exported keys
    } else {
      tag = (b >> 2) & 0x0f;
      const type = b & 3;
      if (type === 0) [headerLength, bodyLength] = [2, bytes[i + 1] ?? 0];
      else if (type === 1) [headerLength, bodyLength] = [3, ((bytes[i + 1] ?? 0) << 8) + (bytes[i + 2] ?? 0)];
      else if (type === 2) [headerLength, bodyLength] = [5, u32(i + 1)];
      else break;
    }
    if (tag === 6) keys.push([]);
    keys[keys.length - 1]?.push({ tag, header: bytes.subarray(i, i + headerLength) });
    i += headerLength + bodyLength;
  }
  return keys;
}

/**
 * Which self-signatures securesystemslib 0.26 can verify at all. It hashes the packets as exported,
 * header included: the primary key as `packet` (right only for an old-format header with a 2-byte
 * length, 0x99), a User ID as 0xb4 00 00 00 + `packet[1:]` (right only for a 1-byte length), a
 * subkey as 0x99 + `packet[1:]` (right only for 0xb9 and a 2-byte length). gpg writes small packets
 * (an ed25519 key's) with a 1-byte length, so 1.3.1 sees no validity period and no subkeys there.
 */
interface SslibHashing {
  primary: boolean;
  userIds: boolean[];
  subkeys: boolean[];
}

function sslibHashing(headers: Headers | undefined): SslibHashing | undefined {
  const primary = headers?.[0];
  if (!headers || !primary) return undefined;
  return {
    primary: primary.header.length === 3 && primary.header[0] === 0x99,
    userIds: headers.filter((h) => h.tag === 13).map((h) => h.header.length === 2),
    subkeys: headers.filter((h) => h.tag === 14).map((h) => h.header.length === 3 && h.header[0] === 0xb9),
  };
}

/** `_assign_certified_key_info`: the master key's validity period from its User ID self-certifications. */
async function masterValidity(key: OpenPGP.PublicKey, hashing: SslibHashing | undefined): Promise<number | undefined> {
  const openpgp = await openpgpLib();
  if (hashing && !hashing.primary) return undefined;
  let userIndex = -1;
  const primary = key.keyPacket;
  const fingerprint = primary.getFingerprint();
  let validity: number | undefined;
  let isPrimary: boolean | null = false;
  let created: number | undefined;
  for (const user of key.users) {
    if (!user.userID) continue; // User Attribute packets are not considered
    userIndex++;
    if (hashing && hashing.userIds[userIndex] === false) continue;
    for (const sig of [...user.selfCertifications, ...user.otherCertifications]) {
      if (!usable(sig)) continue;
      const issuer = sig.issuerFingerprint ? toHex(sig.issuerFingerprint) : sig.issuerKeyID.toHex();
      if (!fingerprint.endsWith(issuer)) continue;
      const ok = await verified(() =>
        sig.verify(primary, sig.signatureType as number, { userID: user.userID, key: primary }, undefined, false, { ...openpgp.config, ...LENIENT }),
      );
      if (!ok || sig.keyExpirationTime === null || sig.keyExpirationTime === undefined) continue;
      const sigCreated = Math.floor((sig.created?.getTime() ?? 0) / 1000);
      const primaryFlag = sig.isPrimaryUserID === null || sig.isPrimaryUserID === undefined ? null : Boolean(sig.isPrimaryUserID);
      if (isPrimary && !primaryFlag) continue;
      if (!created || created < sigCreated) {
        validity = sig.keyExpirationTime as number;
        isPrimary = primaryFlag;
        created = sigCreated;
      }
    }
  }
  return validity;
}

/** `_get_verified_subkeys`: the subkeys bound to the master key, with their validity periods. */
async function verifiedSubkeys(key: OpenPGP.PublicKey, hashing: SslibHashing | undefined): Promise<Record<string, PublicKey>> {
  const openpgp = await openpgpLib();
  if (hashing && !hashing.primary) return {};
  const out: Record<string, PublicKey> = {};
  const primary = key.keyPacket;
  for (const [index, subkey] of key.subkeys.entries()) {
    if (hashing && hashing.subkeys[index] === false) continue;
    const sub = keyFrom(subkey.keyPacket);
    if (typeof sub === "string") continue;
    const bindings = subkey.bindingSignatures.filter(usable);
    if (bindings.length !== 1) continue;
    const binding = bindings[0] as OpenPGP.SignaturePacket;
    const ok = await verified(() =>
      binding.verify(primary, enums.signature.subkeyBinding, { key: primary, bind: subkey.keyPacket }, undefined, false, { ...openpgp.config, ...LENIENT }),
    );
    if (!ok) continue;
    if (binding.keyExpirationTime !== null && binding.keyExpirationTime !== undefined && sub.gpg) {
      sub.gpg.validity_period = binding.keyExpirationTime as number;
    }
    out[sub.keyid] = sub;
  }
  return out;
}

const keyFail = (message: string) => err<KeyError>({ code: "key-unreadable", message });

/**
 * Reads an OpenPGP public key — `gpg --export` output, binary or ASCII-armored, possibly several
 * keys — and returns the one whose fingerprint (or a subkey's) ends with `keyid` (any key when
 * `keyid` is undefined and there is one), in the shape securesystemslib's `export_pubkey` gives.
 */
export async function readGpgPublicKey(data: Uint8Array | string, keyid?: string): Promise<Result<PublicKey, KeyError>> {
  let keys: OpenPGP.PublicKey[];
  let binary: Uint8Array;
  try {
    const openpgp = await openpgpLib();
    const text = typeof data === "string" ? data : undefined;
    const bytes = typeof data === "string" ? undefined : data;
    const armored = text ?? (bytes && bytes.length > 0 && bytes[0] === 0x2d ? new TextDecoder().decode(bytes) : undefined);
    binary = armored !== undefined ? (await openpgp.unarmor(armored, LENIENT as OpenPGP.Config)).data as Uint8Array : (bytes as Uint8Array);
    keys = (await openpgp.readKeys({ binaryKeys: binary, config: LENIENT })) as OpenPGP.PublicKey[];
  } catch (e) {
    return keyFail(`The OpenPGP key data cannot be read (${e instanceof Error ? e.message : String(e)}); export it with gpg --export --armor FINGERPRINT.`);
  }
  const want = keyid?.toLowerCase();
  const matches = (k: OpenPGP.PublicKey) =>
    want === undefined || [k.getFingerprint(), ...k.subkeys.map((s) => s.getFingerprint())].some((f) => f.endsWith(want));
  const candidates = keys.filter(matches);
  if (candidates.length === 0) {
    return keyFail(want ? `No OpenPGP key with fingerprint or keyid ${keyid} is in the key data.` : "The key data holds no OpenPGP key.");
  }
  if (candidates.length > 1) {
    return keyFail(`The key data holds ${candidates.length} OpenPGP keys; name one by its fingerprint.`);
  }
  const key = candidates[0] as OpenPGP.PublicKey;
  const master = keyFrom(key.keyPacket);
  if (typeof master === "string") return err({ code: "key-unsupported", message: `The OpenPGP key ${key.getFingerprint()} cannot be used: ${master}.` });
  const hashing = sslibHashing(packetHeaders(binary)[keys.indexOf(key)]);
  const validity = await masterValidity(key, hashing);
  if (validity !== undefined && master.gpg) master.gpg.validity_period = validity;
  const subkeys = await verifiedSubkeys(key, hashing);
  // As get_pubkey_bundle: the keyid must name the master key or a subkey that was kept (a subkey of
  // an unsupported algorithm, such as ElGamal, or without a valid binding is not found).
  if (want !== undefined && ![master.keyid, ...Object.keys(subkeys)].some((id) => id.endsWith(want))) {
    return keyFail(`The OpenPGP key ${keyid} is a subkey that cannot be used (not a supported signing algorithm, or not validly bound to its master key).`);
  }
  if (Object.keys(subkeys).length > 0 && master.gpg) master.gpg.subkeys = subkeys;
  return ok(master);
}

/**
 * Reads the detached signature `gpg --detach-sign --digest-algo SHA256` writes (binary) into
 * securesystemslib's signature object, as `parse_signature_packet` does (it needs a v4 binary
 * signature with SHA-256 and an issuer fingerprint subpacket, which gpg ≥ 2.1 writes).
 */
export async function readGpgSignature(data: Uint8Array): Promise<Result<GpgSignature, string>> {
  let packet: OpenPGP.SignaturePacket | undefined;
  try {
    const openpgp = await openpgpLib();
    const sig = await openpgp.readSignature({ binarySignature: data, config: LENIENT });
    packet = sig.packets[0];
  } catch (e) {
    return err(`gpg's output is not an OpenPGP signature: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (packet?.version !== 4) return err("gpg did not write a version 4 signature packet");
  if (packet.signatureType !== enums.signature.binary) return err(`gpg wrote a signature of type ${packet.signatureType}, not a binary-document signature`);
  if (packet.hashAlgorithm !== enums.hash.sha256) return err("gpg did not sign with SHA-256");
  const type = typeOf(packet.publicKeyAlgorithm);
  if (!type) return err(`signatures of OpenPGP algorithm ${packet.publicKeyAlgorithm} are not supported (RSA, DSA and EdDSA are)`);
  if (!packet.issuerFingerprint) return err("the signature has no issuer fingerprint (gpg older than 2.1?)");
  const headers = packet.signatureData ?? new Uint8Array();
  const params = (packet as unknown as { params: Params }).params ?? {};
  let value: Uint8Array;
  const mpi = (name: string) => {
    const v = params[name];
    return v instanceof Uint8Array ? v : new Uint8Array();
  };
  if (type === "rsa") {
    value = mpi("s");
  } else if (type === "dsa") {
    value = dsaDer(mpi("r"), mpi("s"));
  } else {
    value = new Uint8Array([...leftPad(mpi("r"), 32), ...leftPad(mpi("s"), 32)]);
  }
  return ok({ keyid: toHex(packet.issuerFingerprint), other_headers: toHex(headers), signature: toHex(value) });
}

function leftPad(b: Uint8Array, n: number): Uint8Array {
  if (b.length >= n) return b;
  const out = new Uint8Array(n);
  out.set(b, n - b.length);
  return out;
}

/** DER SEQUENCE { INTEGER r, INTEGER s } (what pyca's encode_dss_signature writes). */
function dsaDer(r: Uint8Array, s: Uint8Array): Uint8Array {
  return derTag(0x30, Buffer.concat([derInteger(Buffer.from(r)), derInteger(Buffer.from(s))]));
}

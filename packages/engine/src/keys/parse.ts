// Reading key files: securesystemslib JSON (plain or encrypted), PEM SPKI / PKCS#8 / PKCS#1 /
// SEC1 (SPEC-NOTES §4.1, §4.2). Never throws: every failure is a KeyError saying what to do.

import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { fromHex } from "../crypto/bytes.js";
import { ed25519PrivateKeyObject, nodeEd25519 } from "../crypto/ed25519.js";
import { resolveScheme } from "../crypto/schemes.js";
import { keyVerifier } from "../crypto/verify.js";
import type { PublicKey } from "../model.js";
import { err, ok, type Result } from "../result.js";
import { materialFromKeyObject, materialFromPrivateKeyObject, privateMaterial, publicMaterial } from "./material.js";
import { pemKind } from "./pem.js";
import { gpgKeyFromText, isOpenPgpKeyData } from "./gpg-key.js";
import { isSslibEncrypted, sslibDecrypt } from "./sslib-encryption.js";
import type { KeyError, KeyErrorCode, KeyType, PrivateKeyMaterial, PublicKeyMaterial, SigningScheme, VerifierKey } from "./types.js";

const fail = (code: KeyErrorCode, message: string) => err<KeyError>({ code, message });
const KEYTYPES: readonly string[] = ["ed25519", "rsa", "ecdsa"];
const UNREADABLE =
  "expected a PEM key (-----BEGIN ... KEY-----) or a securesystemslib JSON key as written by in-toto-keygen or totem keygen";

/** The fields of a securesystemslib JSON key that matter here. */
interface SslibJson {
  keytype: KeyType;
  scheme: SigningScheme;
  keyid?: string;
  public: string;
  private?: string;
}

function readSslibJson(text: string): Result<SslibJson, KeyError> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return fail("key-unreadable", `The key file is not valid JSON: ${UNREADABLE}.`);
  }
  const d = data as { keytype?: unknown; scheme?: unknown; keyid?: unknown; keyval?: { public?: unknown; private?: unknown } };
  if (typeof d !== "object" || d === null || typeof d.keytype !== "string" || typeof d.keyval?.public !== "string") {
    return fail("key-unreadable", `The JSON key needs "keytype" and "keyval": {"public": ...}: ${UNREADABLE}.`);
  }
  if (!KEYTYPES.includes(d.keytype)) {
    return fail("key-unsupported", `Keys of type "${d.keytype}" are not supported; use ed25519, rsa or ecdsa.`);
  }
  if (typeof d.scheme !== "string") return fail("key-unreadable", 'The JSON key has no "scheme"; add it (e.g. "ed25519").');
  const spec = resolveScheme(d.keytype, d.scheme);
  if (typeof spec === "string") return fail("key-unsupported", `The JSON key cannot be used: ${spec}.`);
  const check = keyVerifier({ keytype: d.keytype, scheme: d.scheme, keyval: { public: d.keyval.public } });
  if (!check.ok) return fail("key-unreadable", `The JSON key's public value is unusable: ${check.error}.`);
  const out: SslibJson = { keytype: d.keytype as KeyType, scheme: d.scheme as SigningScheme, public: d.keyval.public };
  if (typeof d.keyid === "string") out.keyid = d.keyid;
  if (typeof d.keyval.private === "string" && d.keyval.private !== "") out.private = d.keyval.private;
  return ok(out);
}

/** A JSON key's public material: both targets use `keyval.public` exactly as stored (SPEC-NOTES §4.3). */
function jsonMaterial(key: SslibJson): PublicKeyMaterial {
  return publicMaterial(key.keytype, key.scheme, key.public, key.public);
}

function checkHint(material: PublicKeyMaterial, hint?: { type?: KeyType }): Result<PublicKeyMaterial, KeyError> {
  if (hint?.type && hint.type !== material.keytype) {
    return fail("key-unsupported", `This is an ${material.keytype} key, but an ${hint.type} key was expected; check the key type option.`);
  }
  return ok(material);
}

function clean(text: string): string {
  return text.replace(/^\uFEFF/, "").trim();
}

/**
 * Reads a public key file: securesystemslib JSON (`NAME.pub` from in-toto-keygen), or a PEM
 * SubjectPublicKeyInfo (ed25519, RSA, EC P-256/P-384). `hint.type` makes a key of another type an
 * error. A private key gives `key-not-public`.
 */
export function parsePublicKey(text: string, hint?: { type?: KeyType }): Result<PublicKeyMaterial, KeyError> {
  if (typeof text !== "string") return fail("key-unreadable", `The key is not text: ${UNREADABLE}.`);
  const body = clean(text);
  if (isSslibEncrypted(body)) {
    return fail("key-not-public", "This is an encrypted private key; pass the public key file (usually NAME.pub) instead.");
  }
  if (body.startsWith("{")) {
    const gpg = gpgKeyFromText(body);
    if (gpg) return gpg.ok ? checkHint(gpg.value, hint) : gpg;
    const json = readSslibJson(body);
    if (!json.ok) return json;
    if (json.value.private !== undefined) {
      return fail("key-not-public", "This JSON key contains a private key; pass the public key file (usually NAME.pub) instead.");
    }
    return checkHint(jsonMaterial(json.value), hint);
  }
  if (isOpenPgpKeyData(body)) {
    return fail("key-unreadable", "This is an OpenPGP key block; write it as a GPG key file first: totem gpg-key FINGERPRINT --from FILE -o NAME.gpg.json.");
  }
  const kind = pemKind(body);
  if (kind === "private") {
    return fail("key-not-public", "This is a private key; pass the public key file (usually NAME.pub) instead.");
  }
  if (kind === undefined) return fail("key-unreadable", `The key is not readable: ${UNREADABLE}.`);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: body, format: "pem" });
  } catch {
    return fail("key-unreadable", `The PEM public key is damaged or of an unknown kind: ${UNREADABLE}.`);
  }
  const material = materialFromKeyObject(key, body);
  return material.ok ? checkHint(material.value, hint) : material;
}

function privateFromJson(json: SslibJson): Result<PrivateKeyMaterial, KeyError> {
  if (json.private === undefined) {
    return fail("key-not-private", "This JSON key has no private part; pass the private key file (NAME, not NAME.pub).");
  }
  const pub = jsonMaterial(json);
  let key: KeyObject;
  if (json.keytype === "ed25519") {
    const seed = /^[0-9a-fA-F]{64}$/.test(json.private) ? fromHex(json.private) : undefined;
    if (!seed) return fail("key-unreadable", "The ed25519 private value must be 64 hex characters (a 32-byte seed).");
    if (Buffer.from(nodeEd25519.publicFromSeed(seed)).toString("hex") !== json.public.toLowerCase()) {
      return fail("key-unreadable", "The ed25519 private and public values do not belong together; regenerate the key.");
    }
    key = ed25519PrivateKeyObject(seed);
  } else {
    try {
      key = createPrivateKey({ key: json.private, format: "pem" });
    } catch {
      return fail("key-unreadable", `The ${json.keytype} private value is not a readable PEM private key.`);
    }
    if (!samePublic(key, json.public)) {
      return fail("key-unreadable", `The ${json.keytype} private and public values do not belong together; regenerate the key.`);
    }
  }
  return ok(privateMaterial(key, pub, json.keyid));
}

/** Whether a private key and a stored public PEM are the same key pair (compared as SPKI DER). */
function samePublic(key: KeyObject, publicPem: string): boolean {
  try {
    const spki = (k: KeyObject) => k.export({ type: "spki", format: "der" });
    return spki(createPublicKey(key)).equals(spki(createPublicKey({ key: publicPem, format: "pem" })));
  } catch {
    return false;
  }
}

function pemPrivate(body: string, password: string | undefined): Result<PrivateKeyMaterial, KeyError> {
  let key: KeyObject;
  try {
    // An empty passphrase stops OpenSSL from prompting on a terminal for an encrypted PEM.
    key = createPrivateKey({ key: body, format: "pem", passphrase: password ?? "" });
  } catch (e) {
    const message = String((e as Error).message ?? e);
    const encrypted = /ENCRYPTED/.test(body);
    if (encrypted && password === undefined) {
      return fail("key-wrong-password", "The private key is encrypted; give its password.");
    }
    if (encrypted || /bad decrypt|passphrase/i.test(message)) {
      return fail("key-wrong-password", "The password does not decrypt this private key; check it and try again.");
    }
    return fail("key-unreadable", `The PEM private key is damaged or of an unknown kind: ${UNREADABLE}.`);
  }
  return materialFromPrivateKeyObject(key);
}

/**
 * Reads a private key file: securesystemslib JSON (ed25519, ecdsa; plain, or encrypted
 * `salt@@@@iter@@@@hmac@@@@iv@@@@ct` with `opts.password`), PEM PKCS#8 (plain or encrypted),
 * PKCS#1 "RSA PRIVATE KEY" (plain or `Proc-Type: 4,ENCRYPTED`), SEC1 "EC PRIVATE KEY".
 * A public key gives `key-not-private`; a missing or wrong password `key-wrong-password`.
 */
export function parsePrivateKey(text: string, opts?: { password?: string }): Result<PrivateKeyMaterial, KeyError> {
  if (typeof text !== "string") return fail("key-unreadable", `The key is not text: ${UNREADABLE}.`);
  const body = clean(text);
  const password = opts?.password;
  if (isSslibEncrypted(body)) {
    if (password === undefined) return fail("key-wrong-password", "The private key is encrypted; give its password.");
    const plain = sslibDecrypt(body, password);
    if (!plain.ok) {
      return plain.why === "wrong-password"
        ? fail("key-wrong-password", "The password does not decrypt this private key; check it and try again.")
        : fail("key-unreadable", "The encrypted key file is damaged (expected salt@@@@iterations@@@@hmac@@@@iv@@@@ciphertext).");
    }
    const json = readSslibJson(plain.json);
    return json.ok ? privateFromJson(json.value) : json;
  }
  if (body.startsWith("{")) {
    const json = readSslibJson(body);
    return json.ok ? privateFromJson(json.value) : json;
  }
  const kind = pemKind(body);
  if (kind === "public") {
    return fail("key-not-private", "This is a public key; pass the private key file (NAME, not NAME.pub) to sign.");
  }
  if (kind === undefined) return fail("key-unreadable", `The key is not readable: ${UNREADABLE}.`);
  return pemPrivate(body, password);
}

/**
 * Checks a key read out of `layout.keys` and returns it with a cached verifier: an unsupported
 * scheme gives `key-unsupported`, an unreadable public value `key-unreadable`.
 */
export function publicKeyFromLayoutKey(k: PublicKey): Result<VerifierKey, KeyError> {
  if (typeof k?.keytype !== "string" || typeof k.scheme !== "string" || typeof k.keyval?.public !== "string") {
    return fail("key-unreadable", 'A layout key needs string "keytype", "scheme" and "keyval": {"public"}.');
  }
  const spec = resolveScheme(k.keytype, k.scheme);
  if (typeof spec === "string") return fail("key-unsupported", `Key ${k.keyid} cannot be used: ${spec}.`);
  const verifier = keyVerifier(k);
  if (!verifier.ok) return fail("key-unreadable", `Key ${k.keyid} cannot be used: ${verifier.error}.`);
  return ok({ key: k, verify: verifier.value });
}

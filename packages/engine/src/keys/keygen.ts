// Key generation in the file formats in-toto 1.3.1's tools read (SPEC-NOTES §4.1, §4.2):
//   ed25519, ecdsa + "securesystemslib": the JSON in-toto-keygen writes (`NAME.pub` without keyid,
//     `NAME` with keyid and keyval.private; encrypted as salt@@@@iter@@@@hmac@@@@iv@@@@ct).
//     This is the only format in-toto-verify -t ed25519|ecdsa and in-toto-run accept for them.
//   rsa + "pem": SPKI "BEGIN PUBLIC KEY" and PKCS#1 "BEGIN RSA PRIVATE KEY" (encrypted: Proc-Type
//     4,ENCRYPTED with AES-256-CBC), as in-toto-keygen writes them.
//   ed25519, ecdsa + "pem": SPKI and PKCS#8 (encrypted PKCS#8 with a password), for modern tools;
//     1.3.1 cannot read these.
//   rsa + "securesystemslib": a securesystemslib JSON RSA key (PEMs inside); 1.3.1's CLI cannot
//     read it, Totem can.

import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { toHex } from "../crypto/bytes.js";
import { ed25519RawPublic, ed25519RawSeed } from "../crypto/ed25519.js";
import { KEYID_HASH_ALGORITHMS_13 } from "../keyid.js";
import type { JsonObject } from "../model.js";
import { err, ok, type Result } from "../result.js";
import { pythonJsonDumps } from "../serialize.js";
import { parsePublicKey } from "./parse.js";
import { sslibEncrypt } from "./sslib-encryption.js";
import type { KeyError, KeyType } from "./types.js";

/** The texts of a new key pair and its keyids for both targets. */
export interface GeneratedKeyPair {
  privateText: string;
  publicText: string;
  keyid13: string;
  keyidModern: string;
}

/** The RSA modulus sizes accepted; in-toto-keygen's default is 3072. */
export const RSA_BITS = { min: 2048, max: 8192, default: 3072 } as const;

interface Raw {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keytype: KeyType;
  scheme: string;
  /** keyval.public in securesystemslib JSON. */
  publicValue: string;
  /** keyval.private in securesystemslib JSON. */
  privateValue: () => string;
}

function generate(type: KeyType, bits: number): Raw {
  switch (type) {
    case "ed25519": {
      const { privateKey, publicKey } = generateKeyPairSync("ed25519");
      const publicValue = toHex(ed25519RawPublic(publicKey));
      return { privateKey, publicKey, keytype: type, scheme: "ed25519", publicValue, privateValue: () => toHex(ed25519RawSeed(privateKey)) };
    }
    case "ecdsa": {
      const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
      const publicValue = publicKey.export({ type: "spki", format: "pem" }).toString();
      const privateValue = () => privateKey.export({ type: "sec1", format: "pem" }).toString();
      return { privateKey, publicKey, keytype: type, scheme: "ecdsa-sha2-nistp256", publicValue, privateValue };
    }
    case "rsa": {
      const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: bits });
      // securesystemslib keeps RSA public PEMs without their final newline (extract_pem).
      const publicValue = publicKey.export({ type: "spki", format: "pem" }).toString().trimEnd();
      const privateValue = () => privateKey.export({ type: "pkcs1", format: "pem" }).toString().trimEnd();
      return { privateKey, publicKey, keytype: type, scheme: "rsassa-pss-sha256", publicValue, privateValue };
    }
  }
}

function sslibTexts(raw: Raw, keyid: string, password: string | undefined): { publicText: string; privateText: string } {
  // Field order as in-toto-keygen writes them (format_keyval_to_metadata / generate_*_key).
  const pub: JsonObject = {
    keytype: raw.keytype,
    scheme: raw.scheme,
    keyid_hash_algorithms: [...KEYID_HASH_ALGORITHMS_13],
    keyval: { public: raw.publicValue },
  };
  const priv: JsonObject = {
    keytype: raw.keytype,
    scheme: raw.scheme,
    keyid,
    keyid_hash_algorithms: [...KEYID_HASH_ALGORITHMS_13],
    keyval: { public: raw.publicValue, private: raw.privateValue() },
  };
  const privateJson = pythonJsonDumps(priv, undefined, false);
  return {
    publicText: pythonJsonDumps(pub, undefined, false),
    privateText: password === undefined ? privateJson : sslibEncrypt(privateJson, password),
  };
}

function pemTexts(raw: Raw, password: string | undefined): { publicText: string; privateText: string } {
  const publicText = raw.publicKey.export({ type: "spki", format: "pem" }).toString();
  const type = raw.keytype === "rsa" ? "pkcs1" : "pkcs8";
  const privateText = raw.privateKey
    .export(password === undefined ? { type, format: "pem" } : { type, format: "pem", cipher: "aes-256-cbc", passphrase: password })
    .toString();
  return { publicText, privateText };
}

const KEY_TYPES: readonly KeyType[] = ["ed25519", "rsa", "ecdsa"];
const FORMATS = ["pem", "securesystemslib"] as const;

/** Why these generation options are not usable, or undefined when they are. */
function optionsProblem(type: KeyType, format: string, bits: number): string | undefined {
  if (!KEY_TYPES.includes(type)) return `Totem generates ${KEY_TYPES.join(", ")} keys, not ${JSON.stringify(type)}.`;
  if (!(FORMATS as readonly string[]).includes(format)) return `Key files are written as ${FORMATS.join(" or ")}, not ${JSON.stringify(format)}.`;
  if (type === "rsa" && !(Number.isInteger(bits) && bits >= RSA_BITS.min && bits <= RSA_BITS.max)) {
    return `RSA keys need ${RSA_BITS.min} to ${RSA_BITS.max} bits (in-toto-keygen uses ${RSA_BITS.default}), not ${bits}.`;
  }
  return undefined;
}

/**
 * A new key pair as file texts (see the format table at the top of this file) and its keyids,
 * computed from the public text exactly as they will be read back. `opts.password` encrypts the
 * private key. Unusable options (an unknown type or format, RSA `bits` outside {@link RSA_BITS})
 * give a `key-unsupported` error with a message for the user; never throws for them.
 */
export function generateKeyPairChecked(
  type: KeyType,
  format: "pem" | "securesystemslib",
  opts: { bits?: number; password?: string } = {},
): Result<GeneratedKeyPair, KeyError> {
  const bits = opts.bits ?? RSA_BITS.default;
  const problem = optionsProblem(type, format, bits);
  if (problem !== undefined) return err({ code: "key-unsupported", message: problem });
  const raw = generate(type, bits);
  const pub = parsePublicKey(pemTexts(raw, undefined).publicText);
  if (!pub.ok) throw new Error(`generated an unreadable ${type} key: ${pub.error.message}`);
  // For JSON files the keyids hash keyval.public as written, which for RSA is the PEM without its
  // final newline and for ecdsa the PEM with it: the same values the PEM reading yields.
  const keyid13 = pub.value.keyid("in-toto-1.3");
  const texts = format === "securesystemslib" ? sslibTexts(raw, keyid13, opts.password) : pemTexts(raw, opts.password);
  const reread = parsePublicKey(texts.publicText);
  if (!reread.ok) throw new Error(`generated an unreadable ${type} key: ${reread.error.message}`);
  return ok({ ...texts, keyid13: reread.value.keyid("in-toto-1.3"), keyidModern: reread.value.keyid("in-toto") });
}

/**
 * {@link generateKeyPairChecked} for options the caller has already validated (constants, or
 * `totem keygen`'s checked flags). Throws `RangeError` with the same message otherwise: pass user
 * input to the checked variant instead.
 */
export function generateKeyPair(
  type: KeyType,
  format: "pem" | "securesystemslib",
  opts: { bits?: number; password?: string } = {},
): GeneratedKeyPair {
  const pair = generateKeyPairChecked(type, format, opts);
  if (!pair.ok) throw new RangeError(pair.error.message);
  return pair.value;
}

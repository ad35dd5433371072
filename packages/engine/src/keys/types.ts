// The shapes of keys as Totem holds them once read (SPEC-NOTES §4).

import type { Verify } from "../crypto/verify.js";
import type { PublicKey, Target } from "../model.js";

/** Why a key could not be used. Messages say what to do. */
export type KeyErrorCode = "key-unreadable" | "key-wrong-password" | "key-unsupported" | "key-not-public" | "key-not-private";

/** A typed key failure; never thrown. */
export interface KeyError {
  code: KeyErrorCode;
  message: string;
}

/** The key families Totem signs and verifies with. */
export type KeyType = "ed25519" | "rsa" | "ecdsa";

/** The schemes Totem signs with (SPEC-NOTES §6); keys it generates use the first of their family. */
export type SigningScheme =
  | "ed25519"
  | "rsassa-pss-sha256"
  | "rsa-pkcs1v15-sha256"
  | "ecdsa-sha2-nistp256"
  | "ecdsa-sha2-nistp384";

/** A public key read from a file, able to appear in a layout for either target. */
export interface PublicKeyMaterial {
  /** The key family; `"dsa"` only for an OpenPGP DSA key (`gpg`). */
  keytype: KeyType | "dsa";
  scheme: SigningScheme;
  /**
   * `keyval.public` as in-toto 1.3.1 holds it: RSA = the SPKI PEM as `extract_pem` slices it (no
   * trailing newline, CRLF → LF); ECDSA = the PEM as stored (with its trailing newline);
   * ed25519 = 64 lowercase hex.
   */
  publicValue13: string;
  /** `keyval.public` as securesystemslib ≥0.28 holds it: PEMs re-encoded with a trailing newline. */
  publicValueModern: string;
  /** The keyid the verifiers of `target` compute for this key (SPEC-NOTES §4.3). */
  keyid(target: Target): string;
  /** The `layout.keys` entry for `target`, keyid filled in (1.3 entries carry `keyid_hash_algorithms`). */
  toLayoutKey(target: Target): PublicKey;
  /** Set for an OpenPGP key (keys/gpg-key.ts): its keyid is its fingerprint under both targets. */
  gpg?: true;
}

/** A private key able to sign, with its public half. */
export interface PrivateKeyMaterial {
  public: PublicKeyMaterial;
  /** The signature of `data` under `public.scheme` (RSA-PSS salt 32, ECDSA DER, ed25519 pure). */
  sign(data: Uint8Array): Uint8Array;
  /**
   * The `keyid` written inside a securesystemslib JSON private key, if any. in-toto 1.3.1 trusts it
   * as-is for signatures and link file names (SPEC-NOTES §4.1).
   */
  declaredKeyid?: string;
}

/** A key out of `layout.keys`, checked to be usable for verification. */
export interface VerifierKey {
  key: PublicKey;
  /** Verifies a signature by this key; never throws. */
  verify: Verify;
}

// OpenPGP ("GPG") keys as securesystemslib 0.26 / in-toto 1.3.1 write them in layouts
// (ssl formats.py GPG_PUBKEY_SCHEMA; docs/formats.md): reading them out of layout JSON into the
// model, writing them back exactly, and the PublicKeyMaterial a GPG layout key is used through.
// Unknown fields are kept (1.3.1 signs key objects as plain dicts, SPEC-NOTES §1.1).

import { canonicalString } from "../canonical-json.js";
import type { AnySignature, GpgSignature, JsonObject, JsonValue, Metablock, PublicKey, Signature } from "../model.js";
import { validators } from "../load/schemas.js";
import { err, ok, type Result } from "../result.js";
import type { KeyError, KeyType, PublicKeyMaterial, SigningScheme } from "./types.js";

/** securesystemslib's `type` → `method` for the three OpenPGP algorithms it supports (gpg/handlers.py). */
export const GPG_METHODS = {
  rsa: "pgp+rsa-pkcsv1.5",
  dsa: "pgp+dsa-fips-180-2",
  eddsa: "pgp+eddsa-ed25519",
} as const;

/** The fields of a GPG key object that the model holds by name; any other field goes to `extra`. */
const GPG_KEY_FIELDS = new Set(["keyid", "type", "method", "hashes", "keyval", "creation_time", "validity_period", "subkeys"]);

/** Whether a layout key object is an OpenPGP key (it has `method`, as no securesystemslib key does). */
export function isGpgKeyJson(raw: JsonObject): boolean {
  return Object.hasOwn(raw, "method") && !Object.hasOwn(raw, "keytype");
}

/** Whether a model key is an OpenPGP key. */
export function isGpgKey(key: PublicKey): key is PublicKey & { gpg: NonNullable<PublicKey["gpg"]> } {
  return key.gpg !== undefined;
}

/**
 * A schema-valid GPG key object (load/schemas.ts) → the model. `keyval.public` holds the canonical
 * JSON of the numbers so that code comparing `keyval.public` tells two GPG keys apart.
 */
export function gpgKeyFromJson(raw: JsonObject): PublicKey {
  const keyval = raw.keyval as JsonObject;
  const numbers = keyval.public as JsonObject;
  const key: PublicKey = {
    keyid: raw.keyid as string,
    keytype: raw.type as string,
    scheme: raw.method as string,
    keyval: { public: canonicalString(numbers), private: "" },
    gpg: { public: numbers, hashes: raw.hashes as JsonValue[] },
  };
  const gpg = key.gpg as NonNullable<PublicKey["gpg"]>;
  if (typeof raw.creation_time === "number") gpg.creation_time = raw.creation_time;
  if (typeof raw.validity_period === "number") gpg.validity_period = raw.validity_period;
  if (raw.subkeys !== undefined) {
    const subkeys: Record<string, PublicKey> = {};
    for (const [id, sub] of Object.entries(raw.subkeys as JsonObject)) subkeys[id] = gpgKeyFromJson(sub as JsonObject);
    gpg.subkeys = subkeys;
  }
  const keyvalExtra: JsonObject = {};
  for (const [k, v] of Object.entries(keyval)) if (k !== "public" && k !== "private") keyvalExtra[k] = v;
  if (Object.keys(keyvalExtra).length > 0) key.keyvalExtra = keyvalExtra;
  const extra: JsonObject = {};
  for (const [k, v] of Object.entries(raw)) if (!GPG_KEY_FIELDS.has(k)) extra[k] = v;
  if (Object.keys(extra).length > 0) key.extra = extra;
  return key;
}

/** The JSON of a GPG key: `extra` first, then the known fields (which win), as publicKeyToJson does. */
export function gpgKeyToJson(key: PublicKey & { gpg: NonNullable<PublicKey["gpg"]> }): JsonObject {
  const out: JsonObject = { ...(key.extra ?? {}) };
  out.keyid = key.keyid;
  out.type = key.keytype;
  out.method = key.scheme;
  out.hashes = [...key.gpg.hashes];
  out.keyval = { ...(key.keyvalExtra ?? {}), public: { ...key.gpg.public }, private: "" };
  if (key.gpg.creation_time !== undefined) out.creation_time = key.gpg.creation_time;
  if (key.gpg.validity_period !== undefined) out.validity_period = key.gpg.validity_period;
  if (key.gpg.subkeys !== undefined) {
    const subkeys: JsonObject = {};
    for (const [id, sub] of Object.entries(key.gpg.subkeys)) if (isGpgKey(sub)) subkeys[id] = gpgKeyToJson(sub);
    out.subkeys = subkeys;
  }
  return out;
}

/**
 * A GPG layout key as key material: its keyid is its fingerprint under both targets (OpenPGP keyids
 * do not depend on the in-toto version), and `toLayoutKey` gives the key object unchanged.
 */
export function gpgKeyMaterial(key: PublicKey): PublicKeyMaterial {
  return {
    // The key family, for displays and `--key-types` checks; the GPG `type` stays in the layout key.
    keytype: (key.keytype === "eddsa" ? "ed25519" : key.keytype) as KeyType | "dsa",
    scheme: key.scheme as SigningScheme,
    publicValue13: key.keyval.public,
    publicValueModern: key.keyval.public,
    keyid: () => key.keyid,
    toLayoutKey: () => key,
    gpg: true,
  };
}

/** The GPG keys' fingerprints: the key's own and its subkeys' (what a link file name may carry). */
export function gpgKeyids(key: PublicKey): string[] {
  return [key.keyid, ...Object.keys(key.gpg?.subkeys ?? {})];
}

/**
 * Adds an OpenPGP signature (from `gpg --detach-sign` over the canonical payload, read by
 * readGpgSignature) to a Metablock's signatures, replacing one with the same keyid: 1.3.1 checks
 * only the first signature per keyid (SPEC-NOTES §1.1), as Metablock.sign_gpg appends it.
 */
export function withGpgSignature<T>(mb: Metablock<T>, signature: GpgSignature): Metablock<T> {
  const others = (mb.signatures as AnySignature[]).filter((s) => s.keyid !== signature.keyid);
  return { signed: mb.signed, signatures: [...others, signature] as unknown as Signature[] };
}

/**
 * Reads a GPG key file: the key object of a layout, as securesystemslib's `export_pubkey` returns it
 * (JSON with `method` and no `keytype`; `totem gpg-key` writes one from a keyring or an exported key).
 * Undefined when the text is not such JSON, so other key formats are tried.
 */
export function gpgKeyFromText(text: string): Result<PublicKeyMaterial, KeyError> | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof data !== "object" || data === null || Array.isArray(data) || !isGpgKeyJson(data as JsonObject)) return undefined;
  const raw = data as JsonObject;
  const keyid = typeof raw.keyid === "string" ? raw.keyid : "0";
  // The layout schema checks key objects; a key alone is checked as the only key of an empty layout.
  const probe = { _type: "layout", expires: "2000-01-01T00:00:00Z", steps: [], inspect: [], keys: { [/^[0-9a-fA-F]+$/.test(keyid) ? keyid : "0"]: raw } };
  const v = validators();
  if (!v.layout(probe)) {
    const e = v.layout.errors?.[0];
    const where = (e?.instancePath ?? "").replace(/^\/keys\/[^/]*/, "") || "/";
    return err({ code: "key-unreadable", message: `The GPG key file is not a securesystemslib GPG key: at ${where} it ${e?.message ?? "is invalid"}.` });
  }
  return ok(gpgKeyMaterial(gpgKeyFromJson(raw)));
}

/** Whether a key file holds an OpenPGP key block or binary packets rather than a key Totem reads directly. */
export function isOpenPgpKeyData(text: string): boolean {
  return /^-----BEGIN PGP PUBLIC KEY BLOCK-----/m.test(text) || /^[\x98\x99\xc6]/.test(text);
}

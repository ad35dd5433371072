// Key files for `importLayout({keysDir})`: the public key as in-toto-keygen writes it (SPEC-NOTES
// §4.1), used only when reading that file back gives exactly the key object the layout signs.
import { canonicalString, isGpgKey, type PublicKey, parsePublicKey, publicKeyToJson, type Target } from "@totem/engine";

/** The file text for a key: securesystemslib JSON for ed25519/ecdsa, the PEM for RSA. */
function keyText(key: PublicKey): string {
  if (key.keytype === "rsa") return key.keyval.public.endsWith("\n") ? key.keyval.public : `${key.keyval.public}\n`;
  const json = { keytype: key.keytype, scheme: key.scheme, keyid_hash_algorithms: ["sha256", "sha512"], keyval: { public: key.keyval.public } };
  return `${JSON.stringify(json, null, 0).replace(/,"/g, ', "').replace(/":/g, '": ')}\n`;
}

/**
 * The text of a key file that lowers to exactly `key` under `keyid` for `target`, or undefined when
 * no key file can (nonstandard keyid, extra fields, unusual keyid_hash_algorithms, odd PEM).
 */
export function keyFileFor(keyid: string, key: PublicKey, target: Target, computed: string | undefined): string | undefined {
  if (isGpgKey(key)) return gpgKeyFileFor(keyid, key, target);
  if (computed !== keyid || key.keyid !== keyid || Object.keys(key.extra ?? {}).length > 0) return undefined;
  const text = keyText(key);
  const parsed = parsePublicKey(text, { type: key.keytype === "rsa" ? "rsa" : undefined });
  if (!parsed.ok) return undefined;
  let lowered: PublicKey;
  try {
    lowered = parsed.value.toLayoutKey(target);
  } catch {
    return undefined;
  }
  const same = canonicalString(publicKeyToJson(lowered)) === canonicalString(publicKeyToJson(key));
  return same ? text : undefined;
}

/**
 * A GPG key's file: the key object as JSON (securesystemslib's GPG key shape, docs/formats.md), which
 * lowers to exactly that object under its fingerprint for either target; undefined when it would not
 * (a keyid other than the key's own fingerprint field).
 */
function gpgKeyFileFor(keyid: string, key: PublicKey, target: Target): string | undefined {
  if (key.keyid !== keyid) return undefined;
  const text = `${JSON.stringify(publicKeyToJson(key), null, 2)}\n`;
  const parsed = parsePublicKey(text);
  if (!parsed.ok) return undefined;
  const same = canonicalString(publicKeyToJson(parsed.value.toLayoutKey(target))) === canonicalString(publicKeyToJson(key));
  return same ? text : undefined;
}

// keyids (SPEC-NOTES §4.3): the one place that computes them.
//   in-toto 1.3 (securesystemslib 0.26): sha256 of canonical {keytype, scheme,
//     keyid_hash_algorithms: ["sha256", "sha512"], keyval: {public}} — the constant list, whatever
//     the key object itself says (ssl/keys.py:577-599, settings.py:39).
//   in-toto-golang: the 1.3 computation (its `generateKeyID` hashes the key's
//     keyid_hash_algorithms, which it sets to the same constant).
//   modern (securesystemslib ≥0.28 SSlibKey, in-toto ≥2): sha256 of canonical
//     {keytype, scheme, keyval: {public}}.
// The same key therefore has two ids; which one a layout uses is its Target.

import { createHash } from "node:crypto";
import { canonicalize } from "./canonical-json.js";
import type { JsonObject, Target } from "./model.js";
import { assertNever } from "./result.js";

/** The fields a keyid covers. */
export interface KeyidFields {
  keytype: string;
  scheme: string;
  keyval: { public: string };
}

/** What in-toto 1.3.1 hashes into every keyid, whatever the key object says. */
export const KEYID_HASH_ALGORITHMS_13: readonly string[] = ["sha256", "sha512"];

/** Targets whose keyids hash `keyid_hash_algorithms` and whose layout keys carry it (SPEC-NOTES §4.3). */
export function usesKeyidHashAlgorithms(target: Target): boolean {
  return target !== "in-toto";
}

/** The JSON object whose canonical form is hashed into the keyid for `target`. */
export function keyidPreimage(key: KeyidFields, target: Target): JsonObject {
  const base: JsonObject = { keytype: key.keytype, scheme: key.scheme, keyval: { public: key.keyval.public } };
  switch (target) {
    case "in-toto-1.3":
    case "in-toto-golang":
      return { ...base, keyid_hash_algorithms: [...KEYID_HASH_ALGORITHMS_13] };
    case "in-toto":
      return base;
    default:
      return assertNever(target);
  }
}

/** The lowercase hex keyid of `key` as the verifiers of `target` compute it. */
export function keyidFor(key: KeyidFields, target: Target): string {
  return createHash("sha256").update(canonicalize(keyidPreimage(key, target))).digest("hex");
}

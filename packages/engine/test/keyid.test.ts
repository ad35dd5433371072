import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { canonicalString } from "../src/canonical-json.js";
import { keyidFor, keyidPreimage } from "../src/keyid.js";
import { parsePrivateKey, parsePublicKey } from "../src/keys/parse.js";
import type { KeyType } from "../src/keys/types.js";

const dir = new URL("./fixtures/vectors/keyid/", import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir), "utf8");

interface KeyidCase {
  file: string;
  in_toto_verify_key_type: KeyType;
  keyid_1_3_1: string;
  keyid_securesystemslib_ge_0_28: string;
  hashed_canonical_json: string;
  key_dict_as_loaded: { keytype: string; scheme: string; keyval: { public: string } };
}
const cases = (JSON.parse(read("cases.json")) as { cases: KeyidCase[] }).cases;

describe("keyid vectors", () => {
  it("has every vector", () => expect(cases.length).toBe(9));

  it.each(cases.map((c) => [c.file, c] as const))("computes both keyids of %s", (_f, c) => {
    const parsed = parsePublicKey(read(c.file), { type: c.in_toto_verify_key_type });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const key = parsed.value;
    expect(key.keyid("in-toto-1.3")).toBe(c.keyid_1_3_1);
    expect(key.keyid("in-toto")).toBe(c.keyid_securesystemslib_ge_0_28);
    const layoutKey = key.toLayoutKey("in-toto-1.3");
    expect(canonicalString(keyidPreimage(layoutKey, "in-toto-1.3"))).toBe(c.hashed_canonical_json);
    // 1.3.1 loads PEM keys with keyval.private = ""; layouts carry only keyval.public.
    const { private: _private, ...keyval } = c.key_dict_as_loaded.keyval as { public: string; private?: string };
    expect(layoutKey).toMatchObject({ ...c.key_dict_as_loaded, keyval });
    expect(keyidFor(c.key_dict_as_loaded, "in-toto-1.3")).toBe(c.keyid_1_3_1);
    expect(key.toLayoutKey("in-toto")).toEqual({
      keyid: c.keyid_securesystemslib_ge_0_28,
      keytype: key.keytype,
      scheme: key.scheme,
      keyval: { public: key.publicValueModern },
    });
  });

  it("ignores the key's own keyid_hash_algorithms for 1.3 keyids", () => {
    const c = cases[0] as KeyidCase;
    const odd = { ...c.key_dict_as_loaded, keyid_hash_algorithms: ["sha512"] };
    expect(keyidFor(odd, "in-toto-1.3")).toBe(c.keyid_1_3_1);
  });

  it.each([
    ["ed25519", "ed25519.pub", undefined],
    ["ed25519-encrypted", "ed25519-encrypted.pub", "correct horse"],
    ["ecdsa", "ecdsa.pub", undefined],
    ["rsa", "rsa.pub", undefined],
    ["rsa-encrypted", "rsa-encrypted.pub", "correct horse"],
  ])("derives from private key %s the keyids of %s", (priv, pub, password) => {
    const parsed = parsePrivateKey(read(priv), password ? { password } : {});
    expect(parsed.ok).toBe(true);
    const expected = parsePublicKey(read(pub));
    if (!parsed.ok || !expected.ok) return;
    expect(parsed.value.public.keyid("in-toto-1.3")).toBe(expected.value.keyid("in-toto-1.3"));
    expect(parsed.value.public.keyid("in-toto")).toBe(expected.value.keyid("in-toto"));
  });
});

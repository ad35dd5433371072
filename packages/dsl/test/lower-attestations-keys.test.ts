// Target "ite-10" lowering of key functionaries: a key the attestation layout reader refuses (a keyid
// without a key, an OpenPGP key, a key type Totem does not verify, a keyid that is not the key's) is
// an error at the key, never a compiled layout that its own verifier cannot read.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { attestationLayoutToYaml, parseAttestationLayout } from "@totem/engine";
import { describe, expect, it } from "vitest";
import { compileAttestationPolicy } from "../src/index.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const ED25519 = readFileSync(join(ROOT, "examples/gha-attestations/keys/ci.pub"), "utf8");
const GPG = readFileSync(join(ROOT, "packages/engine/test/fixtures/gpg/alice.gpg.json"), "utf8");
const NOW = new Date("2026-06-01T00:00:00Z");

function policy(key: string): string {
  return `layout "x" {
  target "ite-10"
  expires "2027-01-01T00:00:00Z"
  functionary alice ${key}
  step build {
    by alice
    products { create "app"  disallow "*" }
  }
}
`;
}

function compile(key: string, file = ED25519) {
  return compileAttestationPolicy(policy(key), { readKey: () => file, now: NOW });
}

describe("ite-10 key functionaries", () => {
  it("compiles a key file to a layout the reader accepts", async () => {
    const result = compile('key "keys/ci.pub"');
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const back = await parseAttestationLayout(attestationLayoutToYaml(result.layout as never));
    expect(back.ok).toBe(true);
  });

  it.each([
    ["an OpenPGP key file", 'key "keys/alice.gpg.json"', GPG, "OpenPGP"],
    ["a key type Totem does not verify", 'key { type "ecdsa-sha2-nistp256" scheme "ecdsa-sha2-nistp256" public "x" }', ED25519, "keyType"],
    ["a keyid without a key", `key { keyid "${"ab".repeat(32)}" }`, ED25519, "no key"],
    ["a keyid that is not the key's", `key { type "ed25519" scheme "ed25519" public "${"ab".repeat(32)}" keyid "${"0".repeat(64)}" }`, ED25519, "not the keyid"],
  ])("reports %s as ite-10-unsupported at the key, and makes no layout", (_what, key, file, words) => {
    const result = compile(key, file);
    expect(result.layout).toBeUndefined();
    const error = result.diagnostics.find((d) => d.code === "ite-10-unsupported");
    expect(error?.message).toContain(words);
    expect(policy(key).slice(error?.span.start, error?.span.end)).toBe(key);
  });
});

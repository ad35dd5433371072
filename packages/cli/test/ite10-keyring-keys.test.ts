// A target "ite-10" policy whose functionary names its key from a keyring (`key gpg "FINGERPRINT"
// from "keyring.asc"`): `check`, `compile` and `test` lower its attestation layout once, with the
// keyring keys read, so they report the same thing — the OpenPGP key an attestation layout cannot
// hold — and never that the keyring "cannot be read". The keyring is made by the `gpg` binary in a
// throwaway GnuPG home (CI installs gnupg: .ci/run).
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ThrowawayGnupg } from "../../../test/support/gnupg.js";
import { ROOT, runCli, tempDir } from "./run-cli.js";

let gnupg: ThrowawayGnupg;
let cwd: string;
let fpr: string;

beforeAll(() => {
  gnupg = new ThrowawayGnupg();
  fpr = gnupg.newKey("packager <packager@example.org>");
  cwd = tempDir();
  cpSync(join(ROOT, "examples/gha-attestations"), cwd, { recursive: true });
  writeFileSync(join(cwd, "keyring.asc"), gnupg.run(["--armor", "--export", fpr]));
  const policy = join(cwd, "release.totem");
  writeFileSync(policy, readFileSync(policy, "utf8").replace('functionary packager key "keys/packager.pub"', `functionary packager key gpg "${fpr}" from "keyring.asc"`));
});
afterAll(() => {
  gnupg.dispose();
});

/** The `file:line:col: severity[code]` heads of the code frames in `stderr`. */
const heads = (stderr: string) => stderr.split("\n").filter((l) => /^release\.totem:\d+:\d+: /.test(l)).map((l) => l.split(" ").slice(0, 2).join(" "));

describe("a target ite-10 policy with a key from a keyring", () => {
  it("check reports what compile refuses: the OpenPGP key an attestation layout cannot hold, read from the keyring", async () => {
    const check = await runCli(["check", "release.totem"], { cwd });
    const compile = await runCli(["compile", "release.totem", "-o", "out.yml"], { cwd });
    expect([check.code, compile.code]).toEqual([1, 1]);
    expect(heads(check.stdout)).toEqual(["release.totem:9:3: info[expiry-too-far]", "release.totem:12:24: error[ite-10-unsupported]"]);
    expect(heads(compile.stderr)).toEqual(heads(check.stdout));
    expect(compile.stderr).toContain("it is an OpenPGP key");
  });

  it("totem test says the policy has that error, not that the keyring cannot be read", async () => {
    const r = await runCli(["test", "release.totem-test"], { cwd });
    expect(r.code).toBe(1);
    expect(heads(r.stderr)).toEqual(["release.totem:12:24: error[ite-10-unsupported]"]);
  });
});

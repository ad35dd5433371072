// A target "ite-10" policy whose functionary names its key from a keyring (`key gpg "FINGERPRINT"
// from "keyring.asc"`): `check`, `compile` and `test` lower its attestation layout once, with the
// keyring keys read, so they report the same thing — the OpenPGP key an attestation layout cannot
// hold — and never that the keyring "cannot be read". The keyring is made by the `gpg` binary in a
// throwaway GnuPG home (CI installs gnupg: .ci/run).
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runCli, tempDir } from "./run-cli.js";

let home: string;
let cwd: string;
let fpr: string;

function gpg(args: string[]): string {
  const r = spawnSync("gpg", ["--homedir", home, "--batch", "--passphrase", "", "--pinentry-mode", "loopback", ...args], { encoding: "utf8", timeout: 60_000 });
  if (r.error) throw new Error(`These tests need the gpg program (GnuPG) to make a keyring: install it (Debian: apt-get install gnupg). Running gpg failed: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`gpg ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), "totem-cli-gpg-"));
  gpg(["--quick-gen-key", "packager <packager@example.org>", "ed25519", "sign", "never"]);
  fpr = gpg(["--with-colons", "--list-keys", "packager"]).split("\n").find((l) => l.startsWith("fpr:"))?.split(":")[9] as string;
  cwd = tempDir();
  cpSync(join(ROOT, "examples/gha-attestations"), cwd, { recursive: true });
  writeFileSync(join(cwd, "keyring.asc"), gpg(["--armor", "--export", fpr]));
  const policy = join(cwd, "release.totem");
  writeFileSync(policy, readFileSync(policy, "utf8").replace('functionary packager key "keys/packager.pub"', `functionary packager key gpg "${fpr}" from "keyring.asc"`));
});
afterAll(() => {
  spawnSync("gpgconf", ["--homedir", home, "--kill", "all"]);
  rmSync(home, { recursive: true, force: true });
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

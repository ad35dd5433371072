// A target "ite-10" policy whose functionary names its key from a keyring (`key gpg "FINGERPRINT"
// from "keyring.asc"`): `compile` and `test` lower the attestation layout with the keyring keys
// `check` read, so what checks clean compiles and its tests run. The keyring is made by the `gpg`
// binary in a throwaway GnuPG home (CI installs gnupg: .ci/run).
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

describe("a target ite-10 policy with a key from a keyring", () => {
  it("checks clean and compiles, the keyring's key in the layout", async () => {
    expect((await runCli(["check", "release.totem"], { cwd })).code).toBe(0);
    const r = await runCli(["compile", "release.totem", "-o", "out.yml"], { cwd });
    expect([r.code, r.stderr]).toEqual([0, expect.stringContaining("compiled release.totem → out.yml: target ite-10")]);
    expect(r.stderr).not.toContain("key-unreadable");
    expect(readFileSync(join(cwd, "out.yml"), "utf8")).toContain(fpr.toLowerCase());
  });

  it("runs the policy's tests: the described release passes with test keys", async () => {
    const r = await runCli(["test", "release.totem-test", "--format", "json"], { cwd });
    const tests = (JSON.parse(r.stdout) as { files: { tests: { name: string; status: string }[] }[] }).files[0]?.tests ?? [];
    expect(tests.filter((t) => t.status === "error")).toEqual([]);
    expect(tests.find((t) => t.name === "the release as designed passes")?.status).toBe("passed");
  });
});

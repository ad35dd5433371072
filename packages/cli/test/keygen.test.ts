// `totem keygen`: key pairs of every type and format, 0600 private keys, keyids printed (never the
// key), never overwriting, encryption with a password from the environment.
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parsePrivateKey, parsePublicKey } from "@totem/engine";
import { beforeEach, describe, expect, it } from "vitest";
import { listing, runCli, tempDir } from "./run-cli.js";

let cwd: string;
beforeEach(() => {
  cwd = tempDir();
});

const read = (f: string) => readFileSync(join(cwd, f), "utf8");

describe("totem keygen", () => {
  const kinds: [string, string[]][] = [
    ["ed25519 (default)", []],
    ["ed25519 pem", ["--format", "pem"]],
    ["rsa", ["--type", "rsa", "--bits", "2048"]],
    ["ecdsa", ["--type", "ecdsa"]],
    ["ecdsa pem", ["--type", "ecdsa", "--format", "pem"]],
  ];
  it.each(kinds)("writes a %s pair: private 0600, public, keyids on stdout", async (_what, flags) => {
    const r = await runCli(["keygen", "k", ...flags], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(join(cwd, "k")).mode & 0o777).toBe(0o600);
    const pub = parsePublicKey(read("k.pub"));
    const priv = parsePrivateKey(read("k"));
    expect(pub.ok && priv.ok).toBe(true);
    if (!pub.ok) return;
    expect(r.stdout).toBe(
      `keyid (in-toto-1.3): ${pub.value.toLayoutKey("in-toto-1.3").keyid}\nkeyid (in-toto):     ${pub.value.toLayoutKey("in-toto").keyid}\n`,
    );
    expect(r.stdout + r.stderr).not.toContain(read("k").trim().split("\n")[1] ?? "never");
  });

  it("never overwrites: an existing NAME or NAME.pub is exit 2 and both stay as they were", async () => {
    writeFileSync(join(cwd, "k.pub"), "mine\n");
    const r = await runCli(["keygen", "k"], { cwd });
    expect(r).toEqual({ code: 2, stdout: "", stderr: "totem: k.pub already exists; keygen never overwrites keys\n" });
    expect(existsSync(join(cwd, "k"))).toBe(false);
    expect(read("k.pub")).toBe("mine\n");
  });

  it("encrypts with the password from TOTEM_KEY_PASSWORD", async () => {
    const r = await runCli(["keygen", "k", "--encrypt"], { cwd, env: { TOTEM_KEY_PASSWORD: "s3cret" } });
    expect(r.code, r.stderr).toBe(0);
    expect(parsePrivateKey(read("k")).ok).toBe(false);
    expect(parsePrivateKey(read("k"), { password: "s3cret" }).ok).toBe(true);
  });

  const bad: [string, string[], string][] = [
    ["--encrypt without a password", ["keygen", "k", "--encrypt"], "totem: --encrypt needs a password: set TOTEM_KEY_PASSWORD (or run on a terminal to be asked)\n"],
    ["--bits for ed25519", ["keygen", "k", "--bits", "2048"], "totem: --bits applies only to --type rsa\n"],
    ["too few RSA bits", ["keygen", "k", "--type", "rsa", "--bits", "1024"], "totem: --bits must be between 2048 and 8192, got 1024\n"],
    ["an unknown type", ["keygen", "k", "--type", "dsa"], "totem: error: option '-t, --type <type>' argument 'dsa' is invalid. Allowed choices are ed25519, rsa, ecdsa.\n(see totem keygen --help)\n"],
    ["a missing directory", ["keygen", "no/dir/k"], "totem: cannot create 'no/dir/k': no such file or directory\n"],
  ];
  it.each(bad)("exits 2 on %s, writing nothing", async (_what, argv, stderr) => {
    const r = await runCli(argv, { cwd });
    expect(r).toEqual({ code: 2, stdout: "", stderr });
    expect(listing(cwd)).toEqual([]);
  });

  it("makes keys compile can sign with", async () => {
    await runCli(["keygen", "owner", "--type", "ecdsa"], { cwd });
    writeFileSync(join(cwd, "p.totem"), 'layout "p" {\n  expires "2027-01-01T00:00:00Z"\n}\n');
    const r = await runCli(["compile", "p.totem", "-k", "owner", "--now", "2026-01-01T00:00:00Z"], { cwd });
    expect(r.code, r.stderr).toBe(0);
  });
});

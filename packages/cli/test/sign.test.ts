// `totem sign`: adds signatures to layouts made by Totem or by in-toto 1.3.1 itself, keeping the
// payload; compile-then-sign equals compile --key; bad layouts and keys exit 2 with nothing written.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadEnvelope } from "@totem/engine";
import { beforeEach, describe, expect, it } from "vitest";
import { FIXTURES, listing, runCli, tempDir } from "./run-cli.js";

let cwd: string;
beforeEach(() => {
  cwd = tempDir();
  cpSync(join(FIXTURES, "policies"), cwd, { recursive: true });
  cpSync(join(FIXTURES, "reference"), join(cwd, "ref"), { recursive: true });
});

const NOW = ["--now", "2026-06-01T00:00:00Z"];
const bytes = (f: string) => readFileSync(join(cwd, f));

function loaded(file: string) {
  const r = loadEnvelope(bytes(file), { expect: "layout" });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe("totem sign", () => {
  it("compile without a key, then sign, gives the bytes of compile --key", async () => {
    await runCli(["compile", "root.totem", "-o", "signed.layout", "-k", "keys/owner", ...NOW], { cwd });
    await runCli(["compile", "root.totem", "-o", "later.layout", ...NOW], { cwd });
    const r = await runCli(["sign", "later.layout", "--key", "keys/owner"], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^signed later\.layout → later\.layout: metablock, target in-toto-1\.3, 1 signatures, added [0-9a-f]{64}\n$/);
    expect(bytes("later.layout").equals(bytes("signed.layout"))).toBe(true);
  });

  it("is idempotent for the same key and appends another key's signature", async () => {
    await runCli(["compile", "root.totem", "-k", "keys/owner", ...NOW], { cwd });
    const once = bytes("root.layout");
    await runCli(["sign", "root.layout", "-k", "keys/owner"], { cwd });
    expect(bytes("root.layout").equals(once)).toBe(true);
    const r = await runCli(["sign", "root.layout", "-k", "keys/owner-rsa", "-o", "two.layout"], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(loaded("two.layout").signatures).toHaveLength(2);
    expect(loaded("two.layout").signedBytes).toEqual(loaded("root.layout").signedBytes);
    expect(bytes("root.layout").equals(once)).toBe(true); // -o leaves the input alone
  });

  it("adds a signature to a DSSE layout with modern keyids", async () => {
    await runCli(["compile", "root.totem", "--target", "in-toto", "--envelope", "dsse", "-o", "d.json", ...NOW], { cwd });
    const r = await runCli(["sign", "d.json", "-k", "keys/owner"], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(": dsse, target in-toto, 1 signatures");
    expect(loaded("d.json").signatures).toHaveLength(1);
  });

  it("countersigns a layout made by in-toto 1.3.1, keeping its payload bytes", async () => {
    const before = loaded("ref/reference.layout");
    const r = await runCli(["sign", "ref/reference.layout", "-k", "ref/ref-bob", "-o", "ref/both.layout"], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const after = loaded("ref/both.layout");
    expect(after.signedBytes).toEqual(before.signedBytes);
    expect(after.signatures.slice(0, 1)).toEqual(before.signatures);
    expect(after.signatures).toHaveLength(2);
  });

  it.runIf(existsSync("/usr/bin/in-toto-verify"))("produces a layout in-toto-verify 1.3.1 accepts with both keys", async () => {
    await runCli(["sign", "ref/reference.layout", "-k", "ref/ref-bob"], { cwd });
    const v = spawnSync(
      "/usr/bin/in-toto-verify",
      ["--layout", "reference.layout", "--layout-keys", "ref-alice.pub", "ref-bob.pub", "--key-types", "ed25519", "ed25519"],
      { cwd: join(cwd, "ref"), encoding: "utf8" },
    );
    expect(v.status, v.stderr).toBe(0);
  });

  const bad: [string, () => string[], RegExp][] = [
    ["no --key", () => ["sign", "ref/reference.layout"], /^totem: sign needs at least one --key or --gpg\n\(see totem sign --help\)\n$/],
    ["a missing layout", () => ["sign", "none.layout", "-k", "keys/owner"], /^totem: cannot read layout 'none\.layout': no such file or directory\n$/],
    ["malformed JSON", () => {
        writeFileSync(join(cwd, "bad.layout"), '{"signed": {');
        return ["sign", "bad.layout", "-k", "keys/owner"];
      }, /^totem: cannot read layout 'bad\.layout': .+\n$/],
    ["a link instead of a layout", () => ["sign", "ref/build.de2509c4.link", "-k", "keys/owner"], /^totem: cannot read layout 'ref\/build\.de2509c4\.link': .*link.*\n$/],
    ["a policy instead of a layout", () => ["sign", "root.totem", "-k", "keys/owner"], /^totem: cannot read layout 'root\.totem': .+\n$/],
    ["an unreadable key", () => ["sign", "ref/reference.layout", "-k", "keys/none"], /^totem: cannot read private key 'keys\/none': no such file or directory\n$/],
    ["a wrong password", () => ["sign", "ref/reference.layout", "-k", "keys/owner-encrypted"], /^totem: cannot use private key 'keys\/owner-encrypted': .+\n$/],
  ];
  it.each(bad)("exits 2 on %s, writing nothing", async (_what, argv, stderr) => {
    const args = argv();
    const files = [listing(cwd), listing(join(cwd, "ref"))];
    const before = bytes("ref/reference.layout");
    const r = await runCli(args, { cwd, env: { TOTEM_KEY_PASSWORD: "wrong" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(stderr);
    expect([listing(cwd), listing(join(cwd, "ref"))]).toEqual(files);
    expect(bytes("ref/reference.layout").equals(before)).toBe(true);
  });
});

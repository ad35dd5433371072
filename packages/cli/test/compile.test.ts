// `totem compile`: a signed layout the engine loads and whose signature verifies, byte-identical for
// identical input and time, refusal (exit 1, nothing written) on policy errors, and exit 2 with
// nothing written for every bad key, password or flag.
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadEnvelope, parsePublicKey, verifySignature } from "@totem/engine";
import { beforeEach, describe, expect, it } from "vitest";
import { FIXTURES, expectGolden, listing, runCli, tempDir } from "./run-cli.js";

let cwd: string;
beforeEach(() => {
  cwd = tempDir();
  cpSync(join(FIXTURES, "policies"), cwd, { recursive: true });
});

const NOW = ["--now", "2026-06-01T00:00:00Z"];

function load(file: string) {
  const loaded = loadEnvelope(readFileSync(join(cwd, file)), { expect: "layout" });
  if (!loaded.ok) throw new Error(loaded.error.message);
  return loaded.value;
}

/** Whether the layout carries a valid signature by the public key in `pubFile`. */
function signedBy(file: string, pubFile: string): boolean {
  const layout = load(file);
  const pub = parsePublicKey(readFileSync(join(cwd, pubFile), "utf8"));
  if (!pub.ok) throw new Error(pub.error.message);
  const target = layout.envelope === "dsse" ? "in-toto" : "in-toto-1.3";
  const key = pub.value.toLayoutKey(target);
  return layout.signatures.some((s) => {
    if (s.keyid !== key.keyid) return false;
    const sig = layout.envelope === "dsse" ? Buffer.from(s.sig, "base64") : Buffer.from(s.sig, "hex");
    return verifySignature(key, layout.signedBytes, sig);
  });
}

describe("totem compile", () => {
  it("writes <policy>.layout signed by the key, with a one-line summary", async () => {
    const r = await runCli(["compile", "root.totem", "--key", "keys/owner", ...NOW], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^compiled root\.totem → root\.layout: target in-toto-1\.3, metablock, 2 steps, 1 inspection, expires 2027-01-01T00:00:00Z, signed by [0-9a-f]{64}\n$/,
    );
    expect(signedBy("root.layout", "keys/owner.pub")).toBe(true);
    expectGolden("root.layout", readFileSync(join(cwd, "root.layout"), "utf8"));
  });

  it("gives identical bytes for identical input, and SOURCE_DATE_EPOCH equals --now", async () => {
    await runCli(["compile", "root.totem", "-k", "keys/owner", "-o", "a.layout", ...NOW], { cwd });
    await runCli(["compile", "root.totem", "-k", "keys/owner", "-o", "b.layout", ...NOW], { cwd });
    const epoch = String(Date.parse("2026-06-01T00:00:00Z") / 1000);
    await runCli(["compile", "root.totem", "-k", "keys/owner", "-o", "c.layout"], { cwd, env: { SOURCE_DATE_EPOCH: epoch } });
    const a = readFileSync(join(cwd, "a.layout"));
    expect(a.equals(readFileSync(join(cwd, "b.layout")))).toBe(true);
    expect(a.equals(readFileSync(join(cwd, "c.layout")))).toBe(true);
  });

  it("signs with several keys, RSA too", async () => {
    const r = await runCli(["compile", "root.totem", "-k", "keys/owner", "-k", "keys/owner-rsa", ...NOW], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(load("root.layout").signatures).toHaveLength(2);
    expect(signedBy("root.layout", "keys/owner.pub")).toBe(true);
    expect(signedBy("root.layout", "keys/owner-rsa.pub")).toBe(true);
  });

  it("writes an unsigned layout without --key, and warns", async () => {
    const r = await runCli(["compile", "root.totem", "-o", "out.layout", ...NOW], { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("2027-01-01T00:00:00Z, unsigned\ntotem: warning: the layout is unsigned;");
    expect(load("out.layout").signatures).toEqual([]);
  });

  it("writes DSSE for --target in-toto --envelope dsse", async () => {
    const r = await runCli(["compile", "root.totem", "-k", "keys/owner", "--target", "in-toto", "--envelope", "dsse", ...NOW], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("target in-toto, dsse");
    expect(load("root.layout").envelope).toBe("dsse");
    expect(signedBy("root.layout", "keys/owner.pub")).toBe(true);
  });

  it("decrypts an encrypted key with TOTEM_KEY_PASSWORD or --password-env, or a terminal prompt", async () => {
    const env = await runCli(["compile", "root.totem", "-k", "keys/owner-encrypted", ...NOW], { cwd, env: { TOTEM_KEY_PASSWORD: "correct horse" } });
    expect(env.code, env.stderr).toBe(0);
    expect(signedBy("root.layout", "keys/owner.pub")).toBe(true);
    const named = await runCli(["compile", "root.totem", "-k", "keys/owner-encrypted", "--password-env", "PW", "-o", "n.layout", ...NOW], { cwd, env: { PW: "correct horse" } });
    expect(named.code, named.stderr).toBe(0);
    const prompted = await runCli(["compile", "root.totem", "-k", "keys/owner-encrypted", "-o", "p.layout", ...NOW], { cwd, password: "correct horse" });
    expect(prompted.code, prompted.stderr).toBe(0);
    expect(`${env.stdout}${env.stderr}`).not.toContain("correct horse");
  });

  it("refuses a policy with errors: exit 1, code frames, nothing written", async () => {
    const files = listing(cwd);
    const r = await runCli(["compile", "errors.totem", "-k", "keys/owner", ...NOW], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("errors.totem:10:8: error[duplicate-step]");
    expect(r.stderr).toMatch(/totem: errors\.totem has errors; no layout was written\n$/);
    expect(listing(cwd)).toEqual(files);
  });

  const bad: [string, string[], Record<string, string>, RegExp][] = [
    ["a missing policy", ["compile", "nope.totem"], {}, /^totem: cannot read policy 'nope\.totem': no such file or directory\n$/],
    ["a missing key", ["compile", "root.totem", "-k", "keys/nope"], {}, /^totem: cannot read private key 'keys\/nope': no such file or directory\n$/],
    ["a public key as --key", ["compile", "root.totem", "-k", "keys/owner.pub"], {}, /^totem: cannot use private key 'keys\/owner\.pub': .+\n$/],
    ["a policy as --key", ["compile", "root.totem", "-k", "root.totem"], {}, /^totem: cannot use private key 'root\.totem': .+\n$/],
    ["a wrong password", ["compile", "root.totem", "-k", "keys/owner-encrypted"], { TOTEM_KEY_PASSWORD: "wrong" }, /^totem: cannot use private key 'keys\/owner-encrypted': .+\n$/],
    ["no password off a terminal", ["compile", "root.totem", "-k", "keys/owner-encrypted"], {}, /^totem: cannot use private key 'keys\/owner-encrypted': .+ \(set TOTEM_KEY_PASSWORD to its password\)\n$/],
    ["dsse for in-toto 1.3", ["compile", "root.totem", "--envelope", "dsse", "--target", "in-toto-1.3"], {}, /^totem: --envelope dsse needs --target in-toto or in-toto-golang: in-toto 1\.3 reads only Metablock layouts\n\(see totem compile --help\)\n$/],
    ["an unknown target", ["compile", "root.totem", "--target", "in-toto-2"], {}, /^totem: error: option '--target <target>' argument 'in-toto-2' is invalid\. Allowed choices are in-toto-1\.3, in-toto, in-toto-golang, ite-10\.\n\(see totem compile --help\)\n$/],
    ["-o naming the policy itself", ["compile", "root.totem", "-o", "root.totem"], {}, /^totem: -o root\.totem would overwrite the policy itself\n$/],
    ["an output in a missing directory", ["compile", "root.totem", "-k", "keys/owner", "-o", "no/such/dir/x.layout"], {}, /^totem: cannot write 'no\/such\/dir\/x\.layout': no such file or directory\n$/],
  ];
  it.each(bad)("exits 2 on %s, writing nothing", async (_what, argv, env, stderr) => {
    const files = listing(cwd);
    const r = await runCli([...argv, ...NOW], { cwd, env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(stderr);
    expect(listing(cwd)).toEqual(files);
  });
});

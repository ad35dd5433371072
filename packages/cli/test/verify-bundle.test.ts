// `totem verify-bundle`: the sigstore-conformance client protocol (flags, exit codes, artifact or
// sha256:HEX) over bundles from a Sigstore of our own (engine/test/fixtures/attest), in-process and
// through the bundled binary (the Sigstore libraries must be in its chunks, loaded on first use).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as f from "../../engine/test/fixtures/attest/sigstore-fixtures.js";
import { requireBundle, runBinary, runCli, tempDir } from "./run-cli.js";

const ID = "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main";
const ISSUER = "https://token.actions.githubusercontent.com";
const artifact = Buffer.from("acme-app 1.0.0\n");
let cwd: string;

beforeAll(() => {
  cwd = tempDir();
  const auth = f.makeAuthority();
  const signer = f.makeSigner(auth, { identity: { uri: ID }, issuer: ISSUER });
  const expired = f.makeSigner(auth, { identity: { uri: ID }, issuer: ISSUER, integrated: new Date("2025-06-01T13:00:00Z") });
  const files: Record<string, unknown> = {
    "trusted_root.json": auth.rootJson,
    "message.sigstore.json": f.messageBundle(auth, signer, artifact),
    "dsse.sigstore.json": f.dsseBundle(auth, signer, f.statementFor(artifact)),
    "expired.sigstore.json": f.messageBundle(auth, expired, artifact),
  };
  for (const [name, value] of Object.entries(files)) writeFileSync(join(cwd, name), JSON.stringify(value));
  writeFileSync(join(cwd, "a.txt"), artifact);
  writeFileSync(join(cwd, "broken.sigstore.json"), "{");
});

const who = ["--certificate-identity", ID, "--certificate-oidc-issuer", ISSUER];
const verify = (bundle: string, ...rest: string[]) => ["verify-bundle", "--bundle", bundle, "--trusted-root", "trusted_root.json", ...rest];

describe("totem verify-bundle", () => {
  it("verifies a message signature and a DSSE Statement (exit 0)", async () => {
    const message = await runCli(verify("message.sigstore.json", ...who, "a.txt"), { cwd });
    expect(message).toEqual({ code: 0, stdout: `OK: message signature signed by ${ID} (${ISSUER})\n`, stderr: "" });
    const dsse = await runCli(verify("dsse.sigstore.json", ...who, "a.txt"), { cwd });
    expect(dsse.stdout).toBe(`OK: in-toto Statement (https://slsa.dev/provenance/v1) signed by ${ID} (${ISSUER})\n`);
  });

  it("takes sha256:HEX for a DSSE bundle", async () => {
    const digest = f.statementFor(artifact).subject[0]?.digest.sha256;
    expect((await runCli(verify("dsse.sigstore.json", ...who, `sha256:${digest}`), { cwd })).code).toBe(0);
  });

  it("exits 1 with the reason for another identity, an expired certificate, another artifact", async () => {
    const other = await runCli(verify("message.sigstore.json", "--certificate-identity", `${ID}x`, "--certificate-oidc-issuer", ISSUER, "a.txt"), { cwd });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain("[sigstore-policy]");
    const expired = await runCli(verify("expired.sigstore.json", ...who, "a.txt"), { cwd });
    expect(expired.stderr).toMatch(/CERTIFICATE_ERROR.*\[sigstore-verification\]/);
    writeFileSync(join(cwd, "b.txt"), "other\n");
    const subject = await runCli(verify("dsse.sigstore.json", ...who, "b.txt"), { cwd });
    expect([subject.code, subject.stderr]).toEqual([1, expect.stringContaining("[subject-mismatch]")]);
  });

  it("exits 1 for a malformed bundle, 2 for bad flags and unreadable input", async () => {
    expect((await runCli(verify("broken.sigstore.json", ...who, "a.txt"), { cwd })).code).not.toBe(0);
    const both = await runCli(verify("message.sigstore.json", ...who, "--key", "k.pub", "a.txt"), { cwd });
    expect([both.code, both.stderr]).toEqual([2, expect.stringContaining("either --key or --certificate-identity")]);
    const half = await runCli(verify("message.sigstore.json", "--certificate-identity", ID, "a.txt"), { cwd });
    expect(half.code).toBe(2);
    const noRoot = await runCli(["verify-bundle", "--bundle", "message.sigstore.json", ...who, "a.txt"], { cwd });
    expect([noRoot.code, noRoot.stderr]).toEqual([2, expect.stringContaining("--trusted-root is required")]);
    expect((await runCli(verify("missing.json", ...who, "a.txt"), { cwd })).code).toBe(2);
    expect((await runCli(verify("message.sigstore.json", ...who, "sha256:abc"), { cwd })).code).toBe(2);
  });

  it("runs from the bundled binary", () => {
    requireBundle();
    const ok = runBinary(verify("dsse.sigstore.json", ...who, "a.txt"), cwd);
    expect([ok.code, ok.stderr]).toEqual([0, ""]);
    const bad = runBinary(verify("expired.sigstore.json", ...who, "a.txt"), cwd);
    expect(bad.code).toBe(1);
  }, 60_000);
});

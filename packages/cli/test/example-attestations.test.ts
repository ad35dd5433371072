// examples/gha-attestations: the committed release passes `totem verify --attestations`, and each
// kind of tampering fails for its own reason.
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import * as sig from "../../engine/test/fixtures/attest/sigstore-fixtures.js";
import { ROOT, runCli, tempDir } from "./run-cli.js";

let cwd: string;
beforeEach(() => {
  cwd = tempDir();
  cpSync(join(ROOT, "examples/gha-attestations"), cwd, { recursive: true });
});

const verify = (...extra: string[]) =>
  runCli(["verify", "--layout", "layout.yml", "--attestations", "attestations", "--substitute-parameters", "parameters.json", "--trusted-root", "trusted_root.json", ...extra], { cwd });

describe("examples/gha-attestations", () => {
  it("passes: checkout, test, build (keyless) and package (a classic link)", async () => {
    const r = await verify();
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toMatch(/ok build: https:\/\/slsa\.dev\/provenance\/v1 by release-workflow \(build\.sigstore\.json\)/);
    expect(r.stdout).toMatch(/ok package: https:\/\/in-toto\.io\/attestation\/link\/v0\.3 by [0-9a-f]{8} \(package\.[0-9a-f]{8}\.link\)/);
    expect(r.stdout.split("\n").filter((l) => l.startsWith("  ok ")).length).toBe(4);
  });

  it("fails a test result edited after signing", async () => {
    const path = join(cwd, "attestations", readdirSync(join(cwd, "attestations")).find((f) => f.startsWith("test.")) as string);
    const env = JSON.parse(readFileSync(path, "utf8"));
    env.payload = Buffer.from(Buffer.from(env.payload, "base64").toString().replace("PASSED", "FAILED")).toString("base64");
    writeFileSync(path, JSON.stringify(env));
    const r = await verify();
    expect([r.code, r.stderr]).toEqual([1, expect.stringContaining("attestation-signature")]);
  });

  it("fails the keyless build against another trust root", async () => {
    writeFileSync(join(cwd, "trusted_root.json"), JSON.stringify(sig.makeAuthority().rootJson));
    const r = await verify();
    expect([r.code, r.stderr]).toEqual([1, expect.stringContaining("CERTIFICATE_ERROR")]);
  });

  it("fails for another version", async () => {
    writeFileSync(join(cwd, "parameters.json"), JSON.stringify({ version: "1.5.0", tag: "v{version}" }));
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("refs/tags/v1.5.0");
  });
});

// `totem verify --layout L --attestations DIR [--substitute-parameters FILE]`: ITE-10/11 layouts in
// attestation-verifier's format, over a chain of our own (engine/test/fixtures/attest), with golden
// reports, JSON output and exit codes.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import * as f from "../../engine/test/fixtures/attest/layout-fixtures.js";
import * as sig from "../../engine/test/fixtures/attest/sigstore-fixtures.js";
import { expectGolden, runCli, tempDir } from "./run-cli.js";

const alice = f.functionary("alice");
let cwd: string;

function chain(yaml: string, statements = f.statements()): void {
  writeFileSync(join(cwd, "layout.yml"), yaml);
  mkdirSync(join(cwd, "attestations"), { recursive: true });
  for (const file of f.attestationFiles(alice, statements)) writeFileSync(join(cwd, "attestations", file.name), file.text);
}
const NOW = ["--now", "2026-01-01T00:00:00Z"];
const verify = (...rest: string[]) => ["verify", "--layout", "layout.yml", "--attestations", "attestations", ...NOW, ...rest];

beforeEach(() => {
  cwd = tempDir();
});

describe("totem verify --attestations", () => {
  it("passes the example chain and lists the accepted claims", async () => {
    chain(f.layoutYaml(alice));
    const r = await runCli(verify(), { cwd });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expectGolden("attest/verify-pass.txt", r.stdout);
  });

  it("fails with the reasons: a changed artifact and a failed test", async () => {
    const s = f.statements();
    chain(f.layoutYaml(alice), { ...s, test: { ...s.test, predicate: { ...s.test.predicate, result: "FAILED" } }, build: { ...s.build, predicate: { ...s.build.predicate, buildDefinition: { ...s.build.predicate.buildDefinition, resolvedDependencies: [{ name: "foo", digest: { sha256: f.sha256("changed") } }] } } } });
    const r = await runCli(verify(), { cwd });
    expect(r.code).toBe(1);
    expectGolden("attest/verify-fail.txt", r.stderr);
  });

  it("substitutes parameters, and fails when one is missing", async () => {
    chain(f.layoutYaml(alice, { builderId: "{builder}" }));
    const missing = await runCli(verify(), { cwd });
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining("parameters-missing")]);
    writeFileSync(join(cwd, "params.json"), JSON.stringify({ builder: "https://github.com/acme/builder/.github/workflows/build.yml@refs/tags/{tag}", tag: "v1" }));
    expect((await runCli(verify("--substitute-parameters", "params.json"), { cwd })).code).toBe(0);
    writeFileSync(join(cwd, "bad.json"), JSON.stringify({ "not a name": "x" }));
    expect((await runCli(verify("--substitute-parameters", "bad.json"), { cwd })).code).toBe(2);
  });

  it("verifies a bundle of a sigstore-oidc functionary against --trusted-root", async () => {
    const workflow = "https://github.com/acme/app/.github/workflows/build.yml@refs/heads/main";
    const issuer = "https://token.actions.githubusercontent.com";
    const yaml = f
      .layoutYaml(alice)
      .replace("steps:", `  builder:\n    keyType: "sigstore-oidc"\n    scheme: "fulcio"\n    keyVal: {identity: "${workflow}", issuer: "${issuer}"}\n    keyID: "builder"\nsteps:`)
      .replace(/(provenance\/v1"\n[\s\S]*?functionaries: )\["[0-9a-f]+"\]/, '$1["builder"]');
    chain(yaml);
    const auth = sig.makeAuthority();
    const bundle = sig.dsseBundle(auth, sig.makeSigner(auth, { identity: { uri: workflow }, issuer }), f.statements().build);
    writeFileSync(join(cwd, "attestations", `build.${alice.keyid.slice(0, 8)}.json`), JSON.stringify(bundle));
    writeFileSync(join(cwd, "root.json"), JSON.stringify(auth.rootJson));
    const ok = await runCli(verify("--trusted-root", "root.json"), { cwd });
    expect([ok.code, ok.stderr]).toEqual([0, ""]);
    expect(ok.stdout).toContain("ok build: https://slsa.dev/provenance/v1 by builder");
    const without = await runCli(verify(), { cwd });
    expect([without.code, without.stderr]).toEqual([1, expect.stringContaining("give a trusted root (--trusted-root)")]);
  });

  it("prints JSON with --json", async () => {
    chain(f.layoutYaml(alice, { expires: "2025-01-01T00:00:00Z" }));
    const r = await runCli(verify("--json"), { cwd });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      version: 1,
      layout: "layout.yml",
      passed: false,
      failures: [{ code: "layout-expired", message: "The layout expired at 2025-01-01T00:00:00Z." }],
      warnings: [],
      accepted: [],
    });
  });

  it("exits 2 for an unreadable layout, and refuses --substitute-parameters alone", async () => {
    chain(`${f.layoutYaml(alice)}bogus: 1\n`);
    const r = await runCli(verify(), { cwd });
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('Unknown field "bogus"')]);
    const alone = await runCli(["verify", "--layout", "layout.yml", "--substitute-parameters", "p.json"], { cwd });
    expect([alone.code, alone.stderr]).toEqual([2, expect.stringContaining("apply to --attestations")]);
  });
});

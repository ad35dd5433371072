// `totem test` of target "ite-10" policies end to end through main(argv): described attestations
// (DSSE Statements by test keys, Sigstore bundles from the run's test Sigstore, classic links)
// verified by the engine's verifyAttestations; reports in text, JSON and JUnit XML (golden files);
// a recorded attestations folder with the policy's real keys and trusted root; evidence the target
// has no place for (test-unsupported); and the Statement's artifacts read back by the engine as they
// were described.
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { StepEvidence } from "@totem/dsl";
import { claimArtifacts, parseStatement } from "@totem/engine";
import { beforeAll, describe, expect, it } from "vitest";
import { hashOf } from "../src/commands/test-chain.js";
import { statementOf } from "../src/commands/test-statement.js";
import { ROOT, expectGolden, runCli, tempDir } from "./run-cli.js";

const NOW = ["--now", "2026-06-01T00:00:00Z"];

let dir: string;
beforeAll(() => {
  dir = tempDir("totem-policy-test-ite10-");
  cpSync(join(ROOT, "examples/gha-attestations"), dir, { recursive: true });
});

/** Attestation file names carry the first 8 hex digits of a test key's keyid, new in every run. */
const stable = (text: string) => text.replace(/\.[0-9a-f]{8}\.(json|link)/g, ".KEYID8.$1");

const HAPPY = `policy "release.totem"
parameters "parameters.json"
outsider mallory

test "passes" {
  step checkout { attests "https://in-toto.io/attestation/link/v0.3" runs ["git", "checkout", "v1.4.0"] produces "src/app.c" }
  step test { attests "https://in-toto.io/attestation/test-result/v0.1" { result = "PASSED" failedTests = [] warnedTests = ["flaky"] } consumes "src/app.c" }
  step build {
    attests "https://slsa.dev/provenance/v1" {
      predicate "{\\"buildDefinition\\": {\\"externalParameters\\": {\\"workflow\\": {\\"ref\\": \\"refs/tags/v1.4.0\\", \\"repository\\": \\"https://github.com/acme/app\\"}}}}"
    }
    consumes "src/app.c"
    produces "app"
  }
  step package { consumes "app" produces "acme-app-1.4.0.tar.gz" }
  expect pass
}
`;

function testFile(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

describe("totem test of an ite-10 policy", () => {
  it("reports met and unmet expectations in text, JSON and JUnit XML", async () => {
    const file = testFile(
      "reports.totem-test",
      `${HAPPY}
test "a wrong expectation" extends "passes" {
  step build { by mallory attests "https://slsa.dev/provenance/v1" consumes "src/app.c" produces "app" }
  expect pass
}

test "the expected failure" extends "passes" {
  omit parameter version
  expect fail parameters-missing
}

test "expects a failure of a release that verifies" extends "passes" {
  expect fail step-claims-failed at build
}
`,
    );
    const text = await runCli(["test", file, "-v", ...NOW], { cwd: dir });
    expect([text.code, text.stderr]).toEqual([1, "4 tests in 1 file: 2 passed, 2 failed\n"]);
    expectGolden("policy-test/ite10-reports.txt", stable(text.stdout));
    const json = await runCli(["test", file, ...NOW, "--format", "json"], { cwd: dir });
    expect([json.code, json.stderr]).toEqual([1, ""]);
    expectGolden("policy-test/ite10-reports.json", stable(json.stdout));
    expect(JSON.parse(json.stdout).files[0].tests[2].verdict.failures[0]).toMatchObject({ stage: null, code: "parameters-missing", step: null });
    const junit = await runCli(["test", file, ...NOW, "--format", "junit"], { cwd: dir });
    expect(junit.code).toBe(1);
    expectGolden("policy-test/ite10-reports.xml", stable(junit.stdout));
  });

  it("verifies a recorded attestations folder with the policy's real keys and the trusted root it names", async () => {
    const recorded = `policy "release.totem"\nparameters "parameters.json"\ntest "recorded" {\n  attestations "attestations"\n  trusted-root "ROOT"\n  expect pass\n}\n`;
    const good = await runCli(["test", testFile("recorded.totem-test", recorded.replace("ROOT", "trusted_root.json")), ...NOW], { cwd: dir });
    expect([good.code, good.stdout]).toEqual([0, "recorded.totem-test (policy release.totem)\n  ok   recorded\n"]);
    // The test Sigstore of the run is not trusted for recorded evidence: without the real root, the keyless build fails.
    const rootless = await runCli(["test", testFile("rootless.totem-test", recorded.replace('  trusted-root "ROOT"\n', "")), ...NOW], { cwd: dir });
    expect(rootless.code).toBe(1);
    expect(rootless.stdout).toContain("expected pass, but verification failed: attestation-signature at build: build.sigstore.json:");
  });

  it("reports a signer who is neither functionary nor outsider, and products of a Statement that has none", async () => {
    const signer = await runCli(["test", testFile("signer.totem-test", HAPPY.replace('step package { consumes', 'step package { by packagr consumes')), ...NOW], { cwd: dir });
    expect(signer.code).toBe(1);
    expect(signer.stdout).toContain('step "package" is signed by "packagr", who is neither a functionary of the policy nor declared `outsider packagr`; did you mean "packager"?');
    const products = await runCli(["test", testFile("products.totem-test", HAPPY.replace('warnedTests = ["flaky"] } consumes "src/app.c"', 'warnedTests = [] } consumes "src/app.c" produces "report.xml"')), ...NOW], { cwd: dir });
    expect(products.stdout).toContain(
      "step \"test\": a https://in-toto.io/attestation/test-result/v0.1 Statement's subjects are the step's materials and it has no products; write its files under `consumes`",
    );
  });

  it("refuses evidence the policy's target has no place for, as code frames (test-unsupported)", async () => {
    const ite10 = await runCli(["test", testFile("inspect.totem-test", `policy "release.totem"\ntest "t" {\n  inspection scan { exits 0 }\n  links "links"\n  expect pass\n}\n`), ...NOW], { cwd: dir });
    expect(ite10.code).toBe(1);
    expect(ite10.stderr).toContain('inspect.totem-test:3:14: error[test-unsupported] An attestation layout (target "ite-10") has no inspections');
    expect(ite10.stderr).toContain('inspect.totem-test:4:9: error[test-unsupported] A policy of target "ite-10" is verified against an attestations folder');
    expect(ite10.stdout).toContain("ERR  t\n       inspect.totem-test describes evidence its policy's target has no place for (see above); its tests did not run");
    writeFileSync(join(dir, "links.totem"), `layout "l" {\n  expires in 30d\n  functionary ci key "keys/ci.pub"\n  step build { by ci products { create "app" disallow "*" } }\n}\n`);
    const inToto = await runCli(["test", testFile("links.totem-test", `test "t" {\n  step build { attests "T" produces "app" }\n  expect pass\n}\n`), ...NOW], { cwd: dir });
    expect(inToto.code).toBe(1);
    expect(inToto.stderr).toContain('links.totem-test:2:16: error[test-unsupported] `attests` needs a policy of target "ite-10" (attestations); this policy is an in-toto layout.');
  });
});

describe("the Statement a described step attests", () => {
  const files = (...paths: string[]) => paths.map((path) => ({ path, content: path, span: { start: 0, end: 0 } }));
  const digests = (...paths: string[]) => Object.fromEntries(paths.map((p) => [p, hashOf(p)]));
  const step = (attests: string): StepEvidence => ({
    step: "s",
    by: [],
    materials: files("src/a.c", "src/b.c"),
    products: attests.includes("test-result") ? [] : files("app"),
    attests: { predicateType: attests, fields: [], span: { start: 0, end: 0 } },
    span: { start: 0, end: 0 },
  });

  it.each([
    ["https://in-toto.io/attestation/link/v0.3", true],
    ["https://slsa.dev/provenance/v1", true],
    ["https://slsa.dev/provenance/v0.2", true],
    ["https://in-toto.io/attestation/test-result/v0.1", false],
  ])("is read back by the engine with the step's materials and products (%s)", (type, hasProducts) => {
    const statement = parseStatement(JSON.parse(JSON.stringify(statementOf(step(type), type, ["make"]))));
    expect(statement.ok).toBe(true);
    if (!statement.ok) return;
    const artifacts = claimArtifacts(statement.value);
    expect(artifacts.materials).toEqual(digests("src/a.c", "src/b.c"));
    expect(artifacts.products).toEqual(hasProducts ? digests("app") : {});
  });
});

describe("field lines of attests { … } are data, whatever their names", () => {
  it("writes a `__proto__` field into the Statement, never into Object.prototype", async () => {
    const file = testFile(
      "proto.totem-test",
      `${HAPPY}
test "a field named __proto__" extends "passes" {
  step test { attests "https://in-toto.io/attestation/test-result/v0.1" { result = "PASSED" failedTests = [] warnedTests = [] __proto__.polluted = "yes" } consumes "src/app.c" }
  expect pass
}
`,
    );
    const r = await runCli(["test", file, ...NOW], { cwd: dir });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const ev: StepEvidence = { step: "test", by: [], materials: [], products: [], attests: { predicateType: "x", fields: [{ path: ["__proto__", "polluted"], value: "yes", span: { start: 0, end: 0 } }], span: { start: 0, end: 0 } } } as unknown as StepEvidence;
    const statement = statementOf(ev, "x", []);
    expect(JSON.parse(JSON.stringify(statement)).predicate).toEqual(JSON.parse('{"__proto__": {"polluted": "yes"}}'));
  });
});

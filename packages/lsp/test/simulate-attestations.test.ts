// `totem/simulate` for a policy of target "ite-10": the folder is an attestations folder (here a
// classic link for clone, a test-result and a SLSA provenance attestation), verified by the engine's
// verifyAttestations, with each failure on the attestation block it is about.
import { createPublicKey } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as f from "../../engine/test/fixtures/attest/layout-fixtures.js";
import { cloneRecording, metablockLink } from "../../engine/test/fixtures/attest/link-fixtures.js";
import { startClient, type TestClient } from "./lsp-client.js";

interface Simulated {
  passed: boolean;
  error?: string;
  failures: { stage: number; stageName: string; code: string; message: string; step?: string; artifacts?: string[]; range?: { start: { line: number } } }[];
  warnings: { code: string; step?: string }[];
  diagnostics?: { code: string }[];
}

const alice = f.functionary("alice");
const BUILDER = "https://github.com/acme/builder/.github/workflows/build.yml@refs/tags/v1";
const POLICY = `layout "release" {
  target "ite-10"
  expires "2100-01-01T00:00:00Z"
  functionary alice key "keys/alice.pub"

  step clone {
    by alice
    products { create "foo"  disallow "*" }
  }
  step test {
    attestation "https://in-toto.io/attestation/test-result/v0.1" {
      by alice
      check "predicate.result == 'PASSED'"
    }
    materials { match "foo" with products from clone  disallow "*" }
  }
  step build {
    attestation "https://slsa.dev/provenance/v1" {
      by alice
      check "predicate.runDetails.builder.id == '{builder}'"
    }
    materials { match "foo" with products from clone  disallow "*" }
    products { create "bin/foo"  disallow "*" }
  }
}
`;

let client: TestClient;
let dir: string;
let uri: string;
let version = 1;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "totem-sim-att-"));
  mkdirSync(join(dir, "keys"));
  writeFileSync(join(dir, "keys", "alice.pub"), createPublicKey(alice.privateKey).export({ format: "pem", type: "spki" }).toString());
  writeFileSync(join(dir, "params.json"), JSON.stringify({ builder: BUILDER }));
  uri = pathToFileURL(join(dir, "release.totem")).href;
  client = await startClient();
  await client.open(uri, POLICY);
});
afterAll(() => client.close());

/** An attestations folder: clone's classic link and the test and build attestations, `statements` changed as given. */
function folder(statements = f.statements()): string {
  const att = mkdtempSync(join(dir, "att-"));
  const files = [metablockLink(cloneRecording(f.EMPTY), [alice]), ...f.attestationFiles(alice, { test: statements.test, build: statements.build })];
  for (const file of files) writeFileSync(join(att, file.name), file.text);
  return att;
}

const simulate = (linksDir: string, extra: Record<string, string> = {}) => client.request<Simulated>("totem/simulate", { uri, linksDir, parameters: join(dir, "params.json"), ...extra });

describe("totem/simulate of an attestation policy", () => {
  it("passes a folder of a classic link and attestations", async () => {
    const r = await simulate(folder());
    expect([r.error, r.failures]).toEqual([undefined, []]);
    expect(r.passed).toBe(true);
  });

  it("places a failure on the attestation block it is about", async () => {
    const s = f.statements();
    const r = await simulate(folder({ ...s, test: { ...s.test, predicate: { ...s.test.predicate, result: "FAILED" } } }));
    expect(r.passed).toBe(false);
    expect(r.failures).toEqual([expect.objectContaining({ stage: 0, stageName: "attestations", code: "step-claims-failed", step: "test", range: expect.objectContaining({ start: expect.objectContaining({ line: 10 }) }) })]);
  });

  it("says why it cannot run: a placeholder without a value, a relative trusted root, policy errors", async () => {
    const att = folder();
    const noParams = await client.request<Simulated>("totem/simulate", { uri, linksDir: att });
    expect(noParams.error).toContain("parameters-missing");
    expect((await simulate(att, { trustedRoot: "root.json" })).error).toMatch(/trustedRoot must be an absolute file path/);
    version++;
    await client.change(uri, version, [{ text: POLICY.replace("by alice\n      check", "by nobody\n      check") }]);
    const broken = await simulate(att);
    expect(broken.error).toMatch(/has errors/);
    expect(broken.diagnostics?.map((d) => d.code)).toContain("unknown-functionary");
    version++;
    await client.change(uri, version, [{ text: POLICY }]);
  });
});

// `totem check --format sarif`: SARIF 2.1.0 validated against the official JSON schema (draft-04,
// vendored in fixtures/sarif), with the properties GitHub code scanning relies on.
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv-draft-04";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, expectGolden, runCli, tempDir } from "./run-cli.js";

let cwd: string;
beforeAll(() => {
  cwd = tempDir();
  cpSync(join(FIXTURES, "policies"), cwd, { recursive: true });
});

function sarifValidator() {
  const schema = JSON.parse(readFileSync(join(FIXTURES, "sarif/sarif-2.1.0-rtm.5.json"), "utf8"));
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat("uri", (s: string) => URL.canParse(s));
  ajv.addFormat("uri-reference", (s: string) => !/\s/.test(s));
  ajv.addFormat("date-time", (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv.compile(schema);
}

describe("totem check --format sarif", () => {
  it("is valid SARIF 2.1.0 and matches the golden log", async () => {
    const r = await runCli(["check", "errors.totem", "warnings.totem", "syntax.totem", "--format", "sarif"], { cwd });
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout);
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expectGolden("check.sarif", r.stdout);
  });

  it("has what GitHub code scanning needs: rules with help, 1-based UTF-16 regions, relative URIs", async () => {
    const docs = "https://github.com/example-org/totem/blob/v0.1.0/docs";
    const r = await runCli(["check", "errors.totem", "warnings.totem", "--format", "sarif", "--docs-url", docs], { cwd });
    const run = JSON.parse(r.stdout).runs[0];
    expect(sarifValidator()(JSON.parse(r.stdout))).toBe(true);
    expect(run.columnKind).toBe("utf16CodeUnits");
    expect(run.tool.driver.informationUri).toBe(`${docs}/language.md`);
    const ruleIds = run.tool.driver.rules.map((rule: { id: string }) => rule.id);
    for (const rule of run.tool.driver.rules) {
      expect(rule.helpUri).toBe(`${docs}/language.md#${rule.id}`);
      expect(rule.shortDescription.text.length).toBeGreaterThan(0);
    }
    for (const result of run.results) {
      expect(ruleIds[result.ruleIndex]).toBe(result.ruleId);
      const { artifactLocation, region } = result.locations[0].physicalLocation;
      expect(artifactLocation.uri).toMatch(/^(errors|warnings)\.totem$/);
      expect(region.startLine).toBeGreaterThanOrEqual(1);
      expect(region.startColumn).toBeGreaterThanOrEqual(1);
    }
  });

  it("links no documentation without a docs URL (never a host that does not resolve), and takes TOTEM_DOCS_URL", async () => {
    const plain = await runCli(["check", "errors.totem", "--format", "sarif"], { cwd });
    expect(plain.stdout).not.toContain("helpUri");
    expect(plain.stdout).not.toContain("informationUri");
    expect(plain.stdout).not.toContain("example.invalid");
    const env = await runCli(["check", "errors.totem", "--format", "sarif"], { cwd, env: { TOTEM_DOCS_URL: "https://docs.example.org/totem/" } });
    expect(JSON.parse(env.stdout).runs[0].tool.driver.rules[0].helpUri).toMatch(/^https:\/\/docs\.example\.org\/totem\/language\.md#/);
    const bad = await runCli(["check", "errors.totem", "--format", "sarif", "--docs-url", "javascript:alert(1)"], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("totem: --docs-url 'javascript:alert(1)' is not an http(s) URL");
  });

  it("names a file outside the working directory by a file: URI, and encodes relative paths", async () => {
    cpSync(join(cwd, "warnings.totem"), join(cwd, "keys", "with space.totem"));
    const elsewhere = tempDir();
    const r = await runCli(["check", join(cwd, "warnings.totem"), "--format", "sarif"], { cwd: elsewhere });
    const log = JSON.parse(r.stdout);
    expect(sarifValidator()(log)).toBe(true);
    const where = log.runs[0].results[0].locations[0].physicalLocation.artifactLocation;
    expect(where).toEqual({ uri: `file://${join(cwd, "warnings.totem")}` });
    const spaced = JSON.parse((await runCli(["check", "keys/with space.totem", "--format", "sarif"], { cwd })).stdout);
    expect(spaced.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({
      uri: "keys/with%20space.totem",
      uriBaseId: "%SRCROOT%",
    });
  });

  it("is an empty but valid log for a clean policy", async () => {
    const r = await runCli(["check", "root.totem", "--format", "sarif"], { cwd });
    expect(r.code).toBe(0);
    const log = JSON.parse(r.stdout);
    expect(sarifValidator()(log)).toBe(true);
    expect(log.runs[0].results).toEqual([]);
  });
});

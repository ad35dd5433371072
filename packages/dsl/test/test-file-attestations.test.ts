// Policy tests of target "ite-10" policies (docs/testing.md): what a step attests (predicate type,
// a JSON predicate and field lines), keyless signers' identity, recorded attestations folders,
// parameters (file, lines, omitted through `extends`), and the target checks (test-unsupported).
import { describe, expect, it } from "vitest";
import { parseTestFile, testTargetProblems } from "../src/index.js";

const TEXT = `policy "release.totem"
parameters "parameters.json"
parameter version = "1.4.0"
trusted-root "trusted_root.json"

test "happy" {
  step test {
    by ci
    attests "https://in-toto.io/attestation/test-result/v0.1" {
      predicate "{\\"result\\": \\"PASSED\\", \\"url\\": \\"https://ci\\"}"
      failedTests = []
      passedTests = ["unit", "e2e"]
      attempts = 2
      retried = false
      buildDefinition.externalParameters.workflow.ref = "refs/tags/v1.4.0"
    }
    consumes "src/app.c"
  }
  step build { by release-workflow identity "https://github.com/evil/app/.github/workflows/x.yml@refs/heads/main" issuer "https://issuer.example" }
  parameter tag = "v1.4.0"
  expect pass
}

test "no tag" extends "happy" {
  omit parameter tag
  expect fail parameters-missing
}

test "recorded" {
  attestations "attestations"
  parameters "other.json"
  expect pass
}
`;

describe("parseTestFile: attestations", () => {
  it("keeps a parameter named __proto__ as a parameter (an own value, not the object's prototype)", () => {
    const file = parseTestFile('policy "p.totem"\nparameter __proto__ = "x"\nparameter version = "1"\n');
    expect(Object.keys(file.parameterValues)).toEqual(["__proto__", "version"]);
    expect(Object.getPrototypeOf(file.parameterValues)).toBe(Object.prototype);
    expect({ ...file.parameterValues }).toEqual(JSON.parse('{"__proto__": "x", "version": "1"}'));
  });

  it("reads attests with its predicate and fields, identities, folders and parameters", () => {
    const file = parseTestFile(TEXT);
    expect(file.diagnostics).toEqual([]);
    expect(file.parameters?.path).toBe("parameters.json");
    expect(file.trustedRoot?.path).toBe("trusted_root.json");
    expect(file.parameterValues).toEqual({ version: "1.4.0" });
    const [happy, noTag, recorded] = file.tests;
    const attests = happy?.steps[0]?.attests;
    expect(attests?.predicateType).toBe("https://in-toto.io/attestation/test-result/v0.1");
    expect(attests?.predicate).toEqual({ result: "PASSED", url: "https://ci" });
    expect(attests?.fields.map((f) => [f.path.join("."), f.value])).toEqual([
      ["failedTests", []],
      ["passedTests", ["unit", "e2e"]],
      ["attempts", 2],
      ["retried", false],
      ["buildDefinition.externalParameters.workflow.ref", "refs/tags/v1.4.0"],
    ]);
    expect(happy?.steps[1]?.identity?.path).toBe("https://github.com/evil/app/.github/workflows/x.yml@refs/heads/main");
    expect(happy?.steps[1]?.issuer?.path).toBe("https://issuer.example");
    expect(happy?.parameterValues).toEqual({ tag: "v1.4.0" });
    expect(noTag?.parameterValues).toEqual({ tag: "v1.4.0" });
    expect(noTag?.omittedParameters).toEqual(["tag"]);
    expect(noTag?.steps).toHaveLength(2);
    expect(recorded?.attestations?.path).toBe("attestations");
    expect(recorded?.parameters?.path).toBe("other.json");
  });

  it("reports a predicate that is not a JSON object and a line that is not a field", () => {
    const file = parseTestFile(`test "t" {\n  step a { attests "T" { predicate "[1]" result PASSED } }\n  expect pass\n}\n`);
    expect(file.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["test-syntax", 'The predicate must be a JSON object, e.g. "{\\"result\\": \\"PASSED\\"}".'],
      ["test-syntax", 'Expected `predicate "{…}"` or a field line such as `result = "PASSED"` in `attests { … }`.'],
    ]);
  });

  it("reports evidence the policy's target has no place for", () => {
    const ite10 = parseTestFile(`test "t" {\n  links "links"\n  trusted-root "r.json"\n  inspection scan { exits 0 }\n  expect pass\n}\n`);
    expect(testTargetProblems(ite10, true).map((d) => d.code)).toEqual(["test-unsupported", "test-unsupported", "test-unsupported"]);
    const inToto = parseTestFile(TEXT);
    const problems = testTargetProblems(inToto, false);
    expect(problems.every((d) => d.code === "test-unsupported")).toBe(true);
    expect(problems.map((d) => TEXT.slice(d.span.start, d.span.end))).toEqual([
      '"parameters.json"',
      '"trusted_root.json"',
      'attests "https://in-toto.io/attestation/test-result/v0.1"',
      '"https://github.com/evil/app/.github/workflows/x.yml@refs/heads/main"',
      '"https://issuer.example"',
      '"attestations"',
      '"other.json"',
    ]);
    expect(testTargetProblems(inToto, true)).toEqual([]);
  });
});

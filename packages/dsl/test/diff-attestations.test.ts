// diffPolicies on target "ite-10" policies: what the in-toto layout cannot hold — expected predicate
// types, who may make each claim and how many must, the CEL checks and their modifiers, keyless
// identities — each change classified by the claims the step accepts. Policies compiled through the
// public API (compileAttestationPolicy + compilePolicy), as `totem diff` does.
import { describe, expect, it } from "vitest";
import { CHANGE_KINDS, type Change, compileAttestationPolicy, compilePolicy, diffPolicies, mayWeaken, type PolicySnapshot } from "../src/index.js";

const KEY = '{ type "ed25519" scheme "ed25519" public "' + "1".repeat(64) + '" }';
const OTHER = '{ type "ed25519" scheme "ed25519" public "' + "2".repeat(64) + '" }';

const BASE = `layout "release" {
  target "ite-10"
  expires "2030-01-01T00:00:00Z"
  functionary ci key ${KEY}
  functionary qa key ${OTHER}
  functionary wf sigstore {
    issuer "https://token.actions.githubusercontent.com"
    identity "https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1"
  }
  step build {
    attestation "https://slsa.dev/provenance/v1" {
      by wf
      check "predicate.buildDefinition.buildType == 'https://actions.github.io/buildtypes/workflow/v1'"
    }
    products { create "app"  disallow "*" }
  }
  step test {
    attestation "https://in-toto.io/attestation/test-result/v0.1" {
      by ci
      check "predicate.result == 'PASSED'"
      check "size(predicate.warnedTests) == 0" warn
    }
    materials { match "app" with products from build  disallow "*" }
    products { disallow "*" }
  }
}
`;

function snapshot(text: string): PolicySnapshot {
  const now = new Date("2026-01-01T00:00:00Z");
  const policy = compilePolicy(text, { readKey: () => undefined, now });
  const attested = compileAttestationPolicy(text, { readKey: () => undefined, now });
  if (policy.layout === undefined || attested.layout === undefined) throw new Error(JSON.stringify([...policy.diagnostics, ...attested.diagnostics].filter((d) => d.severity === "error")));
  return { layout: policy.layout, target: policy.target, origin: "policy", attestations: attested.layout, source: { text, sourceMap: policy.sourceMap } };
}

/** The changes from BASE to BASE with `from` replaced by `to`, as `classification kind subject`. */
function edit(from: string, to: string): Change[] {
  expect(BASE).toContain(from);
  return diffPolicies(snapshot(BASE), snapshot(BASE.replace(from, to)));
}
const brief = (changes: Change[]) => changes.map((c) => `${c.classification} ${c.kind} ${c.subject}`);
const PROVENANCE = "step build attestation https://slsa.dev/provenance/v1";
const TESTS = "step test attestation https://in-toto.io/attestation/test-result/v0.1";

describe("diffPolicies of attestation policies", () => {
  it("finds no change in an identical policy or a reformatted one", () => {
    expect(diffPolicies(snapshot(BASE), snapshot(BASE))).toEqual([]);
    expect(edit("    attestation", "\n    attestation")).toEqual([]);
  });

  it("a removed check weakens; an added one strengthens, even a warning-only one", () => {
    expect(brief(edit(`      check "predicate.result == 'PASSED'"\n`, ""))).toEqual([`weakens check-removed ${TESTS}`]);
    expect(brief(edit(`      check "predicate.result == 'PASSED'"\n`, `      check "predicate.result == 'PASSED'"\n      check "size(predicate.failedTests) == 0"\n`))).toEqual([`strengthens check-added ${TESTS}`]);
    // A `warn` check still refuses a claim without the field it reads, so removing it lets that claim through.
    expect(brief(edit(`      check "size(predicate.warnedTests) == 0" warn\n`, ""))).toEqual([`weakens check-removed ${TESTS}`]);
  });

  it("a warn allow-if-absent check still refuses a claim it cannot evaluate (the oracle's counterexamples)", () => {
    // diff-attestations-oracle.test.ts found these called neutral: a claim whose predicate.level is a
    // string ("FAILED" > 1 has no CEL overload) passed the old policy and failed the new one.
    const added = edit(`      check "size(predicate.warnedTests) == 0" warn\n`, `      check "size(predicate.warnedTests) == 0" warn\n      check "predicate.level > 1" warn allow-if-absent\n`);
    expect(brief(added)).toEqual([`strengthens check-added ${TESTS}`]);
    expect(added[0]?.reason).toContain("a claim that it cannot evaluate is refused");
    // Dropping allow-if-absent from a warn check: a claim without the field is refused again.
    const absent = 'check "size(predicate.warnedTests) == 0" warn';
    expect(brief(diffPolicies(snapshot(BASE.replace(absent, `${absent} allow-if-absent`)), snapshot(BASE)))).toEqual([`strengthens check-changed ${TESTS}`]);
    expect(brief(edit(absent, `${absent} allow-if-absent`))).toEqual([`weakens check-changed ${TESTS}`]);
  });

  it("warn and allow-if-absent loosen a check; removing them tightens it", () => {
    expect(brief(edit(`check "predicate.result == 'PASSED'"`, `check "predicate.result == 'PASSED'" warn`))).toEqual([`weakens check-changed ${TESTS}`]);
    expect(brief(edit(`check "predicate.result == 'PASSED'"`, `check "predicate.result == 'PASSED'" allow-if-absent`))).toEqual([`weakens check-changed ${TESTS}`]);
    expect(brief(edit(`check "size(predicate.warnedTests) == 0" warn`, `check "size(predicate.warnedTests) == 0"`))).toEqual([`strengthens check-changed ${TESTS}`]);
    expect(brief(edit("workflow/v1'\"\n", "workflow/v1'\" warn\n"))).toEqual([`weakens check-changed ${PROVENANCE}`]);
  });

  it("a changed check is a removal and an addition, so --fail-on-weaken stops on it", () => {
    const changes = edit("predicate.result == 'PASSED'", "predicate.result != 'FAILED'");
    expect(brief(changes).sort()).toEqual([`strengthens check-added ${TESTS}`, `weakens check-removed ${TESTS}`]);
    expect(changes.some((c) => mayWeaken(c.classification))).toBe(true);
  });

  it("signers and thresholds of a claim: more signers or a lower threshold weaken", () => {
    expect(brief(edit("      by ci\n", "      by ci, qa\n"))).toEqual([`weakens functionary-added ${TESTS}`]);
    expect(brief(edit("      by ci\n", "      by qa\n"))).toEqual([`mixed signers ${TESTS}`]);
    expect(brief(edit("      by ci\n", "      by ci, qa\n      threshold 2\n"))).toEqual([`mixed signers ${TESTS}`]);
  });

  it("declaring a functionary weakens even when no step names it; dropping one strengthens (the oracle's counterexample)", () => {
    // diff-attestations-oracle.test.ts: a file for step build signed by an undeclared key fails the
    // run; declared (unused), the same file loads and the run passes. It was only a neutral key-added.
    const SPARE = '{ type "ed25519" scheme "ed25519" public "' + "3".repeat(64) + '" }';
    const declared = edit("  functionary qa key", `  functionary spare key ${SPARE}\n  functionary qa key`);
    expect(declared.find((c) => c.kind === "functionary-added")?.reason).toContain("a file it signs for a step no longer fails verification");
    // Said once: the in-toto part's neutral key-added is not repeated beside it.
    expect(brief(declared)).toEqual([expect.stringMatching(/^weakens functionary-added functionary key [0-9a-f]{8}$/)]);
    expect(brief(diffPolicies(snapshot(BASE.replace("  functionary qa key", `  functionary spare key ${SPARE}\n  functionary qa key`)), snapshot(BASE)))).toEqual([
      expect.stringMatching(/^strengthens functionary-removed functionary key [0-9a-f]{8}$/),
    ]);
  });

  it("a predicate type no longer required weakens; a new one strengthens", () => {
    const without = edit(`    attestation "https://slsa.dev/provenance/v1" {
      by wf
      check "predicate.buildDefinition.buildType == 'https://actions.github.io/buildtypes/workflow/v1'"
    }
`, "    by ci\n");
    expect(brief(without)).toEqual(["weakens attestation-removed step build", "strengthens attestation-added step build"]);
    // The step's own `by` is its link predicate: its signers are judged there, once.
    expect(brief(edit("    products { disallow \"*\" }\n", "    by ci\n    products { disallow \"*\" }\n"))).toEqual(["strengthens attestation-added step test"]);
  });

  it("keyless identities: a pattern that covers the old identity weakens, the reverse strengthens, another issuer is mixed", () => {
    const exact = 'identity "https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1"';
    const pattern = 'identity-pattern "https://github.com/acme/app/.github/workflows/release.yml@refs/tags/*"';
    expect(brief(edit(exact, pattern))).toEqual(["weakens identity-changed functionary wf"]);
    const widened = snapshot(BASE.replace(exact, pattern));
    expect(brief(diffPolicies(widened, snapshot(BASE)))).toEqual(["strengthens identity-changed functionary wf"]);
    expect(brief(edit('issuer "https://token.actions.githubusercontent.com"', 'issuer "https://gitlab.example"'))).toEqual(["mixed identity-changed functionary wf"]);
    expect(brief(edit("refs/tags/v1", "refs/tags/v2"))).toEqual(["mixed identity-changed functionary wf"]);
  });

  it("uses only kinds from CHANGE_KINDS and names the step's line", () => {
    const changes = edit(`      check "predicate.result == 'PASSED'"\n`, "");
    for (const c of changes) expect(CHANGE_KINDS).toContain(c.kind);
    expect(changes[0]?.line).toEqual({ side: "new", line: BASE.split("\n").findIndex((l) => l.includes("step test")) + 1 });
  });
});

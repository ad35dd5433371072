// `analyze` and `compilePolicy` as their callers (CLI, language server) use them: the examples,
// options, symbols, ordering, robustness, and the per-keystroke time budget.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { attestationLayoutToYaml, celParser, layoutToJson } from "@totem/engine";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyze } from "../src/analyze.js";
import { compileAttestationPolicy } from "../src/attest/lower-attestations.js";
import { targetsIte10 } from "../src/attest/target.js";
import { parse } from "../src/parse.js";
import { compilePolicy } from "../src/lower.js";
import { occurrences, renameProblem, symbolAt } from "../src/symbols.js";
import { generatePolicy } from "./gen-policy.js";
import { expectGolden } from "./parser-helpers.js";

const EXAMPLES = join(import.meta.dirname, "../../../examples");
const NOW = new Date("2026-06-01T00:00:00Z");

function examplePolicies(): string[] {
  return readdirSync(EXAMPLES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(EXAMPLES, d.name)).filter((f) => f.endsWith(".totem")).map((f) => join(EXAMPLES, d.name, f)));
}

/** Example policies of target "ite-10" compile to attestation layouts, checked below, not to in-toto layouts. */
const isIte10 = (path: string) => targetsIte10(parse(readFileSync(path, "utf8")).file.layout);

describe("examples", () => {
  it("include the demo, the CI pipeline and the rule-set policy", () => {
    const names = examplePolicies().map((p) => p.slice(EXAMPLES.length + 1));
    expect(names).toEqual(expect.arrayContaining(["demo/demo.totem", "ci-pipeline/ci-pipeline.totem", "rulesets/rulesets.totem"]));
  });

  it.each(examplePolicies().filter((p) => !isIte10(p)))("%s checks clean and compiles to its golden payload", (path) => {
    const text = readFileSync(path, "utf8");
    const readKey = (p: string) => (existsSync(join(dirname(path), p)) ? readFileSync(join(dirname(path), p), "utf8") : undefined);
    const result = compilePolicy(text, { readKey, now: NOW });
    expect(result.diagnostics).toEqual([]);
    expect(result.layout?.steps.length).toBeGreaterThan(0);
    for (const step of result.layout!.steps) expect(step.pubkeys.length).toBeGreaterThanOrEqual(step.threshold);
    // The compiled payload, as a reviewable golden beside the policy (clock fixed at NOW).
    expectGolden(path.replace(/\.totem$/, ".layout.json"), `${JSON.stringify(layoutToJson(result.layout!), null, 2)}\n`);
  });

  it.each(examplePolicies().filter(isIte10))("%s checks without errors or warnings and compiles to the layout.yml beside it", async (path) => {
    const readKey = (p: string) => (existsSync(join(dirname(path), p)) ? readFileSync(join(dirname(path), p), "utf8") : undefined);
    const result = compileAttestationPolicy(readFileSync(path, "utf8"), { readKey, now: NOW, celSyntax: await celParser() });
    // Infos only (an expiry years ahead is expiry-too-far).
    expect(result.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
    expect(attestationLayoutToYaml(result.layout!)).toBe(readFileSync(join(dirname(path), "layout.yml"), "utf8"));
  });
});

describe("analyze", () => {
  const policy = readFileSync(join(EXAMPLES, "demo/demo.totem"), "utf8");

  it("skips the expiry lints without a clock and applies them with one", () => {
    const text = policy.replace("expires in 365d", 'expires "2026-06-10T00:00:00Z"');
    expect(analyze(text).diagnostics).toEqual([]);
    expect(analyze(text, { now: NOW }).diagnostics.map((d) => d.code)).toEqual(["expiry-soon"]);
    expect(analyze(text, { now: NOW, expiryWarningDays: 5 }).diagnostics).toEqual([]);
  });

  it("sorts syntax errors, semantic errors and lints together by offset", () => {
    const text = `${policy.replace("by carl", "by dave").replace('disallow "*"\n    }\n  }\n\n  # Runs', '}\n  }\n\n  # Runs')}\n$`;
    const { diagnostics } = analyze(text, { now: NOW });
    const starts = diagnostics.map((d) => d.span.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(new Set(diagnostics.map((d) => d.code))).toEqual(new Set(["unknown-functionary", "unused-functionary", "missing-trailing-disallow", "unexpected-character"]));
  });

  it("resolves every use of a name to its declaration, for definition, references and rename", () => {
    const { symbols } = analyze(policy);
    const use = policy.indexOf("from update-version") + "from ".length;
    const decl = symbolAt(symbols, use);
    expect(decl).toMatchObject({ kind: "step", name: "update-version" });
    expect(policy.slice(decl!.span.start, decl!.span.end)).toBe("update-version");
    expect(occurrences(symbols, decl!)).toHaveLength(3);
    expect(renameProblem(symbols, decl!, "clone")).toMatch(/already declared/);
    expect(renameProblem(symbols, decl!, "bump version")).toMatch(/not a name/);
    expect(renameProblem(symbols, decl!, "bump-version")).toBeUndefined();
    const bob = symbolAt(symbols, policy.indexOf("by bob") + 3);
    expect(bob?.kind).toBe("functionary");
    expect(occurrences(symbols, bob!)).toHaveLength(3);
  });

  it("resolves constants and rule sets, including uses inside rule sets", () => {
    const text = readFileSync(join(EXAMPLES, "rulesets/rulesets.totem"), "utf8");
    const { symbols } = analyze(text);
    const closed = symbols.byName["rule-set"].get("closed")!;
    expect(occurrences(symbols, closed).map((s) => text.slice(s.start, s.end))).toEqual(Array(8).fill("closed"));
    const sources = symbolAt(symbols, text.lastIndexOf("SOURCES"))!;
    expect(sources).toMatchObject({ kind: "constant", name: "SOURCES" });
    expect(occurrences(symbols, sources)).toHaveLength(3);
    const fetch = symbolAt(symbols, text.indexOf("from fetch") + "from ".length);
    expect(fetch).toMatchObject({ kind: "step", name: "fetch" });
  });

  it("never throws, whatever the text", () => {
    const base = readFileSync(join(EXAMPLES, "rulesets/rulesets.totem"), "utf8");
    fc.assert(
      fc.property(fc.string(), fc.nat(base.length), fc.nat(40), (insert, at, cut) => {
        const text = base.slice(0, at) + insert + base.slice(at + cut);
        const result = analyze(text, { now: NOW });
        expect(result.diagnostics.every((d) => d.code !== "internal-error")).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  // The budget is 30 ms on a quiet machine (measured by `npm run bench`, see docs/benchmarks.md); the
  // test machine runs many suites at once, so the assertion leaves room and still catches a blow-up.
  it("analyzes a 5000-line policy in linear time, far below 100 ms", () => {
    const text = generatePolicy(560);
    expect(text.split("\n").length).toBeGreaterThanOrEqual(5000);
    analyze(text, { now: NOW });
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      analyze(text, { now: NOW });
      times.push(performance.now() - t0);
    }
    // The fastest run: the one least disturbed by other processes.
    expect(Math.min(...times)).toBeLessThan(100);
  });
});

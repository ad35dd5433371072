// What `totem test` reports: each test's outcome (its expectation met or not, or an error in its
// evidence), for people (text), programs (JSON, version 1) and CI (JUnit XML). docs/testing.md.
import type { ExpectedVerdict } from "@totem/dsl";
import type { RuleRef } from "@totem/engine";
import { escapeForTerminal } from "../terminal.js";
import { plural } from "../words.js";

/** A finding of a verdict: a link chain's failure (with its stage), or an attestation layout's (stage null: it has no numbered stages). */
export interface TestFinding {
  stage: number | null;
  code: string;
  message: string;
  step?: string;
  rule?: RuleRef;
}

/** What `totem test` compares with an expectation: the engine's verifyChain result, or its verifyAttestations verdict. */
export interface TestVerdict {
  passed: boolean;
  failures: readonly TestFinding[];
  warnings: readonly Omit<TestFinding, "rule">[];
}

/** One test's outcome. */
export interface TestOutcome {
  name: string;
  /** passed: the verdict was the expected one; failed: it was not; error: no verdict (bad evidence, a policy with errors). */
  status: "passed" | "failed" | "error";
  expected?: ExpectedVerdict;
  result?: TestVerdict;
  /** Why it failed or could not run, in one sentence. */
  message?: string;
}

/** One test file's outcomes. */
export interface FileOutcome {
  file: string;
  policy: string;
  tests: TestOutcome[];
}

/** `rule-disallow at sbom materials rule 2`: a failure's code and place, as `expect fail` writes it. */
export function failurePlace(f: Pick<TestFinding, "code" | "step" | "rule">): string {
  let out = f.code;
  if (f.step !== undefined) out += ` at ${f.step}`;
  if (f.rule !== undefined) out += ` ${f.rule.side} rule ${f.rule.index + 1}`;
  return out;
}

/** The expectation as written (`pass`, `fail rule-disallow at sbom materials`). */
export function expectedText(e: ExpectedVerdict): string {
  if (e.kind === "pass") return "pass";
  const parts = ["fail"];
  if (e.code !== undefined) parts.push(e.code);
  if (e.at !== undefined) parts.push(`at ${e.at}`);
  if (e.side !== undefined) parts.push(e.side);
  if (e.rule !== undefined) parts.push(`rule ${e.rule}`);
  return parts.join(" ");
}

/** Whether a failure is the one an `expect fail …` describes (every field written must agree). */
function failureMatches(e: Extract<ExpectedVerdict, { kind: "fail" }>, f: TestFinding): boolean {
  return (
    (e.code === undefined || e.code === f.code) &&
    (e.at === undefined || e.at === f.step) &&
    (e.side === undefined || e.side === f.rule?.side) &&
    (e.rule === undefined || (f.rule !== undefined && e.rule === f.rule.index + 1))
  );
}

/** Compares a verdict with the expectation; the message says what differed. */
export function judge(expected: ExpectedVerdict, result: TestVerdict): { status: TestOutcome["status"]; message?: string } {
  const first = result.failures[0];
  if (expected.kind === "pass") {
    if (result.passed) return { status: "passed" };
    return { status: "failed", message: `expected pass, but verification failed: ${first === undefined ? "" : `${failurePlace(first)}: ${first.message}`}` };
  }
  if (result.passed) return { status: "failed", message: `expected ${expectedText(expected)}, but verification passed` };
  if (result.failures.some((f) => failureMatches(expected, f))) return { status: "passed" };
  return { status: "failed", message: `expected ${expectedText(expected)}, but verification failed with ${result.failures.map(failurePlace).join("; ")}${first === undefined ? "" : `: ${first.message}`}` };
}

/** Counts over every file. */
export function totals(files: readonly FileOutcome[]): { tests: number; passed: number; failed: number; errors: number } {
  const all = files.flatMap((f) => f.tests);
  return {
    tests: all.length,
    passed: all.filter((t) => t.status === "passed").length,
    failed: all.filter((t) => t.status === "failed").length,
    errors: all.filter((t) => t.status === "error").length,
  };
}

/** The summary line: `7 tests: 6 passed, 1 failed`. */
export function summaryText(files: readonly FileOutcome[]): string {
  const t = totals(files);
  const parts = [`${t.passed} passed`];
  if (t.failed > 0) parts.push(`${t.failed} failed`);
  if (t.errors > 0) parts.push(`${plural(t.errors, "error")}`);
  return `${plural(t.tests, "test")} in ${plural(files.length, "file")}: ${parts.join(", ")}`;
}

function warningText(w: TestVerdict["warnings"][number]): string {
  return `${w.code}${w.step === undefined ? "" : ` at ${w.step}`}`;
}

/** The text report: one line per test, a reason under each that did not pass. */
export function renderText(files: readonly FileOutcome[], verbose: boolean): string {
  const out: string[] = [];
  for (const f of files) {
    out.push(`${escapeForTerminal(f.file)} (policy ${escapeForTerminal(f.policy)})`);
    for (const t of f.tests) {
      const mark = t.status === "passed" ? "ok  " : t.status === "failed" ? "FAIL" : "ERR ";
      const how = t.status === "passed" && t.expected?.kind === "fail" && t.result?.failures[0] !== undefined ? ` (${failurePlace(t.result.failures[0])})` : "";
      out.push(`  ${mark} ${escapeForTerminal(t.name)}${how}`);
      if (t.message !== undefined) out.push(`       ${escapeForTerminal(t.message)}`);
      const warnings = t.result?.warnings ?? [];
      if (verbose && warnings.length > 0) out.push(`       warnings: ${warnings.map(warningText).join(", ")}`);
    }
  }
  return `${out.join("\n")}\n`;
}

/** The `--format json` document (version 1, docs/testing.md). */
export function renderJson(files: readonly FileOutcome[]): string {
  const doc = {
    version: 1,
    summary: totals(files),
    files: files.map((f) => ({
      file: f.file,
      policy: f.policy,
      tests: f.tests.map((t) => ({
        name: t.name,
        status: t.status,
        expected: t.expected === undefined ? null : expectedText(t.expected),
        ...(t.message === undefined ? {} : { message: t.message }),
        verdict:
          t.result === undefined
            ? null
            : {
                passed: t.result.passed,
                failures: t.result.failures.map((x) => ({ stage: x.stage, code: x.code, step: x.step ?? null, rule: x.rule ?? null, message: x.message })),
                warnings: t.result.warnings.map((w) => ({ stage: w.stage, code: w.code, step: w.step ?? null, message: w.message })),
              },
      })),
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** XML 1.0 text: markup escaped, and characters XML cannot hold at all as `\u{…}`. */
function xml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`)
    .replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string);
}

/** JUnit XML as CI systems read it: a suite per test file, a case per test. */
export function renderJunit(files: readonly FileOutcome[]): string {
  const t = totals(files);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="totem test" tests="${t.tests}" failures="${t.failed}" errors="${t.errors}">`];
  for (const f of files) {
    const s = totals([f]);
    out.push(`  <testsuite name="${xml(f.file)}" tests="${s.tests}" failures="${s.failed}" errors="${s.errors}">`);
    for (const c of f.tests) {
      const open = `    <testcase classname="${xml(f.file)}" name="${xml(c.name)}"`;
      if (c.status === "passed") out.push(`${open}/>`);
      else {
        const tag = c.status === "failed" ? "failure" : "error";
        out.push(`${open}>`, `      <${tag} message="${xml(c.message ?? "")}"/>`, "    </testcase>");
      }
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>");
  return `${out.join("\n")}\n`;
}

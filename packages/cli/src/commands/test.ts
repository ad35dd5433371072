// `totem test [PATH…] [--format text|json|junit] [--now TIME]`: runs the policy tests of
// `*.totem-test` files (docs/testing.md). Each test's chain is built with test keys (test-chain.ts)
// and verified by the engine's verifyChain — or, for a policy of target "ite-10", its attestations
// (test-attestations.ts) by verifyAttestations; the verdict is compared with the test's `expect`.
import { readdirSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parseTestFile, targetsIte10, testTargetProblems } from "@totem/dsl";
import { celParser } from "@totem/engine";
import { type Command, Option } from "commander";
import { EXIT, UsageError } from "../errors.js";
import { type UserPath, beside, foundIn, readText, userPath } from "../io.js";
import { ioOf, resolveNow, setExit } from "../program.js";
import { collectParam } from "../params.js";
import { colorEnabled } from "../terminal.js";
import { checkPolicyWithKeyrings, writeCodeFrames } from "./check.js";
import { runAttestationTest } from "./test-attestations.js";
import { EvidenceError, runTest, TestKeys } from "./test-chain.js";
import { type FileOutcome, judge, renderJson, renderJunit, renderText, summaryText } from "./test-report.js";

/** The extension of policy test files. */
export const TEST_EXTENSION = ".totem-test";

const EXAMPLES = `
Examples:
  $ totem test                                   every *.totem-test below the current directory
  $ totem test examples/ci-pipeline/ci-pipeline.totem-test
  $ totem test --format junit > totem-tests.xml  (for CI test reports)
  $ totem test --format json

A test file names its policy with \`policy "FILE"\` (default: the .totem of the same name). Each test's
chain is signed with test keys made for the run and verified by the same engine as \`totem verify\`.

Exit codes: 0 every test passed, 1 a test failed or could not run (bad evidence, a policy with errors),
2 bad flag, no test files, or an unreadable file.
`;

interface TestFlags {
  format: "text" | "json" | "junit";
  now?: string;
  verbose?: boolean;
  param?: Record<string, string>;
}

/** Every `*.totem-test` under a directory (dot folders and node_modules skipped), sorted. */
function findTestFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findTestFiles(path));
    else if (entry.isFile() && entry.name.endsWith(TEST_EXTENSION)) out.push(path);
  }
  return out;
}

/** Registers `totem test`. */
export function register(program: Command): void {
  program
    .command("test")
    .description("run policy tests (*.totem-test): build each described chain with test keys and verify it")
    .argument("[paths...]", "test files, or directories to search for *.totem-test (default: .)")
    .addOption(new Option("--format <format>", "report format").choices(["text", "json", "junit"]).default("text"))
    .option("--now <time>", "the time expiry is checked against and relative expiries resolve against (default: the clock)")
    .option("--param <name=value>", "a value for the policy's `param NAME` (repeatable; overrides the test file's)", collectParam)
    .option("-v, --verbose", "also list each test's verification warnings (e.g. command-mismatch)")
    .addHelpText("after", EXAMPLES)
    .action(async (paths: string[], opts: TestFlags, cmd: Command) => {
      const io = ioOf(cmd);
      const now = resolveNow(opts.now, io, "verdict");
      const files: UserPath[] = [];
      for (const p of paths.length === 0 ? ["."] : paths) {
        const given = userPath(io.cwd, p);
        let isDir = false;
        try {
          isDir = statSync(given.path).isDirectory();
        } catch {
          isDir = false;
        }
        files.push(...(isDir ? findTestFiles(given.path).map((f) => foundIn(given, f)) : [given]));
      }
      if (files.length === 0) throw new UsageError(`no ${TEST_EXTENSION} files found in ${paths.length === 0 ? "." : paths.join(", ")}`, "(see totem test --help)");
      const keys = new TestKeys();
      const celSyntax = await celParser();
      const outcomes: FileOutcome[] = [];
      const color = colorEnabled(io.stderrIsTTY, io.env);
      for (const { path, shown: uri } of files) {
        const text = readText(path, "policy test", uri, "policy");
        const parsed = parseTestFile(text);
        writeCodeFrames([{ uri, text, diagnostics: parsed.diagnostics }], io.stderr, color);
        const policy = beside({ path, shown: uri }, parsed.policy?.path ?? `${basename(path, TEST_EXTENSION)}.totem`);
        const outcome: FileOutcome = { file: uri, policy: policy.shown, tests: [] };
        outcomes.push(outcome);
        const broken = (message: string) => {
          outcome.tests = parsed.tests.map((t) => ({ name: t.name, status: "error" as const, ...(t.expect ? { expected: t.expect } : {}), message }));
          if (outcome.tests.length === 0) outcome.tests.push({ name: basename(path), status: "error", message });
        };
        if (parsed.diagnostics.some((d) => d.severity === "error")) {
          broken(`${uri} has errors (see above); its tests did not run`);
          continue;
        }
        const params = { ...parsed.params, ...(opts.param ?? {}) };
        const checked = await checkPolicyWithKeyrings(policy, io, { now, params, celSyntax });
        const errors = checked.diagnostics.filter((d) => d.severity === "error");
        const layout = checked.lowered.layout;
        if (errors.length > 0 || layout === undefined) {
          writeCodeFrames([{ ...checked, diagnostics: errors }], io.stderr, color);
          broken(`the policy ${policy.shown} has errors (see above); its tests did not run`);
          continue;
        }
        const ite10 = targetsIte10(checked.lowered.analysis.file.layout);
        const unsupported = testTargetProblems(parsed, ite10);
        if (unsupported.length > 0) {
          writeCodeFrames([{ uri, text, diagnostics: unsupported }], io.stderr, color);
          broken(`${uri} describes evidence its policy's target has no place for (see above); its tests did not run`);
          continue;
        }
        const attestations = checked.attestations;
        // Never a link-chain test of an ite-10 policy: no attestation layout, no tests.
        if (ite10 && attestations?.layout === undefined) {
          broken(`the policy ${policy.shown} has no attestation layout; its tests did not run`);
          continue;
        }
        const ctx = { layout, file: checked.lowered.analysis.file, target: checked.lowered.target, keys, outsiders: parsed.outsiders, now, dir: dirname(path) };
        const attestationCtx =
          attestations?.layout === undefined ? undefined : { layout: attestations.layout, inToto: layout, keyids: attestations.keyids ?? {}, keys, file: parsed, now, dir: dirname(path) };
        for (const test of parsed.tests) {
          const expected = test.expect;
          if (expected === undefined) continue;
          try {
            const result = attestationCtx === undefined ? await runTest(test, ctx) : await runAttestationTest(test, attestationCtx);
            outcome.tests.push({ name: test.name, expected, result, ...judge(expected, result) });
          } catch (error) {
            if (!(error instanceof EvidenceError)) throw error;
            outcome.tests.push({ name: test.name, expected, status: "error", message: error.message });
          }
        }
      }
      if (opts.format === "json") io.stdout.write(renderJson(outcomes));
      else if (opts.format === "junit") io.stdout.write(renderJunit(outcomes));
      else io.stdout.write(renderText(outcomes, opts.verbose === true));
      if (opts.format === "text") io.stderr.write(`${summaryText(outcomes)}\n`);
      const failed = outcomes.some((f) => f.tests.some((t) => t.status !== "passed"));
      setExit(cmd, failed ? EXIT.FAILED : EXIT.OK);
    });
}

// In-process benchmark of the language: parse + check of a generated 10k-step policy, and full
// analysis (parse, checks, lints) of a 5k-line policy, which the language server runs on every edit.
// Bundled and run by scripts/bench.mjs; prints one JSON line of results (milliseconds, medians).
import { analyze, format, parse } from "@totem/dsl";
import { generatePolicy } from "../../packages/dsl/test/gen-policy.js";

function medianMs(runs: number, f: () => void): number {
  f(); // warm-up: JIT and chevrotain's first-parse grammar recording
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    f();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}

function policyOfLines(lines: number): string {
  let steps = Math.round(lines / 9);
  let text = generatePolicy(steps);
  while (text.split("\n").length < lines) text = generatePolicy(++steps);
  return text;
}

const big = generatePolicy(10_000);
const fiveK = policyOfLines(5_000);
const now = new Date("2026-01-01T00:00:00Z");
const results = {
  "10k-step policy: lines": big.split("\n").length,
  "10k-step policy: parse (ms)": medianMs(5, () => parse(big)),
  "10k-step policy: parse + check (ms)": medianMs(5, () => analyze(big, { now })),
  "5k-line policy: full analysis (ms, target ≤ 30)": medianMs(21, () => analyze(fiveK, { now })),
  "5k-line policy: format (ms)": medianMs(11, () => format(fiveK)),
};
console.log(JSON.stringify(results));

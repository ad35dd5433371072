// Semantic checks and in-toto lints through `analyze`, over annotated fixtures (see check-helper.ts).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze, checkContext } from "../src/analyze.js";
import { LINTS } from "../src/checks/all.js";
import { CODES } from "../src/codes.js";
import type { Diagnostic, TextEdit } from "../src/diagnostic.js";
import { parse } from "../src/parse.js";
import { collectSymbols } from "../src/symbols.js";
import { check, FIXTURE_NOW } from "./check-helper.js";
import { expectGolden } from "./parser-helpers.js";

const DIR = join(import.meta.dirname, "fixtures/check");
const FIXTURES = readdirSync(DIR)
  .filter((f) => f.endsWith(".totem"))
  .sort();

function applyEdits(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.span.start - a.span.start)) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

describe("check fixtures", () => {
  it.each(FIXTURES)("%s reports exactly its annotated diagnostics", (name) => {
    const path = join(DIR, name);
    expectGolden(path, check(readFileSync(path, "utf8")).actual);
  });

  it("reports nothing for a clean policy", () => {
    expect(check(readFileSync(join(DIR, "clean.totem"), "utf8")).diagnostics).toEqual([]);
  });

  it("covers every registered code (lowering codes in the lowering fixtures)", () => {
    const seen = new Set<string>();
    for (const name of FIXTURES) for (const d of check(readFileSync(join(DIR, name), "utf8")).diagnostics) seen.add(d.code);
    const lowerDir = join(import.meta.dirname, "fixtures/lower");
    for (const f of readdirSync(lowerDir).filter((n) => n.endsWith(".diagnostics.txt"))) {
      for (const m of readFileSync(join(lowerDir, f), "utf8").matchAll(/^(?:error|warning|info|hint) ([a-z0-9-]+)/gm)) seen.add(m[1]!);
    }
    // internal-error marks a bug in Totem; no input is meant to produce it. Import and test-file
    // codes are not a policy's diagnostics: the import and test-file tests produce them.
    const registered = Object.entries(CODES)
      .filter(([c, info]) => c !== "internal-error" && info.phase !== "import" && info.phase !== "test")
      .map(([c]) => c);
    expect([...seen].sort()).toEqual(registered.sort());
  });
});

describe("the lint list", () => {
  it("has exactly one lint per lint code of the registry", () => {
    const registered = Object.entries(CODES)
      .filter(([, info]) => info.phase === "lint")
      .map(([code]) => code);
    expect(LINTS.map((l) => l.code).sort()).toEqual(registered.sort());
  });

  it("has each lint report its own code only, on every fixture", () => {
    for (const name of FIXTURES) {
      const source = readFileSync(join(DIR, name), "utf8");
      const { file, diagnostics } = parse(source);
      const symbols = collectSymbols(file);
      for (const lint of LINTS) {
        const found: Diagnostic[] = [];
        lint.run(checkContext(source, file, symbols, diagnostics, { now: FIXTURE_NOW }, found));
        for (const d of found) expect(d.code, `${lint.code} on ${name}`).toBe(lint.code);
      }
    }
  });
});

describe("quick fixes", () => {
  const withFixes: [string, Diagnostic][] = [];
  for (const name of FIXTURES) {
    const { diagnostics } = check(readFileSync(join(DIR, name), "utf8"));
    // Fixes are offered on syntactically valid policies; with syntax errors a re-parse may shift anything.
    if (diagnostics.some((d) => CODES[d.code as keyof typeof CODES]?.phase === "syntax")) continue;
    for (const d of diagnostics) if (d.fix !== undefined) withFixes.push([`${name} ${d.code} @${d.span.start}`, d]);
  }

  it("exist for the five fixable kinds of problem", () => {
    const codes = new Set(withFixes.map(([, d]) => d.code));
    for (const c of ["missing-trailing-disallow", "unknown-functionary", "threshold-out-of-range", "unused-functionary", "expired", "expiry-soon"]) {
      expect(codes).toContain(c);
    }
  });

  it.each(withFixes)("%s: applying the fix removes the diagnostic and adds no error", (label, d) => {
    const name = label.split(" ")[0]!;
    const { source, diagnostics } = check(readFileSync(join(DIR, name), "utf8"));
    const fixed = applyEdits(source, d.fix!.edits);
    const after = analyze(fixed, { now: FIXTURE_NOW }).diagnostics;
    const count = (list: Diagnostic[], code: string) => list.filter((x) => x.code === code).length;
    expect(count(after, d.code)).toBeLessThan(count(diagnostics, d.code));
    expect(count(after, "syntax-error")).toBe(0);
    expect(after.filter((x) => x.severity === "error").length).toBeLessThanOrEqual(diagnostics.filter((x) => x.severity === "error").length);
  });
});

describe("documentation", () => {
  it("documents every registered code under its anchor in docs/language.md (test-file codes in docs/testing.md)", () => {
    const headingsOf = (file: string) =>
      new Set([...readFileSync(join(import.meta.dirname, "../../../docs", file), "utf8").matchAll(/^#{3,4} ([a-z0-9-]+)$/gm)].map((m) => m[1]));
    const headings = { "language.md": headingsOf("language.md"), "testing.md": headingsOf("testing.md") };
    for (const [code, info] of Object.entries(CODES)) {
      const doc: keyof typeof headings = "doc" in info && info.doc !== undefined ? info.doc : "language.md";
      expect(info.anchor).toBe(code);
      expect(headings[doc], `docs/${doc} lacks a heading "${code}"`).toContain(code);
    }
  });
});

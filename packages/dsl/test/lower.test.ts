// Lowering through its public entry points, over golden files: fixtures/lower/NAME.totem (with keys
// in fixtures/lower/keys) → NAME.layout.json (the payload as the engine serializes it) and
// NAME.diagnostics.txt. A first line `# lower-options: {json}` passes options (e.g. a target).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { canonicalString, keyidFor, layoutToJson, type Target } from "@totem/engine";
import { describe, expect, it } from "vitest";
import { analyze } from "../src/analyze.js";
import { compilePolicy, compileTarget, lower } from "../src/lower.js";
import { parse } from "../src/parse.js";
import { expectGolden, renderDiagnostics } from "./parser-helpers.js";

const DIR = join(import.meta.dirname, "fixtures/lower");
const NOW = new Date("2026-06-01T12:34:56.789Z");
const FIXTURES = readdirSync(DIR)
  .filter((f) => f.endsWith(".totem"))
  .sort();

function readKey(path: string): string | undefined {
  const full = join(DIR, path);
  return existsSync(full) ? readFileSync(full, "utf8") : undefined;
}

function options(text: string): { target?: Target } {
  const m = /^# lower-options: (.*)$/m.exec(text);
  return m === null ? {} : JSON.parse(m[1]!);
}

describe("lowering goldens", () => {
  it.each(FIXTURES)("%s lowers to its golden layout and diagnostics", (name) => {
    const text = readFileSync(join(DIR, name), "utf8");
    const { file } = parse(text);
    const result = lower(file, { readKey, now: NOW, ...options(text) });
    const base = join(DIR, name.replace(/\.totem$/, ""));
    expectGolden(`${base}.diagnostics.txt`, `target ${result.target}\n${renderDiagnostics(text, result.diagnostics)}`);
    if (result.layout !== undefined) expectGolden(`${base}.layout.json`, `${JSON.stringify(layoutToJson(result.layout), null, 2)}\n`);
    else expect(existsSync(`${base}.layout.json`), "a failing fixture has no layout golden").toBe(false);
  });
});

describe("lower", () => {
  const full = readFileSync(join(DIR, "full.totem"), "utf8");

  it("resolves a relative expiry against now, to whole seconds in UTC", () => {
    const { layout } = lower(parse(full).file, { readKey, now: NOW });
    expect(layout?.expires).toBe("2026-08-30T12:34:56Z");
  });

  it("keys every functionary by the keyid of the target, and steps refer to those keyids", () => {
    for (const target of ["in-toto-1.3", "in-toto"] as const) {
      const text = full.replace('target "in-toto-1.3"', `target "${target}"`);
      const { layout } = lower(parse(text).file, { readKey, now: NOW });
      const ids = Object.keys(layout!.keys);
      expect(ids).toHaveLength(6);
      for (const [id, key] of Object.entries(layout!.keys)) {
        expect(key.keyid).toBe(id);
        if (id !== "0123456789abcdef") expect(id).toBe(keyidFor(key, target));
      }
      for (const step of layout!.steps) for (const k of step.pubkeys) expect(ids).toContain(k);
    }
  });

  it("emits identical bytes for identical input and clock", () => {
    const a = lower(parse(full).file, { readKey, now: NOW }).layout!;
    const b = lower(parse(full).file, { readKey, now: NOW }).layout!;
    expect(canonicalString(layoutToJson(a))).toBe(canonicalString(layoutToJson(b)));
  });

  it("maps every item and every emitted rule back to the source", () => {
    const { layout, sourceMap } = lower(parse(full).file, { readKey, now: NOW });
    for (const item of [...layout!.steps, ...layout!.inspect]) {
      const span = sourceMap.items[item.name]!;
      expect(full.slice(span.start, span.end)).toBe(item.name);
      for (const side of ["materials", "products"] as const) {
        const rules = side === "materials" ? item.expected_materials : item.expected_products;
        for (let i = 0; i < rules.length; i++) expect(sourceMap.rules[`${item.name}/${side}/${i}`]).toBeDefined();
      }
    }
    // A spliced rule maps to the `use` that brought it in.
    const spliced = sourceMap.rules["clone/products/1"]!;
    expect(full.slice(spliced.start, spliced.end)).toBe("use hygiene");
  });

  it("emits no layout when the semantic checks find an error", () => {
    const { layout, diagnostics } = lower(parse(full.replace("by alice\n", "by nobody\n")).file, { readKey, now: NOW });
    expect(layout).toBeUndefined();
    expect(diagnostics.map((d) => d.code)).toContain("unknown-functionary");
    expect(diagnostics.every((d) => d.fix === undefined)).toBe(true);
  });
});

describe("compileTarget", () => {
  const layoutWith = (target?: string) => parse(`layout "x" {${target === undefined ? "" : ` target "${target}"`} }`).file.layout;

  it("defaults to in-toto-1.3", () => {
    expect(compileTarget(layoutWith(), undefined)).toEqual({ target: "in-toto-1.3" });
  });
  it("takes the policy's target when the caller names none", () => {
    expect(compileTarget(layoutWith("in-toto"), undefined)).toEqual({ target: "in-toto" });
  });
  it("accepts a requested target that agrees with the policy", () => {
    expect(compileTarget(layoutWith("in-toto"), "in-toto")).toEqual({ target: "in-toto" });
  });
  it("reports a requested target that contradicts the policy", () => {
    expect(compileTarget(layoutWith("in-toto-1.3"), "in-toto").diagnostic?.code).toBe("target-mismatch");
  });
});

describe("compilePolicy", () => {
  it("returns the layout with the analysis' warnings when there is no error", () => {
    const text = readFileSync(join(DIR, "full.totem"), "utf8");
    const result = compilePolicy(text, { readKey, now: NOW });
    expect(result.layout).toBeDefined();
    expect(result.diagnostics).toEqual(analyze(text, { now: NOW }).diagnostics);
  });

  it("refuses a policy with syntax errors, which lowering alone cannot see", () => {
    const text = readFileSync(join(DIR, "full.totem"), "utf8").replace('create "out/*"', 'create "out/*" $');
    const result = compilePolicy(text, { readKey, now: NOW });
    expect(result.layout).toBeUndefined();
    expect(result.diagnostics.map((d) => d.code)).toContain("unexpected-character");
  });

  it("adds lowering errors once, after the analysis' own", () => {
    const text = readFileSync(join(DIR, "key-errors.totem"), "utf8");
    const codes = compilePolicy(text, { readKey, now: NOW }).diagnostics.map((d) => d.code);
    expect(codes.filter((c) => c === "key-unreadable")).toHaveLength(1);
    expect(codes.filter((c) => c === "key-invalid")).toHaveLength(2);
  });
});

describe("lower with a failing key reader", () => {
  it("reports key-unreadable when the reader throws, instead of throwing", () => {
    const text = readFileSync(join(DIR, "full.totem"), "utf8");
    const result = lower(parse(text).file, {
      readKey: () => {
        throw new Error("EACCES");
      },
      now: NOW,
    });
    expect(result.layout).toBeUndefined();
    expect(result.diagnostics.filter((d) => d.code === "key-unreadable")).toHaveLength(4);
  });
});

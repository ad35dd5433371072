import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { format, parse } from "../src/index.js";
import { generatePolicy } from "./gen-policy.js";
import { expectGolden, stripSpans } from "./parser-helpers.js";

const FIXTURES = join(import.meta.dirname, "fixtures");
const ROOT = join(import.meta.dirname, "..", "..", "..");

function totemFiles(dir: string, suffix = ".totem"): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith(suffix))
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

/** `.totem` files under `dir`, at any depth (examples keep each policy in its own folder). */
function totemTree(dir: string): string[] {
  const out = totemFiles(dir);
  try {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (entry !== "node_modules" && statSync(path).isDirectory()) out.push(...totemTree(path));
    }
  } catch {
    // no examples yet
  }
  return out;
}

/** Every valid source we know: format fixtures, parser ok fixtures and the project's examples. */
const corpus = [
  ...totemFiles(join(FIXTURES, "format")),
  ...totemFiles(join(FIXTURES, "parser", "ok")),
  ...totemTree(join(ROOT, "examples")),
];

describe("format golden files", () => {
  for (const input of totemFiles(join(FIXTURES, "format"), ".in.totem")) {
    it(`formats ${input.split("/").pop()} to its golden output`, () => {
      const out = format(readFileSync(input, "utf8"));
      expect(out).toBeTypeOf("string");
      expectGolden(input.replace(/\.in\.totem$/, ".out.totem"), out!);
    });
  }
});

describe("format invariants", () => {
  for (const path of corpus) {
    const rel = path.slice(ROOT.length + 1);
    it(`is idempotent and keeps the tree and every comment of ${rel}`, () => {
      const text = readFileSync(path, "utf8");
      const once = format(text);
      expect(once).toBeTypeOf("string");
      expect(format(once!)).toBe(once);
      expect(stripSpans(parse(once!).file)).toEqual(stripSpans(parse(text).file));
    });
  }

  it("is idempotent and keeps the tree of a generated 200-step policy", () => {
    const text = generatePolicy(200);
    const once = format(text)!;
    expect(format(once)).toBe(once);
    expect(stripSpans(parse(once).file)).toEqual(stripSpans(parse(text).file));
  });

  it("covers at least the fixtures (examples join when they exist)", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(10);
  });
});

describe("format refuses broken input", () => {
  for (const path of totemFiles(join(FIXTURES, "parser", "err"))) {
    it(`returns undefined for err/${path.split("/").pop()}`, () => {
      expect(format(readFileSync(path, "utf8"))).toBeUndefined();
    });
  }

  it("formats an empty file to an empty file", () => {
    expect(format("")).toBe("");
    expect(format("  \n\n")).toBe("");
  });

  it("formats a file of comments only", () => {
    expect(format("# a\n\n\n# b   \n")).toBe("# a\n\n# b\n");
  });
});

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { format, parse, quoteString } from "../src/index.js";
import { stripSpans } from "./parser-helpers.js";

const FIXTURES = join(import.meta.dirname, "fixtures");
const sources = ["parser/ok", "parser/err", "format"].flatMap((dir) =>
  readdirSync(join(FIXTURES, dir))
    .filter((f) => f.endsWith(".totem"))
    .map((f) => readFileSync(join(FIXTURES, dir, f), "utf8")),
);

/** Parsing must not throw, and every span it reports must lie inside the text. */
function checkParse(text: string): void {
  const { file, diagnostics } = parse(text);
  expect(file.kind).toBe("file");
  for (const d of diagnostics) {
    expect(d.code).not.toBe("internal-error");
    expect(d.span.start).toBeGreaterThanOrEqual(0);
    expect(d.span.start).toBeLessThanOrEqual(d.span.end);
    expect(d.span.end).toBeLessThanOrEqual(text.length);
  }
  const formatted = format(text);
  if (formatted !== undefined) {
    expect(format(formatted)).toBe(formatted);
    expect(stripSpans(parse(formatted).file)).toEqual(stripSpans(file));
  }
}

const tokenish = fc.constantFrom(
  "layout", "step", "inspection", "rules", "const", "functionary", "key", "by", "threshold", "expect",
  "command", "run", "materials", "products", "match", "with", "from", "in", "use", "allow", "disallow",
  "create", "expires", "readme", "target", "{", "}", "[", "]", ",", "=", '"a"', '"b\\n"', '"\\q"', '"open',
  "x", "1", "30d", "3m", "# c", "\n", " ", "@", "é", "\r\n", "\\",
);

/** A fixture with a few random edits: deletions, insertions of token-like text, duplications. */
const mutated = fc
  .tuple(
    fc.constantFrom(...sources),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 12 }), fc.oneof(tokenish, fc.string({ maxLength: 4 }))), { minLength: 1, maxLength: 4 }),
  )
  .map(([text, edits]) => {
    let out = text;
    for (const [at, remove, insert] of edits) {
      const i = out.length === 0 ? 0 : at % out.length;
      out = out.slice(0, i) + insert + out.slice(i + remove);
    }
    return out;
  });

describe("parser robustness", () => {
  it("never throws on random strings", () => {
    fc.assert(fc.property(fc.string({ maxLength: 200, unit: "binary" }), checkParse), { numRuns: 300, seed: 1 });
  });

  it("never throws on random token soup", () => {
    fc.assert(fc.property(fc.array(tokenish, { maxLength: 60 }).map((a) => a.join(" ")), checkParse), { numRuns: 400, seed: 2 });
  });

  it("never throws on mutated fixtures, and formats whatever still parses cleanly", () => {
    fc.assert(fc.property(mutated, checkParse), { numRuns: 400, seed: 3 });
  });
});

describe("string literals", () => {
  it("read back every string quoteString writes, whatever its characters", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40, unit: "binary" }), (value) => {
        const { file, diagnostics } = parse(`const A = ${quoteString(value)}`);
        expect(diagnostics).toEqual([]);
        expect(file.consts[0]?.value).toMatchObject({ kind: "string", value });
      }),
      { numRuns: 500, seed: 4 },
    );
  });
});

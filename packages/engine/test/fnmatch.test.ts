import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fnmatch, fnmatchFilter, translate } from "../src/fnmatch.js";

interface GlobCase {
  pattern: string;
  path: string;
  fnmatch_reference: boolean;
}

const vectors = JSON.parse(readFileSync(new URL("./fixtures/glob/cases.json", import.meta.url), "utf8")) as {
  cases: GlobCase[];
};

describe("fnmatch", () => {
  it("has all 116 reference vectors", () => {
    expect(vectors.cases).toHaveLength(116);
  });

  it.each(vectors.cases.map((c) => [c.pattern, c.path, c.fnmatch_reference] as const))(
    "matches %j against %j as CPython 3.11 does (%s)",
    (pattern, path, expected) => {
      expect(fnmatch(path, pattern)).toBe(expected);
    },
  );

  it("lets * cross slashes and match dotfiles, the case minimatch gets wrong", () => {
    expect(fnmatch("src/sub/.git/config", "*")).toBe(true);
    expect(fnmatch("dist/a.tar.gz", "*.tar.gz")).toBe(true);
  });

  it("treats regex metacharacters and backslashes as literals", () => {
    expect(fnmatch("a.b", "a.b")).toBe(true);
    expect(fnmatch("axb", "a.b")).toBe(false);
    expect(fnmatch("a\\b", "a\\b")).toBe(true);
    expect(fnmatch("(x)|{y}+$^", "(x)|{y}+$^")).toBe(true);
  });

  it("handles classes with ranges, negation, edge hyphens and reversed ranges", () => {
    expect(fnmatch("b", "[a-c]")).toBe(true);
    expect(fnmatch("-", "[a-]")).toBe(true);
    expect(fnmatch("-", "[!a-c]")).toBe(true);
    expect(fnmatch("b", "[!a-c]")).toBe(false);
    expect(fnmatch("b", "[c-a]")).toBe(false);
    expect(fnmatch("x", "[!]")).toBe(false); // unterminated: literal "[!]"
    expect(fnmatch("-", "[b-a-c]")).toBe(true); // reversed range removed leaves "-c"
    expect(fnmatch("&", "[&&]")).toBe(true);
    expect(fnmatch("😀", "[😀-😂]")).toBe(true);
  });

  it("stays fast on many stars (no catastrophic backtracking)", () => {
    const start = Date.now();
    expect(fnmatch("a".repeat(5000), "*a*a*a*a*a*a*a*a*b")).toBe(false);
    expect(Date.now() - start).toBeLessThan(500);
  });

  it("matches `*`, literal paths and `prefix*` without a regex exactly as the regex does", () => {
    // Names and patterns from a small alphabet with `/`, a newline, an astral character and halves
    // of surrogate pairs, where a shortcut could part from the translated regex.
    const unit = fc.constantFrom("a", "b", "/", ".", "\n", "\\", "😀", "\ud83d", "\ude00");
    const literal = fc.string({ unit, maxLength: 5 });
    const pattern = fc.oneof(literal, literal.map((p) => `${p}*`), fc.constant("*"));
    fc.assert(
      fc.property(pattern, literal, (pat, tail) => {
        for (const name of [tail, pat.replace("*", "") + tail, pat.replace("*", "")]) {
          expect(fnmatch(name, pat), `${JSON.stringify(name)} ~ ${JSON.stringify(pat)}`).toBe(new RegExp(translate(pat), "su").test(name));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("filters names in their order", () => {
    expect(fnmatchFilter(["b.py", "a.txt", "c/d.py"], "*.py")).toEqual(["b.py", "c/d.py"]);
  });
});

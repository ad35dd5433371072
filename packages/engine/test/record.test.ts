import { readFileSync } from "node:fs";
import fc from "fast-check";
import { Minimatch } from "minimatch";
import { describe, expect, it } from "vitest";
import { buildLink } from "../src/record/build-link.js";
import { compileExcludes, DEFAULT_EXCLUDES } from "../src/record/excludes.js";
import { createArtifactHasher, hashArtifact } from "../src/record/hashing.js";
import { artifactKey, normpath } from "../src/record/paths.js";

interface HashCase {
  file: string;
  sha256: string;
  sha256_normalize_line_endings: string;
  sha512: string;
}
const dir = new URL("./fixtures/hashing/", import.meta.url);
const vectors = JSON.parse(readFileSync(new URL("cases.json", dir), "utf8")) as { cases: HashCase[] };
const bytes = (file: string) => new Uint8Array(readFileSync(new URL(file, dir)));

describe("hashing", () => {
  it.each(vectors.cases.map((c) => [c.file, c] as const))("hashes %s as in-toto 1.3.1 does", (_f, c) => {
    const b = bytes(c.file);
    expect(hashArtifact(b)).toEqual({ sha256: c.sha256 });
    expect(hashArtifact(b, { algorithms: ["sha256", "sha512"] })).toEqual({ sha256: c.sha256, sha512: c.sha512 });
    expect(hashArtifact(b, { normalizeLineEndings: true })).toEqual({ sha256: c.sha256_normalize_line_endings });
  });

  it.each(vectors.cases.map((c) => [c.file, c] as const))("normalizes line endings of %s the same at every chunk boundary", (_f, c) => {
    const b = bytes(c.file);
    for (let size = 1; size <= 4; size++) {
      const hasher = createArtifactHasher({ normalizeLineEndings: true });
      if (typeof hasher === "string") throw new Error(hasher);
      for (let i = 0; i < b.length; i += size) hasher.update(b.subarray(i, i + size));
      expect(hasher.digest()).toEqual({ sha256: c.sha256_normalize_line_endings });
    }
  });

  it("supports every securesystemslib algorithm name and rejects others", () => {
    const d = hashArtifact(new Uint8Array(0), { algorithms: ["md5", "sha1", "sha224", "sha384", "blake2s", "blake2b", "blake2b-256"] });
    expect(d).toMatchObject({
      md5: "d41d8cd98f00b204e9800998ecf8427e",
      "blake2b-256": "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8",
    });
    expect(hashArtifact(new Uint8Array(0), { algorithms: ["sha3-256"] })).toBe("sha3-256");
  });
});

describe("paths", () => {
  it.each([
    ["./a//b", "a/b"],
    ["a/../a/b", "a/b"],
    [".", "."],
    ["", "."],
    ["../x/./y/", "../x/y"],
    ["/abs/./p/..", "/abs"],
    ["/..", "/"],
    ["a/../..", ".."],
  ])("normalizes %j to %j like os.path.normpath", (input, expected) => {
    expect(normpath(input)).toBe(expected);
  });

  it("records backslashes as slashes", () => {
    expect(artifactKey("dir\\file.txt")).toBe("dir/file.txt");
  });
});

describe("excludes", () => {
  const byDefault = compileExcludes(DEFAULT_EXCLUDES);
  it.each([
    ["build.1234abcd.link", true],
    ["sub/.step.1234abcd.link-unfinished", true],
    [".git", true],
    [".git/config", true],
    ["src/.git/HEAD", true],
    ["a/b.pyc", true],
    ["notes.txt~", true],
    ["src/main.py", false],
    ["gitignore", false],
    [".github/workflows/ci.yml", false],
  ])("applies the default patterns to %j (excluded: %s)", (path, excluded) => {
    expect(byDefault(path)).toBe(excluded);
  });

  it("anchors patterns with a slash, treats a trailing slash as directory contents, and re-includes with !", () => {
    const ex = compileExcludes(["build/out", "tmp/", "*.log", "!keep.log"]);
    expect(ex("build/out/x")).toBe(true);
    expect(ex("a/build/out")).toBe(false);
    expect(ex("tmp")).toBe(false);
    expect(ex("x/tmp/y")).toBe(true);
    expect(ex("x/app.log")).toBe(true);
    expect(ex("x/keep.log")).toBe(false);
  });

  it("answers as testing each pattern's regex on the path and on every ancestor does", () => {
    // The predicate remembers ancestors' answers; this oracle is the direct definition (SPEC-NOTES
    // §10): last matching pattern wins; a pattern with an inner `/` matches the whole path from the
    // root, one without matches a single component at any depth; a pattern matching an ancestor
    // directory matches everything below it. (Patterns are globs per component, so `*` never
    // matches `.` or `..` components; in-toto's gitwildmatch would: docs/formats.md.)
    const opts = { dot: true, nobrace: true, noext: true, nocomment: true, nonegate: true };
    const oracle = (patterns: string[]) => (path: string) => {
      let excluded = false;
      for (const p of patterns) {
        const negated = p.startsWith("!");
        const body = (negated ? p.slice(1) : p).replace(/\/+$/, "");
        if (body === "") continue;
        const anchored = body.includes("/");
        const re = new Minimatch(anchored ? body.replace(/^\/+/, "") : body, opts).makeRe();
        if (!re) continue;
        const test = (x: string) => re.test(anchored ? x : (x.split("/").pop() as string));
        const ancestors = [...path.matchAll(/\//g)].map((m) => m.index).filter((i) => i > 0).map((i) => path.slice(0, i));
        if ((!(negated ? p.slice(1) : p).endsWith("/") && test(path)) || ancestors.some(test)) excluded = !negated;
      }
      return excluded;
    };
    const component = fc.constantFrom("a", "b", ".git", "x.link", "y.pyc", "z~", "..", ".", "", "build", "out", "keep.log", "app.log", ".b");
    const path = fc.tuple(fc.boolean(), fc.array(component, { minLength: 1, maxLength: 5 })).map(([abs, cs]) => (abs ? "/" : "") + cs.join("/"));
    const pattern = fc.constantFrom(...DEFAULT_EXCLUDES, "build/out", "tmp/", "*.log", "!keep.log", "a/*", "/b", "**/out", "b/", "!.git", "*", "a/", "!a", ".*", "*.lin?");
    fc.assert(
      fc.property(fc.array(pattern, { maxLength: 5 }), fc.array(path, { minLength: 1, maxLength: 20 }), (patterns, paths) => {
        const fast = compileExcludes(patterns);
        const slow = oracle(patterns);
        for (const p of paths) expect(fast(p), `${JSON.stringify(patterns)} on ${p}`).toBe(slow(p));
      }),
      { numRuns: 500 },
    );
  });

  it("applies patterns without a slash below `..` too, as in-toto's gitwildmatch does", () => {
    const ex = compileExcludes(DEFAULT_EXCLUDES);
    expect(["../src/a.pyc", "../../x/.git/config", "../b.link", "../src/a.c"].map(ex)).toEqual([true, true, true, false]);
  });

  it("excludes nothing without patterns", () => {
    expect(compileExcludes([])(".git")).toBe(false);
  });
});

describe("buildLink", () => {
  it("writes byproducts as in-toto-run does when a command ran", () => {
    const l = buildLink({ name: "build", command: ["make"], returnValue: 0, materials: {}, products: {} });
    expect(l.byproducts).toEqual({ "return-value": 0, stderr: "", stdout: "" });
    expect(l.environment).toEqual({});
  });

  it("writes empty byproducts without a command, as in-toto-record does", () => {
    expect(buildLink({ name: "build", materials: {}, products: {} })).toEqual({
      _type: "link",
      name: "build",
      command: [],
      materials: {},
      products: {},
      byproducts: {},
      environment: {},
    });
  });
});

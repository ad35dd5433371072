// --lstrip-paths as in-toto 1.3.1's record_artifacts_as_dict applies it (SPEC-NOTES §10): the
// prefix-pair check, first-matching-prefix stripping, and collisions.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkLstripPrefixes, lstripPath, lstripPaths } from "../src/index.js";

describe("checkLstripPrefixes", () => {
  it.each([
    [["src/", "src/lib/"], ["src/", "src/lib/"]],
    [["build/out/", "build/"], ["build/out/", "build/"]],
    [["a", "b", "ab"], ["a", "ab"]],
    [["x/", "x/"], ["x/", "x/"]],
    [["", "src/"], ["", "src/"]],
  ])("refuses %j: %j overlap (1.3.1 PrefixError)", (prefixes, pair) => {
    const r = checkLstripPrefixes(prefixes);
    expect(r).toEqual({
      ok: false,
      error: {
        kind: "overlapping-prefixes",
        prefixes: pair,
        message: `--lstrip-paths '${pair[0]}' and '${pair[1]}': one is a prefix of the other; give prefixes that do not overlap`,
      },
    });
  });

  it.each([[[]], [["src/"]], [["src/", "build/", "docs/"]], [["a/b/", "a/c/"]]])("accepts %j", (prefixes) => {
    expect(checkLstripPrefixes(prefixes)).toEqual({ ok: true, value: prefixes });
  });
});

describe("lstripPath", () => {
  it.each([
    ["src/a.c", ["src/"], "a.c"],
    ["src/a.c", ["src"], "/a.c"],
    ["docs/r.md", ["src/"], "docs/r.md"],
    ["build/out/app", ["src/", "build/out/"], "app"],
    ["/abs/x", ["/abs/"], "x"],
    ["a.c", ["a.c"], ""],
  ])("turns %s with %j into %j", (path, prefixes, key) => {
    expect(lstripPath(path, prefixes)).toBe(key);
  });
});

describe("lstripPaths", () => {
  it("strips each path by the first prefix it starts with and keeps the order", () => {
    expect(lstripPaths(["src/a.c", "docs/r.md", "build/out/app"], ["build/out/", "src/"])).toEqual({
      ok: true,
      value: ["a.c", "docs/r.md", "app"],
    });
  });

  it("names the key two stripped paths would share", () => {
    const r = lstripPaths(["build/out/lib/b.c", "src/lib/b.c"], ["src/", "build/out/"]);
    expect(r).toEqual({
      ok: false,
      error: {
        kind: "duplicate-key",
        key: "lib/b.c",
        paths: ["build/out/lib/b.c", "src/lib/b.c"],
        message:
          "--lstrip-paths turns both 'build/out/lib/b.c' and 'src/lib/b.c' into the artifact 'lib/b.c'; use prefixes that keep the names apart",
      },
    });
  });

  it("reports a stripped path equal to an unstripped one, in either order", () => {
    for (const paths of [
      ["a.c", "src/a.c"],
      ["src/a.c", "a.c"],
    ]) {
      const r = lstripPaths(paths, ["src/"]);
      expect(r.ok ? "" : r.error.kind).toBe("duplicate-key");
    }
  });

  it("treats one path listed twice as one artifact", () => {
    expect(lstripPaths(["src/a.c", "src/a.c"], ["src/"])).toEqual({ ok: true, value: ["a.c", "a.c"] });
  });

  it("checks the prefixes even when there are no paths", () => {
    expect(lstripPaths([], ["a", "ab"]).ok).toBe(false);
  });

  it("fails exactly when two different paths get one key", () => {
    const segment = fc.constantFrom("a", "b", "c/", "a/", "b/c");
    const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join(""));
    fc.assert(
      fc.property(fc.uniqueArray(path, { maxLength: 8 }), fc.uniqueArray(path, { maxLength: 3 }), (paths, prefixes) => {
        const r = lstripPaths(paths, prefixes);
        if (!checkLstripPrefixes(prefixes).ok) return !r.ok && r.error.kind === "overlapping-prefixes";
        const keys = paths.map((p) => lstripPath(p, prefixes));
        const collides = new Set(keys).size < keys.length;
        return r.ok ? !collides && r.value.join("\n") === keys.join("\n") : collides && r.error.kind === "duplicate-key";
      }),
    );
  });
});

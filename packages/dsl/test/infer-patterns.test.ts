// `totem init`'s `dir/*` grouping: the shallowest directory whose paths all get one rule, at least
// PATTERN_MIN_PATHS of them, and never a directory fnmatch would read as a pattern.
import { describe, expect, it } from "vitest";
import { PATTERN_MIN_PATHS, groupUnderDirectories } from "../src/infer/patterns.js";

const lines = (paths: string[], ruleOf: (p: string) => string | undefined) =>
  groupUnderDirectories(paths, ruleOf).map((g) => (g.kind === "dir" ? `${g.pattern} (${g.paths.length})` : g.path));

describe("groupUnderDirectories", () => {
  it("groups a tree under its shallowest directory when every path in it gets the same rule", () => {
    expect(lines(["app", "out/a", "out/b", "out/sub/c"], () => "create")).toEqual(["app", "out/* (3)"]);
  });

  it("keeps paths single below the minimum", () => {
    expect(PATTERN_MIN_PATHS).toBe(3);
    expect(lines(["out/a", "out/b"], () => "create")).toEqual(["out/a", "out/b"]);
  });

  it("does not group a directory holding a path with another rule, but may group a subdirectory", () => {
    const rule = (p: string) => (p === "out/old" ? "modify" : "create");
    expect(lines(["out/new/a", "out/new/b", "out/new/c", "out/old"], rule)).toEqual(["out/new/* (3)", "out/old"]);
  });

  it("never groups paths without a rule, nor a directory with fnmatch's special characters", () => {
    expect(lines(["d/a", "d/b", "d/c"], () => undefined)).toEqual(["d/a", "d/b", "d/c"]);
    expect(lines(["[x]/a", "[x]/b", "[x]/c"], () => "create")).toEqual(["[x]/a", "[x]/b", "[x]/c"]);
  });
});

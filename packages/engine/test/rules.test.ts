import { describe, expect, it } from "vitest";
import type { ArtifactRule } from "../src/model.js";
import { parseRuleStrings, ruleToStrings } from "../src/rules.js";

describe("ruleToStrings", () => {
  it("writes every rule kind with uppercase keywords", () => {
    const rules: ArtifactRule[] = [
      { type: "create", pattern: "a" },
      { type: "delete", pattern: "b" },
      { type: "modify", pattern: "c" },
      { type: "allow", pattern: "d" },
      { type: "disallow", pattern: "*" },
      { type: "require", pattern: "f.txt" },
      { type: "match", pattern: "*", destinationType: "products", destinationName: "clone" },
      { type: "match", pattern: "*", sourcePrefix: "src", destinationType: "materials", destinationName: "s" },
      { type: "match", pattern: "*", destinationType: "products", destinationPrefix: "out", destinationName: "s" },
      {
        type: "match",
        pattern: "*.py",
        sourcePrefix: "a",
        destinationType: "products",
        destinationPrefix: "b",
        destinationName: "build",
      },
    ];
    expect(rules.map(ruleToStrings)).toEqual([
      ["CREATE", "a"],
      ["DELETE", "b"],
      ["MODIFY", "c"],
      ["ALLOW", "d"],
      ["DISALLOW", "*"],
      ["REQUIRE", "f.txt"],
      ["MATCH", "*", "WITH", "PRODUCTS", "FROM", "clone"],
      ["MATCH", "*", "IN", "src", "WITH", "MATERIALS", "FROM", "s"],
      ["MATCH", "*", "WITH", "PRODUCTS", "IN", "out", "FROM", "s"],
      ["MATCH", "*.py", "IN", "a", "WITH", "PRODUCTS", "IN", "b", "FROM", "build"],
    ]);
    for (const rule of rules) expect(parseRuleStrings(ruleToStrings(rule))).toEqual({ ok: true, value: rule });
  });
});

describe("parseRuleStrings", () => {
  it("accepts keywords in any case and keeps patterns, prefixes and names as written", () => {
    expect(parseRuleStrings(["allow", "*.PY"])).toEqual({ ok: true, value: { type: "allow", pattern: "*.PY" } });
    expect(parseRuleStrings(["Match", "X", "in", "Src", "With", "products", "iN", "Dst", "FROM", "Step"])).toEqual({
      ok: true,
      value: {
        type: "match",
        pattern: "X",
        sourcePrefix: "Src",
        destinationType: "products",
        destinationPrefix: "Dst",
        destinationName: "Step",
      },
    });
  });

  it("changes the bytes of a lowercase rule when it is re-emitted (documented)", () => {
    const parsed = parseRuleStrings(["allow", "*"]);
    expect(parsed.ok && ruleToStrings(parsed.value)).toEqual(["ALLOW", "*"]);
  });

  it("keeps an empty IN prefix so the list round-trips", () => {
    const list = ["MATCH", "*", "IN", "", "WITH", "MATERIALS", "FROM", "s"];
    const parsed = parseRuleStrings(list);
    expect(parsed.ok && ruleToStrings(parsed.value)).toEqual(list);
  });

  it.each([
    [null, /must be a list of strings/],
    ["ALLOW *", /must be a list of strings/],
    [["ALLOW", 1], /must be a list of strings/],
    [[], /must start with MATCH, CREATE/],
    [["ALLOW"], /must start with MATCH, CREATE/],
    [["PERMIT", "*"], /must start with MATCH, CREATE/],
    [["ALLOW", "*", "extra"], /ALLOW takes exactly one pattern/],
    [["REQUIRE", "a", "b"], /REQUIRE takes exactly one pattern/],
    [["MATCH", "*", "WITH", "PRODUCTS"], /must have the form MATCH <pattern>/],
    [["MATCH", "*", "WITH", "PRODUCTS", "FROM", "a", "b"], /must have the form/],
    [["MATCH", "*", "IN", "a", "WITH", "PRODUCTS", "IN", "b", "FROM"], /must have the form/],
    [["MATCH", "*", "FROM", "PRODUCTS", "WITH", "a"], /must have the form/],
    [["MATCH", "*", "WITH", "PRODUCT", "FROM", "a"], /write PRODUCTS, plural/],
    [["MATCH", "*", "WITH", "MATERIAL", "IN", "x", "FROM", "a"], /write MATERIALS, plural/],
    [["MATCH", "*", "WITH", "ARTIFACTS", "FROM", "a"], /WITH MATERIALS or WITH PRODUCTS/],
  ])("rejects %j", (input, message) => {
    const result = parseRuleStrings(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it("never throws, even for cyclic or bigint input", () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(parseRuleStrings(cyclic).ok).toBe(false);
    expect(parseRuleStrings([1n]).ok).toBe(false);
  });
});

// The policy test file reader (parseTestFile): statements, artifacts with content tags, commands,
// expectations, `extends` merging, and problems as diagnostics instead of exceptions.
import { describe, expect, it } from "vitest";
import { parseTestFile } from "../src/index.js";

const TEXT = `# comment
policy "p.totem"
param VERSION = "1.4.2"
outsider mallory, eve

test "base" {
  step a { by alice, bob consumes "x" produces "y" = "v1" runs "make all" }
  step b { produces "z" }
  inspection check { exits 3 sees "y" }
  expect pass
}

test "child" extends "base" {
  step a { by mallory runs ["sh", "-c", "echo \\"hi\\""] }
  omit b
  expect fail rule-disallow at a materials rule 2
}
`;

describe("parseTestFile", () => {
  it("reads the policy, outsiders, steps, inspections and expectations", () => {
    const file = parseTestFile(TEXT);
    expect(file.diagnostics).toEqual([]);
    expect(file.policy?.path).toBe("p.totem");
    expect(file.outsiders).toEqual(["mallory", "eve"]);
    expect(file.params).toEqual({ VERSION: "1.4.2" });
    const [base] = file.tests;
    expect(base?.steps.map((s) => ({ step: s.step, by: s.by.map((b) => b.name), command: s.command, m: s.materials.map((x) => `${x.path}=${x.content}`), p: s.products.map((x) => `${x.path}=${x.content}`) }))).toEqual([
      { step: "a", by: ["alice", "bob"], command: ["make", "all"], m: ["x=x"], p: ["y=v1"] },
      { step: "b", by: [], command: undefined, m: [], p: ["z=z"] },
    ]);
    expect(base?.inspections[0]).toMatchObject({ inspection: "check", exitCode: 3, materials: [{ path: "y" }], products: [{ path: "y" }] });
    expect(base?.expect).toMatchObject({ kind: "pass" });
  });

  it("starts a test from its base: a described step replaces the base's, omit drops one", () => {
    const child = parseTestFile(TEXT).tests[1];
    expect(child?.steps.map((s) => [s.step, s.by.map((b) => b.name).join(), s.command?.join(" ")])).toEqual([["a", "mallory", 'sh -c echo "hi"']]);
    expect(child?.inspections.map((i) => i.inspection)).toEqual(["check"]);
    expect(child?.expect).toMatchObject({ kind: "fail", code: "rule-disallow", at: "a", side: "materials", rule: 2 });
  });

  it("reports problems with their place and goes on reading", () => {
    const text = 'test "t" {\n  step a { makes "x" }\n  expect pass\n}\ntest "t" extends "nope" {\n  expect\n}\nwhat\n';
    const file = parseTestFile(text);
    expect(file.diagnostics.map((d) => [d.code, text.slice(d.span.start, d.span.end), d.message])).toEqual([
      ["test-syntax", "makes", "Expected `by`, `consumes`, `produces`, `runs`, `attests`, `identity` or `issuer` in a step's evidence."],
      ["test-syntax", "}", "Expected `pass` or `fail` after `expect`."],
      ["test-duplicate", '"t"', 'A test named "t" is already written above: give this one another name.'],
      ["test-unknown-base", '"nope"', 'No test above is named "nope": a test extends one written before it.'],
      ["test-syntax", '"t"', "This test says no verdict: add `expect pass` or `expect fail CODE at STEP`."],
      ["test-syntax", "what", "Expected `policy`, `param`, `parameter`, `parameters`, `trusted-root`, `outsider` or `test` at the top of a test file."],
    ]);
    expect(file.tests.map((t) => t.name)).toEqual(["t", "t"]);
  });

  it("reports an unclosed string and a command that cannot be split", () => {
    const file = parseTestFile('test "t" {\n  step a { runs "echo \'x" }\n  step b { produces "open\n}\n');
    expect(file.diagnostics.map((d) => d.code)).toContain("test-syntax");
    expect(file.diagnostics.some((d) => d.message.startsWith("This command cannot be split into words"))).toBe(true);
    expect(file.diagnostics.some((d) => d.message.startsWith("This string is not closed"))).toBe(true);
  });

  it("never throws on arbitrary text", () => {
    for (const text of ["", "{", "}}}", 'test "', "test \"x\" { step { } } } expect fail at", "\u0000\ud800", 'test "a" extends { step a { produces "x" = } }']) {
      expect(() => parseTestFile(text)).not.toThrow();
    }
  });
});

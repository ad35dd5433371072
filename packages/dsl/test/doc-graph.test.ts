// The policy graph (policyGraph) and its Mermaid form: constants and rule sets resolved as lowering
// resolves them, MATCH edges with their sides, signers and thresholds, partial trees, and labels that
// no pattern can break out of.
import { describe, expect, it } from "vitest";
import { compilePolicy, parse, policyGraph, renderMermaid } from "../src/index.js";

const POLICY = `const OUT = "dist/app"
rules built {
  match OUT with products from build
}
layout "g" {
  expires "2030-01-01T00:00:00Z"
  functionary alice key "alice.pub"
  functionary bob key { type "ed25519" scheme "ed25519" public "00" }
  step build {
    by alice, bob
    threshold 2
    expect command ["make", OUT]
    products { create OUT disallow "*" }
  }
  step ship {
    by bob
    materials { use built disallow "*" }
    products { match "*" in "pkg/" with materials in "src/" from build }
  }
  inspection check {
    run "ls"
    materials { match "*" with products from ship }
  }
}
`;

describe("policyGraph", () => {
  it("lists items in layout order with signers, thresholds and split commands", () => {
    const graph = policyGraph(parse(POLICY).file);
    expect(graph.nodes.map((n) => [n.kind, n.name, n.signers.join("+"), n.threshold, n.command.join(" ")])).toEqual([
      ["step", "build", "alice+bob", 2, "make dist/app"],
      ["step", "ship", "bob", 1, ""],
      ["inspection", "check", "", 0, "ls"],
    ]);
    expect(graph.functionaries.map((f) => [f.name, f.key, f.steps])).toEqual([
      ["alice", { kind: "file", path: "alice.pub" }, ["build"]],
      ["bob", { kind: "inline", keytype: "ed25519" }, ["build", "ship"]],
    ]);
  });

  it("makes one edge per MATCH rule, rule sets spliced and constants resolved, with sides and prefixes", () => {
    const graph = policyGraph(parse(POLICY).file);
    expect(graph.edges.map(({ span: _span, ...e }) => e)).toEqual([
      { from: "build", fromSide: "products", to: "ship", toSide: "materials", pattern: "dist/app", resolved: true },
      { from: "build", fromSide: "materials", to: "ship", toSide: "products", pattern: "*", sourcePrefix: "pkg/", destinationPrefix: "src/", resolved: true },
      { from: "ship", fromSide: "products", to: "check", toSide: "materials", pattern: "*", resolved: true },
    ]);
  });

  it("holds the rules the compiled layout holds", () => {
    const text = POLICY.replace('key "alice.pub"', 'key { type "ed25519" scheme "ed25519" public "11" }');
    const compiled = compilePolicy(text, { readKey: () => undefined, now: new Date("2026-01-01T00:00:00Z") });
    const graph = policyGraph(compiled.analysis.file);
    const layout = compiled.layout;
    expect(layout).toBeDefined();
    for (const step of layout?.steps ?? []) {
      const node = graph.nodes.find((n) => n.name === step.name);
      expect(node?.materials.map((r) => r.rule)).toEqual(step.expected_materials);
      expect(node?.products.map((r) => r.rule)).toEqual(step.expected_products);
    }
  });

  it("copes with a partial tree and a MATCH from an undeclared item", () => {
    const graph = policyGraph(parse('layout "x" {\n  step a {\n    materials { match "*" with products from ghost }\n  }\n  step\n').file);
    expect(graph.nodes[0]?.name).toBe("a");
    expect(graph.edges[0]).toMatchObject({ from: "ghost", resolved: false });
    expect(renderMermaid(graph)).toContain('m0["ghost<br/>not declared"]');
  });
});

describe("renderMermaid", () => {
  it("escapes quotes, markup, pipes and newlines in labels", () => {
    const graph = policyGraph(parse('layout "x" {\n  step a {}\n  step b {\n    materials { match "a\\"|<b>\\n#" with products from a }\n  }\n}\n').file);
    expect(renderMermaid(graph)).toBe(
      ["flowchart LR", '  n0["a<br/>no signer"]', '  n1["b<br/>no signer"]', '  n0 -->|"a#34;#124;#60;b#62;#10;#35;"| n1', ""].join("\n"),
    );
  });

  it("says who signs: one functionary, or k of n", () => {
    const mermaid = renderMermaid(policyGraph(parse(POLICY).file));
    expect(mermaid).toContain('n0["build<br/>2 of alice, bob"]');
    expect(mermaid).toContain('n1["ship<br/>by bob"]');
    expect(mermaid).toContain('n0 -->|"dist/app<br/>materials → products: * in pkg/ (from src/)"| n1');
  });
});

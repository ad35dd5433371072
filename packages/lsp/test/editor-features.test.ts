// Code lenses, inlay hints and the step graph, through the protocol.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CodeLens, InlayHint } from "vscode-languageserver";
import type { StepGraphResult } from "../src/protocol.js";
import { DEMO, DEMO_URI, FIXTURES, keylessPolicy } from "./fixtures.js";
import { positionOf, startClient, type TestClient } from "./lsp-client.js";

let client: TestClient;
beforeAll(async () => {
  client = await startClient();
});
afterAll(() => client.close());

/** A file: URI beside the demo (so its key paths resolve into fixtures/demo/keys). */
const besideDemo = (name: string) => pathToFileURL(join(FIXTURES, "demo", name)).href;

describe("code lenses, inlay hints and the step graph", () => {
  beforeAll(() => client.open(DEMO_URI, DEMO));

  it("puts verify, compiled JSON and graph lenses on the layout and a compiled-JSON lens on each item", async () => {
    const lenses = await client.request<CodeLens[]>("textDocument/codeLens", { textDocument: { uri: DEMO_URI } });
    const layoutLine = positionOf(DEMO, 'layout "demo"').line;
    const onLayout = lenses.filter((l) => l.range.start.line === layoutLine).map((l) => l.command?.title);
    expect(onLayout).toEqual(["Verify against links", "Simulate with inspections", "Show compiled JSON", "Step graph"]);
    const onPackage = lenses.filter((l) => l.range.start.line === positionOf(DEMO, "step package").line);
    expect(onPackage.map((l) => l.command?.command)).toEqual(["totem.showCompiledLayout", "totem.verifyLinks"]);
    expect(onPackage[0]?.command?.arguments).toEqual([DEMO_URI, "package"]);
    const onUntar = lenses.filter((l) => l.range.start.line === positionOf(DEMO, "inspection untar").line);
    expect(onUntar.map((l) => l.command?.title)).toEqual(["Show compiled JSON of inspection untar"]);
  });

  it("adds a Run policy tests lens when a .totem-test file sits beside the policy", async () => {
    const dir = mkdtempSync(join(tmpdir(), "totem-lens-"));
    try {
      writeFileSync(join(dir, "p.totem"), DEMO);
      writeFileSync(join(dir, "p.totem-test"), 'test "t" { expect pass }\n');
      const uri = pathToFileURL(join(dir, "p.totem")).href;
      await client.open(uri, DEMO);
      const lenses = await client.request<CodeLens[]>("textDocument/codeLens", { textDocument: { uri } });
      const run = lenses.find((l) => l.command?.title === "Run policy tests");
      expect(run?.command?.command).toBe("totem.runPolicyTests");
      expect(run?.command?.arguments).toEqual([pathToFileURL(join(dir, "p.totem-test")).href]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("hints the keyid of each functionary key and what a `match … from` reads", async () => {
    const hints = await client.request<InlayHint[]>("textDocument/inlayHint", {
      textDocument: { uri: DEMO_URI },
      range: { start: { line: 0, character: 0 }, end: { line: 999, character: 0 } },
    });
    const labels = hints.map((h) => ({ line: h.position.line, label: String(h.label) }));
    // bob's in-toto 1.3 keyid starts 5535c67f (the link fixture he recorded is named after it).
    expect(labels).toContainEqual({ line: positionOf(DEMO, "functionary bob").line, label: expect.stringMatching(/^keyid 5535c67f[0-9a-f]{8}…$/) });
    expect(labels).toContainEqual({ line: positionOf(DEMO, "match PROJECT").line, label: "← clone products: create PROJECT" });
    expect(labels).toContainEqual({
      line: positionOf(DEMO, 'match "demo-project.tar.gz"').line,
      label: '← package products: create "demo-project.tar.gz", use hygiene',
    });
  });

  it("hints the date a relative expiry resolves to (the server's clock)", async () => {
    const uri = besideDemo("relative.totem");
    const text = DEMO.replace('expires "2027-06-01T00:00:00Z"', "expires in 365d");
    await client.open(uri, text);
    const hints = await client.request<InlayHint[]>("textDocument/inlayHint", {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 999, character: 0 } },
    });
    const expiry = hints.find((h) => String(h.label).startsWith("="));
    // The test client fixes the server clock at 2026-11-22T00:00:00Z.
    expect(expiry?.label).toBe("= 2027-11-22T00:00:00Z");
    expect(expiry?.position).toEqual(positionOf(text, "365d", 4));
  });

  it("answers totem/stepGraph with the policy graph and ranges to jump to", async () => {
    const g = await client.request<StepGraphResult>("totem/stepGraph", { uri: DEMO_URI });
    expect(g.nodes.map((n) => `${n.kind} ${n.name} by ${n.signers.join(",")}`)).toEqual(["step clone by bob", "step package by carl", "inspection untar by "]);
    expect(g.nodes[1]?.range.start).toEqual(positionOf(DEMO, "step package", 5));
    expect(g.edges.map((e) => `${e.from}.${e.fromSide} → ${e.to}.${e.toSide}`)).toEqual([
      "clone.products → package.materials",
      "package.products → untar.materials",
      "clone.products → untar.products",
    ]);
    expect(g.functionaries.map((f) => `${f.name}: ${f.steps.join(",")}`)).toEqual(["bob: clone", "carl: package"]);
    const none = await client.request<StepGraphResult>("totem/stepGraph", { uri: "untitled:not-open.totem" });
    expect(none).toEqual({ nodes: [], edges: [], functionaries: [] });
  });

  it("shows a step's attestations and their keyless signers in the graph (target ite-10)", async () => {
    const uri = "untitled:attested.totem";
    await client.open(uri, keylessPolicy());
    const g = await client.request<StepGraphResult>("totem/stepGraph", { uri });
    expect(g.nodes.map((n) => [n.name, n.signers, n.attestations])).toEqual([["build", [], ["provenance/v1 by wf"]]]);
    expect(g.functionaries.map((f) => `${f.name}: ${f.steps.join(",")}`)).toEqual(["wf: build"]);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { positionOf, startClient, type TestClient } from "./lsp-client.js";
import { DEMO, DEMO_URI, keylessPolicy } from "./fixtures.js";

let client: TestClient | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
});

describe("document sync and diagnostics", () => {
  it("announces incremental sync and the features it serves", async () => {
    client = await startClient();
    const caps = client.init.capabilities;
    expect(caps.textDocumentSync).toMatchObject({ openClose: true, change: 2 });
    expect(caps.completionProvider).toBeDefined();
    expect(caps.renameProvider).toEqual({ prepareProvider: true });
    expect(caps.semanticTokensProvider?.legend.tokenTypes).toContain("function");
  });

  it("publishes no errors for a clean policy, then a syntax error after an incremental edit, then none after undoing it", async () => {
    client = await startClient();
    await client.open(DEMO_URI, DEMO);
    const first = await client.diagnostics(DEMO_URI, 1);
    expect(first.filter((d) => d.severity === 1)).toEqual([]);

    // Delete the `{` after `step clone`.
    const brace = positionOf(DEMO, "step clone {", "step clone ".length);
    await client.change(DEMO_URI, 2, [{ range: { start: brace, end: { line: brace.line, character: brace.character + 1 } }, text: "" }]);
    const broken = await client.diagnostics(DEMO_URI, 2);
    expect(broken.some((d) => d.severity === 1 && d.source === "totem" && typeof d.code === "string")).toBe(true);

    await client.change(DEMO_URI, 3, [{ range: { start: brace, end: brace }, text: "{" }]);
    const fixed = await client.diagnostics(DEMO_URI, 3);
    expect(fixed.filter((d) => d.severity === 1)).toEqual([]);
  });

  it("positions diagnostics in UTF-16 code units after astral characters", async () => {
    client = await startClient();
    const uri = "untitled:emoji.totem";
    // The comment holds an astral character (two UTF-16 code units); the stray `@` follows it.
    const text = '# 😀\nconst A = "x" @\n';
    await client.open(uri, text);
    const diags = await client.diagnostics(uri, 1);
    const bad = diags.find((d) => d.code === "unexpected-character");
    expect(bad?.range).toEqual({ start: { line: 1, character: 14 }, end: { line: 1, character: 15 } });
  });

  it("clears diagnostics when the document closes", async () => {
    client = await startClient();
    const uri = "untitled:broken.totem";
    await client.open(uri, "layout {");
    expect((await client.diagnostics(uri, 1)).length).toBeGreaterThan(0);
    await client.connection.sendNotification("textDocument/didClose", { textDocument: { uri } });
    await new Promise((r) => setTimeout(r, 50));
    expect(client.published.at(-1)).toEqual({ uri, diagnostics: [] });
  });
});

describe("CEL rules of attestation blocks", () => {
  const POLICY = keylessPolicy(['check "predicate.x =="']);

  it("loads the CEL parser on the first policy with a check and re-publishes its parse error at the rule", async () => {
    client = await startClient();
    const uri = "untitled:cel.totem";
    await client.open(uri, POLICY);
    // The first publish may come before the parser is loaded; the re-publish after it carries the error.
    const start = positionOf(POLICY, '"predicate.x ==', 1);
    for (let i = 0; i < 100; i++) {
      const cel = client.published.filter((p) => p.uri === uri).flatMap((p) => p.diagnostics).find((d) => d.code === "invalid-cel");
      if (cel) {
        expect(cel.severity).toBe(1);
        expect(cel.range.start.line).toBe(start.line);
        expect(cel.range.start.character).toBeGreaterThan(start.character);
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no invalid-cel diagnostic was published: ${JSON.stringify(client.published)}`);
  });
});

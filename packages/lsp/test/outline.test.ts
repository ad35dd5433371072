import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DocumentSymbol, FoldingRange, SemanticTokens, SymbolInformation, TextEdit } from "vscode-languageserver";
import { DEMO, DEMO_URI } from "./fixtures.js";
import { positionOf, startClient, type TestClient } from "./lsp-client.js";

let client: TestClient;
let folder: string;
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "totem-lsp-ws-"));
  writeFileSync(join(folder, "other.totem"), 'layout "other" {\n  step publish {\n  }\n}\n');
  client = await startClient({ workspaceFolders: [{ uri: pathToFileURL(folder).href, name: "ws" }] });
  await client.open(DEMO_URI, DEMO);
});
afterAll(() => client.close());

const doc = { textDocument: { uri: DEMO_URI } };

/** Flattens an outline to `depth name (kind)` lines. */
function outline(symbols: DocumentSymbol[], depth = 0): string[] {
  return symbols.flatMap((s) => [`${"  ".repeat(depth)}${s.name} (${s.kind})`, ...outline(s.children ?? [], depth + 1)]);
}

describe("outline, workspace symbols, semantic tokens, folding, formatting", () => {
  it("outlines constants, rule sets, functionaries, steps, inspections and their rule blocks", async () => {
    const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", doc);
    expect(outline(symbols)).toMatchInlineSnapshot(`
      [
        "PROJECT (14)",
        "hygiene (2)",
        "layout "demo" (3)",
        "  bob (20)",
        "  carl (20)",
        "  clone (12)",
        "    products (18)",
        "  package (12)",
        "    materials (18)",
        "    products (18)",
        "  untar (24)",
        "    materials (18)",
        "    products (18)",
      ]
    `);
  });

  it("finds workspace symbols in open documents and in .totem files on disk", async () => {
    const found = await client.request<SymbolInformation[]>("workspace/symbol", { query: "pub" });
    expect(found.map((s) => [s.name, s.location.uri.endsWith("other.totem")])).toEqual([["publish", true]]);
    const fromOpen = await client.request<SymbolInformation[]>("workspace/symbol", { query: "untar" });
    expect(fromOpen.map((s) => s.location.uri)).toEqual([DEMO_URI]);
  });

  it("marks names with what they denote and whether they are declared there", async () => {
    const tokens = await client.request<SemanticTokens>("textDocument/semanticTokens/full", doc);
    const legend = client.init.capabilities.semanticTokensProvider?.legend;
    // Decode the first tokens: [deltaLine, deltaStart, length, type, modifiers] each.
    const decoded: string[] = [];
    let line = 0;
    let char = 0;
    for (let i = 0; i < tokens.data.length; i += 5) {
      const [dl, ds, len, type, mods] = tokens.data.slice(i, i + 5) as [number, number, number, number, number];
      line += dl;
      char = dl === 0 ? char + ds : ds;
      const text = DEMO.split("\n")[line]?.slice(char, char + len);
      decoded.push(`${text}:${legend?.tokenTypes[type]}${mods & 1 ? ":decl" : ""}`);
    }
    expect(decoded).toContain("PROJECT:variable:decl");
    expect(decoded).toContain("clone:function:decl");
    expect(decoded).toContain("untar:method:decl");
    expect(decoded).toContain("package:function");
    expect(decoded).toContain("carl:parameter");
    expect(decoded).toContain("hygiene:type");
  });

  it("folds the layout, each step and rule block, and comment runs", async () => {
    const ranges = await client.request<FoldingRange[]>("textDocument/foldingRange", doc);
    const starts = ranges.map((r) => r.startLine);
    expect(starts).toContain(positionOf(DEMO, "layout").line);
    expect(starts).toContain(positionOf(DEMO, "step clone").line);
    expect(starts).toContain(positionOf(DEMO, "materials {").line);
  });

  it("formats a messy document into the canonical form, and leaves a formatted one alone", async () => {
    const uri = "untitled:messy.totem";
    await client.open(uri, 'layout "x" {\nexpires "2027-01-01T00:00:00Z"\n   step a {   by b }\n}\n');
    const edits = await client.request<TextEdit[]>("textDocument/formatting", { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    expect(edits).toHaveLength(1);
    expect(edits[0]?.newText).toMatchInlineSnapshot(`
      "layout "x" {
        expires "2027-01-01T00:00:00Z"

        step a {
          by b
        }
      }
      "
    `);
    const again = await client.request<TextEdit[]>("textDocument/formatting", { textDocument: { uri: DEMO_URI }, options: { tabSize: 2, insertSpaces: true } });
    expect(again).toEqual([]);
  });
});

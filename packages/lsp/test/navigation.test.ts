import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Location, WorkspaceEdit } from "vscode-languageserver";
import { DEMO, DEMO_URI } from "./fixtures.js";
import { positionOf, startClient, type TestClient } from "./lsp-client.js";

let client: TestClient;
beforeAll(async () => {
  client = await startClient();
  await client.open(DEMO_URI, DEMO);
  await client.diagnostics(DEMO_URI, 1);
});
afterAll(() => client.close());

const at = (needle: string, delta = 0) => ({ textDocument: { uri: DEMO_URI }, position: positionOf(DEMO, needle, delta) });
const lineOf = (needle: string) => positionOf(DEMO, needle).line;

describe("definition and references", () => {
  it("goes from `from clone` to the step declaration", async () => {
    const loc = await client.request<Location>("textDocument/definition", at("from clone", 6));
    expect(loc.range.start).toEqual(positionOf(DEMO, "step clone", 5));
  });

  it("goes from a constant use to its declaration", async () => {
    const loc = await client.request<Location>("textDocument/definition", at("create PROJECT", 8));
    expect(loc.range.start).toEqual(positionOf(DEMO, "const PROJECT", 6));
  });

  it("finds every use of a functionary, with and without the declaration", async () => {
    const withDecl = await client.request<Location[]>("textDocument/references", { ...at("by carl", 3), context: { includeDeclaration: true } });
    expect(withDecl.map((l) => l.range.start.line)).toEqual([lineOf("functionary carl"), lineOf("by carl")]);
    const usesOnly = await client.request<Location[]>("textDocument/references", { ...at("by carl", 3), context: { includeDeclaration: false } });
    expect(usesOnly.map((l) => l.range.start.line)).toEqual([lineOf("by carl")]);
  });

  it("finds steps used by `match … from` in steps and inspections", async () => {
    const refs = await client.request<Location[]>("textDocument/references", { ...at("step clone", 5), context: { includeDeclaration: false } });
    expect(refs).toHaveLength(2);
  });
});

describe("rename", () => {
  it("renames a step at its declaration and every `from`", async () => {
    const prep = await client.request<{ placeholder: string }>("textDocument/prepareRename", at("from package", 5));
    expect(prep.placeholder).toBe("package");
    const edit = await client.request<WorkspaceEdit>("textDocument/rename", { ...at("from package", 5), newName: "bundle" });
    const edits = edit.changes?.[DEMO_URI] ?? [];
    expect(edits.map((e) => [e.range.start.line, e.newText])).toEqual([
      [lineOf("step package"), "bundle"],
      [lineOf("from package"), "bundle"],
    ]);
  });

  it("renames a rule set and its `use`", async () => {
    const edit = await client.request<WorkspaceEdit>("textDocument/rename", { ...at("use hygiene", 4), newName: "tidy" });
    expect(edit.changes?.[DEMO_URI]).toHaveLength(2);
  });

  it("refuses a name that collides with another step or inspection", async () => {
    await expect(client.request("textDocument/rename", { ...at("step clone", 5), newName: "untar" })).rejects.toThrow(/already declared/);
  });

  it("refuses names that are unsafe in link file names", async () => {
    await expect(client.request("textDocument/rename", { ...at("step clone", 5), newName: "a/b" })).rejects.toThrow(/not a name/);
    await expect(client.request("textDocument/rename", { ...at("step clone", 5), newName: ".hidden" })).rejects.toThrow(/not a name/);
    await expect(client.request("textDocument/rename", { ...at("step clone", 5), newName: "" })).rejects.toThrow(/not a name/);
  });

  it("refuses to rename where there is no name", async () => {
    await expect(client.request("textDocument/prepareRename", at("expires"))).rejects.toThrow(/can be renamed/);
  });
});

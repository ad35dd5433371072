// Every example policy of the repository, opened in the server as an editor would open it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, targetsIte10 } from "@totem/dsl";
import type { DocumentSymbol } from "vscode-languageserver";
import { startClient, type TestClient } from "./lsp-client.js";

const EXAMPLES = join(import.meta.dirname, "..", "..", "..", "examples");
const policies = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(EXAMPLES, d.name)).filter((f) => f.endsWith(".totem")).map((f) => join(EXAMPLES, d.name, f)))
  // Target "ite-10" compiles to an attestation layout (layout.yml), not to a signed in-toto layout.
  .filter((path) => !targetsIte10(parse(readFileSync(path, "utf8")).file.layout));

let client: TestClient;
beforeAll(async () => {
  client = await startClient();
});
afterAll(() => client.close());

describe.skipIf(policies.length === 0)("the examples in the editor", () => {
  it.each(policies)("%s has no errors, an outline, and compiles to the committed layout's steps", async (path) => {
    const uri = pathToFileURL(path).href;
    await client.open(uri, readFileSync(path, "utf8"));
    const diagnostics = await client.diagnostics(uri, 1);
    expect(diagnostics.filter((d) => d.severity === 1)).toEqual([]);
    const outline = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri } });
    expect(outline.some((s) => s.name.startsWith("layout"))).toBe(true);
    const compiled = await client.request<{ json: string | null }>("totem/compiledLayout", { uri });
    expect(compiled.json).not.toBeNull();
    const committed = JSON.parse(readFileSync(path.replace(/\.totem$/, ".layout.json"), "utf8"));
    const steps = (committed.signed ?? committed).steps.map((s: { name: string }) => s.name);
    expect(JSON.parse(compiled.json ?? "{}").signed.steps.map((s: { name: string }) => s.name)).toEqual(steps);
  });
});

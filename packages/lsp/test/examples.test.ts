// Every example policy of the repository, opened in the server as an editor would open it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, targetsIte10 } from "@totem/dsl";
import type { DocumentSymbol } from "vscode-languageserver";
import { startClient, type TestClient } from "./lsp-client.js";

const EXAMPLES = join(import.meta.dirname, "..", "..", "..", "examples");
const all = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(EXAMPLES, d.name)).filter((f) => f.endsWith(".totem")).map((f) => join(EXAMPLES, d.name, f)));
// Target "ite-10" compiles to an attestation layout (layout.yml beside it), not to a signed in-toto layout.
const isIte10 = (path: string) => targetsIte10(parse(readFileSync(path, "utf8")).file.layout);
const policies = all.filter((path) => !isIte10(path));
const attestationPolicies = all.filter(isIte10);

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

describe.skipIf(attestationPolicies.length === 0)("the attestation examples in the editor", () => {
  it.each(attestationPolicies)("%s has no errors and its preview is the committed layout.yml, byte for byte", async (path) => {
    const uri = pathToFileURL(path).href;
    await client.open(uri, readFileSync(path, "utf8"));
    expect((await client.diagnostics(uri, 1)).filter((d) => d.severity === 1)).toEqual([]);
    const compiled = await client.request<{ json: string | null; target?: string }>("totem/compiledLayout", { uri });
    expect(compiled.target).toBe("ite-10");
    expect(compiled.json).toBe(readFileSync(join(path, "..", "layout.yml"), "utf8").replace(/^(#.*\n)*/, ""));
  });

  it("reports what only the attestation lowering refuses, as totem check does", async () => {
    const uri = "untitled:keyid-only.totem";
    const text = `layout "k" {
  target "ite-10"
  expires "2030-01-01T00:00:00Z"
  functionary ci key { keyid "${"ab".repeat(32)}" }
  step build {
    by ci
    products { create "app"  disallow "*" }
  }
}
`;
    await client.open(uri, text);
    const errors = (await client.diagnostics(uri, 1)).filter((d) => d.severity === 1);
    expect(errors.map((d) => d.code)).toContain("ite-10-unsupported");
    const compiled = await client.request<{ json: string | null }>("totem/compiledLayout", { uri });
    expect(compiled.json).toBeNull();
  });
});

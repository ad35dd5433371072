// Hover on a `param`: where its value comes from and its default, and on the keyword itself.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Hover } from "vscode-languageserver";
import { positionOf, startClient, type TestClient } from "./lsp-client.js";

const URI = "file:///work/params.totem";
const TEXT = 'param VERSION\nparam REGISTRY = "ghcr.io/acme"\nlayout "p" {\n  readme VERSION\n  step s {\n    expect command ["push", REGISTRY]\n  }\n}\n';

let client: TestClient;
beforeAll(async () => {
  client = await startClient();
  await client.open(URI, TEXT);
});
afterAll(() => client.close());

async function hover(needle: string, delta: number): Promise<string> {
  const h = await client.request<Hover | null>("textDocument/hover", { textDocument: { uri: URI }, position: positionOf(TEXT, needle, delta) });
  return h ? (h.contents as { value: string }).value : "";
}

it("documents a param where it is used: given at compile time, required or with its default", async () => {
  expect(await hover("readme VERSION", 8)).toContain("**param** `VERSION` — given at compile time: `--param VERSION=…` (required: no default)");
  expect(await hover("REGISTRY]", 2)).toContain('**param** `REGISTRY` — given at compile time: `--param REGISTRY=…`; default "ghcr.io/acme"');
  expect(await hover("param VERSION", 2)).toContain("`param`: A parameter:");
});

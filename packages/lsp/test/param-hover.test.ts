// Hover on a `param`: where its value comes from and its default, and on the keyword itself.
import { expect, it } from "vitest";
import { hoverIn } from "./lsp-client.js";

const URI = "file:///work/params.totem";
const TEXT = 'param VERSION\nparam REGISTRY = "ghcr.io/acme"\nlayout "p" {\n  readme VERSION\n  step s {\n    expect command ["push", REGISTRY]\n  }\n}\n';

const hover = hoverIn(URI, TEXT);

it("documents a param where it is used: given at compile time, required or with its default", async () => {
  expect(await hover("readme VERSION", 8)).toContain("**param** `VERSION` — given at compile time: `--param VERSION=…` (required: no default)");
  expect(await hover("REGISTRY]", 2)).toContain('**param** `REGISTRY` — given at compile time: `--param REGISTRY=…`; default "ghcr.io/acme"');
  expect(await hover("param VERSION", 2)).toContain("`param`: A parameter:");
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompletionItem, Hover } from "vscode-languageserver";
import { DEMO, DEMO_URI } from "./fixtures.js";
import { positionOf, startClient, type TestClient } from "./lsp-client.js";

let client: TestClient;
let version = 1;
beforeAll(async () => {
  client = await startClient();
  await client.open(DEMO_URI, DEMO);
  await client.diagnostics(DEMO_URI, 1);
});
afterAll(() => client.close());

/**
 * Completion labels after replacing the whole document with `text` whose cursor is marked `|`.
 * The document lives in the demo folder, so key paths resolve against the fixture keys.
 */
async function complete(text: string): Promise<string[]> {
  const at = text.indexOf("|");
  const source = text.slice(0, at) + text.slice(at + 1);
  version++;
  await client.change(DEMO_URI, version, [{ text: source }]);
  await client.diagnostics(DEMO_URI, version);
  const items = await client.request<CompletionItem[]>("textDocument/completion", {
    textDocument: { uri: DEMO_URI },
    position: positionOf(source, source.slice(at), 0),
  });
  // Editors show items by sortText (label when absent).
  return items.sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label)).map((i) => i.label);
}

const withLayout = (body: string) =>
  `const SRC = "src/*"\nrules tidy { disallow "*" }\nlayout "x" {\n  functionary bob key "keys/bob.pub"\n  functionary carl key "keys/carl.pub"\n  step clone { by bob }\n  inspection check { run "true" }\n${body}\n}\n`;

describe("completion in context", () => {
  it("offers top-level keywords at the top level", async () => {
    expect(await complete("|")).toEqual(["const", "layout", "rules"]);
  });

  it("offers layout clauses inside a layout", async () => {
    expect(await complete('layout "x" {\n  |\n}')).toEqual(["dsse-payload", "expires", "functionary", "inspection", "intermediate-cas", "readme", "root-cas", "step", "target"]);
  });

  it("offers step clauses inside a step, and rule kinds inside a rule block", async () => {
    expect(await complete(withLayout("  step s {\n    |\n  }"))).toEqual(["attestation", "by", "cert-constraints", "expect", "materials", "products", "threshold"]);
    expect(await complete(withLayout("  step s {\n    products {\n      |\n    }\n  }"))).toEqual(["allow", "create", "delete", "disallow", "match", "modify", "require", "use"]);
  });

  it("offers functionaries after `by` and after a comma in the by-clause", async () => {
    expect(await complete(withLayout("  step s {\n    by |\n  }"))).toEqual(["bob", "carl"]);
    expect(await complete(withLayout("  step s {\n    by bob, c|\n  }"))).toEqual(["bob", "carl"]);
  });

  it("offers steps and inspections after `from`", async () => {
    expect(await complete(withLayout('  step s {\n    materials { match "*" with products from | }\n  }'))).toEqual(["check", "clone"]);
  });

  it("continues a match rule with its keywords", async () => {
    expect(await complete(withLayout('  step s {\n    materials { match "*" | }\n  }'))).toEqual(["in", "with"]);
    expect(await complete(withLayout('  step s {\n    materials { match "*" with | }\n  }'))).toEqual(["materials", "products"]);
    expect(await complete(withLayout('  step s {\n    materials { match "*" with products | }\n  }'))).toEqual(["from", "in"]);
  });

  it("offers rule sets after `use` and constants where a string goes", async () => {
    expect(await complete(withLayout("  step s {\n    products { use | }\n  }"))).toEqual(["tidy"]);
    expect(await complete(withLayout("  step s {\n    products { create | }\n  }"))).toEqual(["SRC"]);
  });

  it("offers key files relative to the document inside a key path", async () => {
    expect(await complete('layout "x" {\n  functionary dan key "|"\n}')).toEqual(["keys/", "links/", "demo.totem"]);
    expect(await complete('layout "x" {\n  functionary dan key "keys/|"\n}')).toEqual(["bob.pub", "carl.pub", "bob", "carl"]);
  });

  it("answers from the text typed so far before the new version is analysed", async () => {
    await complete(withLayout("  step s {\n    |\n  }"));
    // Type `by ` and ask at once: the block comes from the new text, the names from the last analysis.
    const source = withLayout("  step s {\n    by \n  }");
    version++;
    await client.change(DEMO_URI, version, [{ text: source }]);
    const items = await client.request<CompletionItem[]>("textDocument/completion", {
      textDocument: { uri: DEMO_URI },
      position: positionOf(source, "by \n", 3),
    });
    expect(items.map((i) => i.label).sort()).toEqual(["bob", "carl"]);
  });

  it("offers nothing inside comments and compile targets after `target`", async () => {
    expect(await complete('layout "x" {\n  # step |\n}')).toEqual([]);
    expect(await complete('layout "x" {\n  target |\n}')).toEqual(["in-toto", "in-toto-1.3", "in-toto-golang"]);
  });
});

describe("completion for attestations (target ite-10)", () => {
  const att = (body: string, type = '"https://slsa.dev/provenance/v1"') =>
    withLayout(`  functionary wf sigstore {\n    issuer "https://token.actions.githubusercontent.com"\n  }\n  step b {\n    attestation ${type} {\n${body}\n    }\n  }`);

  it("offers attestation in a step, its clauses inside it, and the identity items in a sigstore block", async () => {
    expect(await complete(att("      |"))).toEqual(["by", "check", "threshold"]);
    expect(await complete(withLayout("  functionary wf sigstore {\n    |\n  }"))).toEqual(["identity", "identity-pattern", "issuer"]);
    expect(await complete(withLayout("  functionary wf |"))).toEqual(["key", "sigstore"]);
  });

  it("offers the known predicate types inside `attestation \"|\"` from the engine's catalog", async () => {
    const types = [
      "https://slsa.dev/provenance/v1",
      "https://slsa.dev/provenance/v0.2",
      "https://in-toto.io/attestation/link/v0.3",
      "https://in-toto.io/attestation/test-result/v0.1",
      "https://slsa.dev/verification_summary/v1",
      "https://spdx.dev/Document",
      "https://cyclonedx.org/bom",
    ];
    expect(await complete(withLayout('  step s {\n    attestation "https://sl|"\n  }'))).toEqual(types);
    // Outside quotes, constants too.
    expect(await complete(withLayout("  step s {\n    attestation |\n  }"))).toEqual([...types, "SRC"]);
  });

  it("offers CEL field paths inside `check` from the predicate type's schema", async () => {
    expect(await complete(att('      check "|"'))).toEqual(["predicate", "predicateType", "subject"]);
    expect(await complete(att('      check "predicate.|"'))).toEqual(["buildDefinition", "runDetails"]);
    expect(await complete(att('      check "predicate.buildDefinition.res|"'))).toEqual(["buildType", "externalParameters", "internalParameters", "resolvedDependencies"]);
    expect(await complete(att('      check "size(predicate.runDetails.builder.|) > 0"'))).toEqual(["builderDependencies", "id", "version"]);
    expect(await complete(att('      check "predicate.buildDefinition.resolvedDependencies[0].|"'))).toEqual(["annotations", "digest", "downloadLocation", "mediaType", "name", "uri"]);
    expect(await complete(att('      check "subject[0].d|"'))).toContain("digest");
  });

  it("reads the predicate type through a constant, and offers nothing where the schema is silent", async () => {
    const viaConst = `const TR = "https://in-toto.io/attestation/test-result/v0.1"\n${att('      check "predicate.|"', "TR")}`;
    expect(await complete(viaConst)).toEqual(["configuration", "failedTests", "passedTests", "result", "url", "warnedTests"]);
    expect(await complete(att('      check "predicate.buildDefinition.externalParameters.|"'))).toEqual([]);
    expect(await complete(att('      check "predicate.x == \'predicate.|"'))).toEqual([]);
    expect(await complete(att('      check "predicate.|"', '"https://spdx.dev/Document"'))).toEqual([]);
  });

  it("offers the modifiers a check has not used yet, and constants after debug", async () => {
    expect(await complete(att('      check "predicate.x" |'))).toEqual(["allow-if-absent", "debug", "warn"]);
    expect(await complete(att('      check "predicate.x" warn |'))).toEqual(["allow-if-absent", "debug"]);
    expect(await complete(att('      check "predicate.x" debug |'))).toEqual(["SRC"]);
  });
});

describe("hover", () => {
  async function hover(text: string): Promise<string> {
    const at = text.indexOf("|");
    const source = text.slice(0, at) + text.slice(at + 1);
    version++;
    await client.change(DEMO_URI, version, [{ text: source }]);
    const h = await client.request<Hover | null>("textDocument/hover", { textDocument: { uri: DEMO_URI }, position: positionOf(source, source.slice(at)) });
    return h ? (h.contents as { value: string }).value : "";
  }

  it("shows a functionary's key type and keyid under each target", async () => {
    const text = await hover(withLayout("  step s { by b|ob }"));
    expect(text).toContain("**functionary** `bob`");
    expect(text).toContain("key type: ed25519");
    expect(text).toMatch(/keyid \(in-toto-1\.3, in-toto-golang\): `[0-9a-f]{64}`/);
    expect(text).toMatch(/keyid \(in-toto\): `[0-9a-f]{64}`/);
    expect(text).toContain("signs: `clone`, `s`");
  });

  it("shows a step's functionaries, threshold and the steps that match its artifacts", async () => {
    const text = await hover(withLayout('  step s {\n    materials { match "*" with products from cl|one }\n  }'));
    expect(text).toContain("**step** `clone`");
    expect(text).toContain("signed by: `bob`");
    expect(text).toContain("threshold: 1 of 1");
    expect(text).toContain("matched by: `s` materials ← products");
  });

  it("explains a rule in in-toto terms", async () => {
    const text = await hover(withLayout('  step s {\n    products { cre|ate "x" }\n  }'));
    expect(text).toContain("`create \"x\"`");
    expect(text).toContain("CREATE: artifacts matching the pattern must be new");
  });

  it("explains keywords outside comments and strings", async () => {
    expect(await hover(withLayout("  step s {\n    by bob\n    thres|hold 1\n  }"))).toContain("`threshold`: How many functionaries must sign");
    expect(await hover('layout "x" {\n  # thres|hold\n}')).toBe("");
    expect(await hover('layout "x" {\n  readme "thres|hold"\n}')).toBe("");
  });

  it("documents the code of a diagnostic under the cursor", async () => {
    const text = await hover('layout "x" {\n  step s { by gh|ost }\n}');
    expect(text).toMatch(/\*\*unknown-functionary\*\* \(error\)/);
  });
});

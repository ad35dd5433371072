import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CodeAction, Diagnostic, TextEdit } from "vscode-languageserver";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { didYouMean, editDistance } from "../src/code-actions.js";
import { LineIndex } from "../src/positions.js";
import { DEMO, FIXTURES } from "./fixtures.js";
import { positionOf, startClient, type TestClient } from "./lsp-client.js";

let client: TestClient;
beforeAll(async () => {
  client = await startClient();
});
afterAll(() => client.close());

/** Applies edits (non-overlapping) to a text, last first. */
function apply(text: string, edits: TextEdit[]): string {
  const lines = new LineIndex(text);
  const spans = edits.map((e) => ({ ...lines.spanOf(e.range), newText: e.newText })).sort((a, b) => b.start - a.start);
  return spans.reduce((t, s) => t.slice(0, s.start) + s.newText + t.slice(s.end), text);
}

/**
 * The quick fixes offered for the diagnostic with `code` in `text`, and the text after applying the
 * first. `name` is a document name (opened as `untitled:NAME.totem`) or a whole URI.
 */
async function quickFix(name: string, text: string, code: string): Promise<{ diagnostic: Diagnostic; actions: CodeAction[]; fixed: string }> {
  const uri = name.includes(":") ? name : `untitled:${name}.totem`;
  await client.open(uri, text);
  const diags = await client.diagnostics(uri, 1);
  const diagnostic = diags.find((d) => d.code === code);
  if (!diagnostic) throw new Error(`no ${code} in ${JSON.stringify(diags.map((d) => d.code))}`);
  const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
    textDocument: { uri },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic] },
  });
  const mine = actions.filter((a) => a.diagnostics?.some((d) => d.code === code));
  return { diagnostic, actions: mine, fixed: apply(text, mine[0]?.edit?.changes?.[uri] ?? []) };
}

const HEAD = 'layout "x" {\n  expires "2027-06-01T00:00:00Z"\n  functionary bob key { type "ed25519" scheme "ed25519" public "aa" }\n';

describe("quick fixes from diagnostics", () => {
  it("adds a trailing disallow to a rule list, tied to its diagnostic", async () => {
    const r = await quickFix("disallow", `${HEAD}  step a {\n    by bob\n    materials { disallow "*" }\n    products { create "x" }\n  }\n}\n`, "missing-trailing-disallow");
    expect(r.actions).toHaveLength(1);
    expect(r.actions[0]?.kind).toBe("quickfix");
    expect(r.actions[0]?.diagnostics?.[0]?.range).toEqual(r.diagnostic.range);
    expect(r.fixed).toMatch(/products \{ create "x"\s+disallow "\*"\s*\}/);
  });

  it("declares an unknown functionary", async () => {
    const r = await quickFix("unknown", `${HEAD}  step a {\n    by ghost\n    materials { disallow "*" }\n    products { disallow "*" }\n  }\n}\n`, "unknown-functionary");
    expect(r.actions).toHaveLength(1);
    expect(r.fixed).toContain("functionary ghost");
  });

  it("offers nothing where no diagnostic has a fix", async () => {
    const uri = "untitled:clean.totem";
    const text = `${HEAD}  step a {\n    by bob\n    materials { disallow "*" }\n    products { disallow "*" }\n  }\n}\n`;
    await client.open(uri, text);
    await client.diagnostics(uri, 1);
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri },
      range: { start: { line: 4, character: 0 }, end: { line: 4, character: 5 } },
      context: { diagnostics: [] },
    });
    expect(actions).toEqual([]);
  });
});

/** A file: URI beside the demo (so its key paths resolve into fixtures/demo/keys). */
const besideDemo = (name: string) => pathToFileURL(join(FIXTURES, "demo", name)).href;

describe("did you mean", () => {
  it("measures edit distance with transpositions", () => {
    expect(editDistance("carly", "carl")).toBe(1);
    expect(editDistance("colne", "clone")).toBe(1);
    expect(editDistance("bob", "carl")).toBe(4);
    expect(didYouMean("carly", ["bob", "carl", "carla"])).toEqual(["carl", "carla"]);
    expect(didYouMean("x", ["bob"])).toEqual([]);
  });

  it("offers `carl` for `by carly`, preferred over declaring a new functionary", async () => {
    const uri = besideDemo("typo-functionary.totem");
    const r = await quickFix(uri, DEMO.replace("by carl", "by carly"), "unknown-functionary");
    expect(r.actions.map((a) => a.title)).toEqual(["Did you mean `carl`?", expect.stringMatching(/carly/)]);
    expect(r.actions.map((a) => a.isPreferred)).toEqual([true, false]);
    expect(r.fixed).toBe(DEMO);
  });

  it("offers the declared step for a misspelt `from`", async () => {
    const text = DEMO.replace("with products from clone\n      disallow", "with products from cloen\n      disallow");
    const r = await quickFix(besideDemo("typo-step.totem"), text, "unknown-step");
    expect(r.actions.map((a) => a.title)).toEqual(["Did you mean `clone`?"]);
    expect(r.fixed).toBe(DEMO);
  });

  it("offers the declared rule set and constant for misspelt names", async () => {
    const set = await quickFix(besideDemo("typo-set.totem"), DEMO.replace("use hygiene", "use hygeine"), "unknown-rule-set");
    expect(set.actions.map((a) => a.title)).toEqual(["Did you mean `hygiene`?"]);
    expect(set.fixed).toBe(DEMO);
    const constant = await quickFix(besideDemo("typo-const.totem"), DEMO.replace("create PROJECT", "create PROJET"), "unknown-constant");
    expect(constant.actions.map((a) => a.title)).toEqual(["Did you mean `PROJECT`?"]);
    expect(constant.fixed).toBe(DEMO);
  });

  it("offers the key file beside a misspelt key path", async () => {
    const uri = besideDemo("typo-key.totem");
    const text = DEMO.replace('"keys/carl.pub"', '"keys/carl.pbu"');
    const r = await quickFix(uri, text, "key-unreadable");
    expect(r.actions.map((a) => a.title)).toEqual(['Did you mean "keys/carl.pub"?']);
    expect(r.actions[0]?.edit?.changes?.[uri]?.[0]?.range.start).toEqual(positionOf(text, "carl.pbu"));
    expect(r.fixed).toBe(DEMO);
  });
});

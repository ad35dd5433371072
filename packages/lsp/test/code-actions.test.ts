import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CodeAction, Diagnostic, TextEdit } from "vscode-languageserver";
import { LineIndex } from "../src/positions.js";
import { startClient, type TestClient } from "./lsp-client.js";

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

/** The quick fixes offered for the diagnostic with `code` in `text`, and the text after applying the first. */
async function quickFix(name: string, text: string, code: string): Promise<{ diagnostic: Diagnostic; actions: CodeAction[]; fixed: string }> {
  const uri = `untitled:${name}.totem`;
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

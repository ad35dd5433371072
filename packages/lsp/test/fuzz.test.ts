// Random edits and requests against a real server: it must answer every request (results, or the
// documented RequestFailed errors of rename) and log no handler failure.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LineIndex } from "../src/positions.js";
import { DEMO, DEMO_URI } from "./fixtures.js";
import { startClient, type TestClient } from "./lsp-client.js";

const FRAGMENTS = [
  "step ", "inspection ", "by ", "from ", "match ", "with ", "products ", "materials ", "use ", "{", "}", "\n", '"', '"*"',
  "key ", "const X = ", "rules r {", "functionary f ", "threshold 2", "expires in 30d", "#", "\\", "😀", "é", "\r\n", " ", "clone", ",",
];

type Action =
  | { kind: "insert"; at: number; text: string }
  | { kind: "delete"; at: number; length: number }
  | { kind: "request"; method: string; at: number; beyond: boolean };

const METHODS = [
  "textDocument/completion", "textDocument/hover", "textDocument/definition", "textDocument/references",
  "textDocument/prepareRename", "textDocument/rename", "textDocument/documentSymbol", "textDocument/semanticTokens/full",
  "textDocument/foldingRange", "textDocument/formatting", "textDocument/codeAction", "totem/compiledLayout", "workspace/symbol",
];

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 6 })) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant("request" as const), method: fc.constantFrom(...METHODS), at: fc.nat(), beyond: fc.boolean() }),
);

let client: TestClient;
beforeAll(async () => {
  client = await startClient({ initializationOptions: { diagnosticsDelayMs: 0 } });
});
afterAll(() => client.close());

let docCount = 0;

describe("fuzzing the server", () => {
  it("answers random requests after random incremental edits without failing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 25 }), async (actions) => {
        const uri = DEMO_URI.replace("demo.totem", `fuzz-${docCount++}.totem`);
        let text = DEMO;
        let version = 1;
        await client.open(uri, text, version);
        for (const a of actions) {
          const lines = new LineIndex(text);
          const at = text.length === 0 ? 0 : a.at % (text.length + 1);
          if (a.kind === "insert") {
            const p = lines.positionAt(at);
            text = text.slice(0, at) + a.text + text.slice(at);
            await client.change(uri, ++version, [{ range: { start: p, end: p }, text: a.text }]);
          } else if (a.kind === "delete") {
            const end = Math.min(text.length, at + a.length);
            const range = { start: lines.positionAt(at), end: lines.positionAt(end) };
            text = text.slice(0, at) + text.slice(end);
            await client.change(uri, ++version, [{ range, text: "" }]);
          } else {
            const p = a.beyond ? { line: lines.lineCount + 3, character: 999 } : lines.positionAt(at);
            const params = {
              textDocument: { uri },
              uri,
              position: p,
              range: { start: p, end: p },
              newName: "renamed_x",
              query: "s",
              context: { includeDeclaration: true, diagnostics: [] },
              options: { tabSize: 2, insertSpaces: true },
            };
            try {
              await client.request(a.method, params);
            } catch (e) {
              // Only rename may refuse, with a sentence (RequestFailed, -32803).
              expect((e as { code?: number }).code).toBe(-32803);
            }
          }
        }
        // The server's view equals ours: its formatting of the final text matches a fresh document's.
        const diags = await client.diagnostics(uri, version);
        expect(Array.isArray(diags)).toBe(true);
        const check = DEMO_URI.replace("demo.totem", `fuzz-check-${docCount}.totem`);
        await client.open(check, text, 1);
        const [a, b] = await Promise.all([
          client.request("textDocument/documentSymbol", { textDocument: { uri } }),
          client.request("textDocument/documentSymbol", { textDocument: { uri: check } }),
        ]);
        expect(a).toEqual(b);
        await client.connection.sendNotification("textDocument/didClose", { textDocument: { uri } });
        await client.connection.sendNotification("textDocument/didClose", { textDocument: { uri: check } });
      }),
      { numRuns: 250 },
    );
    expect(client.logs.filter((l) => l.includes("failed"))).toEqual([]);
  }, 30_000);
});

// Malformed framing (issue 13): a `Content-Length` that is negative, huge, not a number, or missing
// used to wedge the server (vscode-jsonrpc's reader waited forever for the body, or sliced garbage).
// The message guard drops such a message, logs why, and the server keeps answering. Also: a raw lone
// surrogate in a document is the `lone-surrogate` error. (Over stdio: stdio.test.ts.)
import { PassThrough } from "node:stream";
import { createServer } from "@totem/lsp";
import { describe, expect, it } from "vitest";
import { createMessageConnection, type MessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node";
import type { PublishDiagnosticsParams } from "vscode-languageserver";

/** A framed message with a given Content-Length value (normally the body's byte length). */
function frame(body: string, contentLength: string = String(Buffer.byteLength(body))): string {
  return `Content-Length: ${contentLength}\r\n\r\n${body}`;
}

const request = (id: number, method: string, params: unknown) => JSON.stringify({ jsonrpc: "2.0", id, method, params });

/** What each case writes before a good request: the bad header and the body a client would send with it. */
const BAD: [string, string][] = [
  ["a negative Content-Length", frame(request(90, "shutdown", null), "-5")],
  ["a huge Content-Length", frame(request(91, "shutdown", null), "999999999999")],
  ["a Content-Length over the limit", frame(request(92, "shutdown", null), String(64 * 1024 * 1024 + 1))],
  ["a Content-Length that is not a number", frame(request(93, "shutdown", null), "12abc")],
  ["a fractional Content-Length", frame(request(94, "shutdown", null), "1.5")],
  ["no Content-Length", `Content-Type: application/vscode-jsonrpc\r\n\r\n${request(95, "shutdown", null)}`],
  ["a header line without a colon", `garbage\r\n\r\n${request(96, "shutdown", null)}`],
  ["an endless header", "X-Pad: " + "x".repeat(20_000)],
];

/** A server on in-memory streams, a client on the same streams, and raw access to the server's input. */
async function start(): Promise<{ client: MessageConnection; raw: PassThrough; logs: string[] }> {
  const raw = new PassThrough();
  const toClient = new PassThrough();
  createServer(raw, toClient);
  const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(raw));
  const logs: string[] = [];
  client.onNotification("window/logMessage", (p: { message: string }) => void logs.push(p.message));
  client.onRequest("client/registerCapability", () => null);
  client.listen();
  await client.sendRequest("initialize", { processId: null, rootUri: null, capabilities: {} });
  await client.sendNotification("initialized", {});
  return { client, raw, logs };
}

/** Fails unless `promise` settles within `ms`: a wedged server never answers. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))]);
}

const POLICY = 'layout "x" {\n  expires "2027-01-01T00:00:00Z"\n}\n';
const didOpen = (uri: string, text: string) =>
  JSON.stringify({ jsonrpc: "2.0", method: "textDocument/didOpen", params: { textDocument: { uri, languageId: "totem", version: 1, text } } });

describe("the language server under malformed framing", () => {
  it.each(BAD)("drops a message with %s, logs it, and serves the next messages", async (_what, bad) => {
    const { client, raw, logs } = await start();
    const before = process.memoryUsage().rss;
    const published = new Promise<PublishDiagnosticsParams>((resolve) => client.onNotification("textDocument/publishDiagnostics", resolve));
    raw.write(bad);
    raw.write(frame(didOpen("untitled:after.totem", POLICY)));
    expect((await within(5000, published)).uri).toBe("untitled:after.totem");
    const symbols = await within(5000, client.sendRequest<{ name: string }[]>("textDocument/documentSymbol", { textDocument: { uri: "untitled:after.totem" } }));
    expect(symbols.map((x) => x.name)).toEqual(['layout "x"']);
    await within(5000, waitFor(() => logs.some((l) => l.startsWith("totem: dropped a message: "))));
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024);
    client.dispose();
  });

  it("resynchronizes on a good message in the same chunk as a bad one", async () => {
    const { client, raw, logs } = await start();
    const published = new Promise<PublishDiagnosticsParams>((resolve) => client.onNotification("textDocument/publishDiagnostics", resolve));
    raw.write(frame(request(90, "shutdown", null), "-5") + frame(didOpen("untitled:same.totem", POLICY)));
    expect((await within(5000, published)).uri).toBe("untitled:same.totem");
    expect(logs).toContain('totem: dropped a message: Content-Length "-5" is not a byte count');
    client.dispose();
  });

  it("forwards a large well-framed message split across many chunks", async () => {
    const { client, raw, logs } = await start();
    const text = `# ${"x".repeat(300_000)}\n${POLICY}`;
    const open = frame(didOpen("untitled:big.totem", text));
    const published = new Promise<PublishDiagnosticsParams>((resolve) => client.onNotification("textDocument/publishDiagnostics", resolve));
    const bytes = Buffer.from(open);
    for (let i = 0; i < bytes.length; i += 1000) raw.write(bytes.subarray(i, i + 1000));
    expect((await within(10_000, published)).uri).toBe("untitled:big.totem");
    expect(logs.filter((l) => l.includes("dropped"))).toEqual([]);
    client.dispose();
  });

  it("reports a raw lone surrogate in a document as lone-surrogate", async () => {
    const { client } = await start();
    const published = new Promise<PublishDiagnosticsParams>((resolve) => client.onNotification("textDocument/publishDiagnostics", resolve));
    await client.sendNotification("textDocument/didOpen", {
      textDocument: { uri: "untitled:half.totem", languageId: "totem", version: 1, text: 'layout "x" {\n  expires "2027-01-01T00:00:00Z"\n  readme "\uD800"\n}\n' },
    });
    const d = (await within(5000, published)).diagnostics.find((x) => x.code === "lone-surrogate");
    expect(d?.range).toEqual({ start: { line: 2, character: 10 }, end: { line: 2, character: 11 } });
    client.dispose();
  });
});

function waitFor(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = () => (check() ? resolve() : setTimeout(poll, 10));
    poll();
  });
}

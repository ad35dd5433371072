// A protocol client for tests: a real server (createServer) and a vscode-jsonrpc client connected
// over in-memory streams. Tests talk to the server only through protocol messages.
import { PassThrough } from "node:stream";
import { createServer } from "@totem/lsp";
import { createMessageConnection, type MessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node";
import { afterAll, beforeAll } from "vitest";
import type { Diagnostic, Hover, InitializeResult, Position, PublishDiagnosticsParams, TextDocumentContentChangeEvent } from "vscode-languageserver";

/** A running server plus the client connected to it. */
export interface TestClient {
  connection: MessageConnection;
  init: InitializeResult;
  /** Every publishDiagnostics received, in order. */
  published: PublishDiagnosticsParams[];
  /** Log messages the server wrote (window/logMessage). */
  logs: string[];
  open(uri: string, text: string, version?: number): Promise<void>;
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): Promise<void>;
  /** Resolves with the diagnostics published for `uri` at `version` (or later). */
  diagnostics(uri: string, version?: number): Promise<Diagnostic[]>;
  request<R>(method: string, params: unknown): Promise<R>;
  close(): Promise<void>;
}

/** Starts a server and an initialized client. */
export async function startClient(opts: { initializationOptions?: unknown; workspaceFolders?: { uri: string; name: string }[] } = {}): Promise<TestClient> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  createServer(toServer, toClient);
  const connection = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const published: PublishDiagnosticsParams[] = [];
  const logs: string[] = [];
  const waiters: { uri: string; version: number; resolve: (d: Diagnostic[]) => void }[] = [];
  connection.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
    published.push(p);
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i];
      if (w && w.uri === p.uri && (p.version ?? 0) >= w.version) {
        waiters.splice(i, 1);
        w.resolve(p.diagnostics);
      }
    }
  });
  connection.onNotification("window/logMessage", (p: { message: string }) => void logs.push(p.message));
  connection.onRequest("client/registerCapability", () => null);
  connection.listen();
  const init = (await connection.sendRequest("initialize", {
    processId: null,
    rootUri: null,
    capabilities: { workspace: { workspaceFolders: true } },
    workspaceFolders: opts.workspaceFolders ?? null,
    initializationOptions: { now: "2026-11-22T00:00:00Z", ...(opts.initializationOptions as object) },
  })) as InitializeResult;
  await connection.sendNotification("initialized", {});
  const versions = new Map<string, number>();
  return {
    connection,
    init,
    published,
    logs,
    async open(uri, text, version = 1) {
      versions.set(uri, version);
      await connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "totem", version, text } });
    },
    async change(uri, version, changes) {
      versions.set(uri, version);
      await connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: changes });
    },
    diagnostics(uri, version) {
      const want = version ?? versions.get(uri) ?? 0;
      const already = [...published].reverse().find((p) => p.uri === uri && (p.version ?? 0) >= want);
      if (already) return Promise.resolve(already.diagnostics);
      return new Promise((resolve) => waiters.push({ uri, version: want, resolve }));
    },
    request<R>(method: string, params: unknown) {
      return connection.sendRequest(method, params) as Promise<R>;
    },
    async close() {
      await connection.sendRequest("shutdown");
      connection.dispose();
      toServer.end();
      toClient.end();
    },
  };
}

/** The position of the first occurrence of `needle` in `text` (plus `delta` characters). */
export function positionOf(text: string, needle: string, delta = 0): Position {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`${needle} not in text`);
  const before = text.slice(0, at + delta);
  const lines = before.split("\n");
  return { line: lines.length - 1, character: (lines.at(-1) ?? "").length };
}

/**
 * For a test file about hovers: a server with `text` open at `uri` for the file's tests (started in
 * beforeAll, closed in afterAll); returns the hover text at `needle` + `delta`, or "" for none.
 */
export function hoverIn(uri: string, text: string): (needle: string, delta: number) => Promise<string> {
  let client: TestClient;
  beforeAll(async () => {
    client = await startClient();
    await client.open(uri, text);
  });
  afterAll(() => client.close());
  return async (needle, delta) => {
    const h = await client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position: positionOf(text, needle, delta) });
    return h ? (h.contents as { value: string }).value : "";
  };
}

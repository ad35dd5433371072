// The node entry (server-main.ts) as editors run it: a separate process speaking LSP on stdio.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMessageConnection, type MessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node";
import type { PublishDiagnosticsParams } from "vscode-languageserver";

let dir: string;
let bundle: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "totem-lsp-stdio-"));
  bundle = join(dir, "server.cjs");
  // The same bundling scripts/build.mjs does for the extension.
  await build({
    entryPoints: [join(import.meta.dirname, "..", "src", "server-main.ts")],
    outfile: bundle,
    bundle: true,
    platform: "node",
    format: "cjs",
    conditions: ["source"],
    logLevel: "error",
  });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function connect(child: ChildProcess): MessageConnection {
  if (!child.stdout || !child.stdin) throw new Error("no stdio");
  const c = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  c.listen();
  return c;
}

describe("server-main over stdio", () => {
  it("initializes, publishes diagnostics, and exits 0 after shutdown and exit", async () => {
    const child = spawn(process.execPath, [bundle, "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const c = connect(child);
    const diagnostics = new Promise<PublishDiagnosticsParams>((resolve) => c.onNotification("textDocument/publishDiagnostics", resolve));
    const init = (await c.sendRequest("initialize", { processId: null, rootUri: null, capabilities: {} })) as { serverInfo?: { name: string } };
    expect(init.serverInfo?.name).toBe("totem");
    await c.sendNotification("initialized", {});
    await c.sendNotification("textDocument/didOpen", { textDocument: { uri: "untitled:a.totem", languageId: "totem", version: 1, text: "layout {" } });
    const published = await diagnostics;
    expect(published.diagnostics.some((d) => d.code === "syntax-error")).toBe(true);
    await c.sendRequest("shutdown");
    await c.sendNotification("exit");
    expect(await exited).toBe(0);
    c.dispose();
  }, 30_000);

  it("answers initialize after a negative and a huge Content-Length (dropped), then exits 0", async () => {
    const child = spawn(process.execPath, [bundle, "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.stdin?.write("Content-Length: -1\r\n\r\n{}");
    child.stdin?.write('Content-Length: 99999999999\r\n\r\n{"jsonrpc":"2.0","id":7,"method":"shutdown"}');
    const c = connect(child);
    const init = (await c.sendRequest("initialize", { processId: null, rootUri: null, capabilities: {} })) as { serverInfo?: { name: string } };
    expect(init.serverInfo?.name).toBe("totem");
    await c.sendRequest("shutdown");
    await c.sendNotification("exit");
    expect(await exited).toBe(0);
    c.dispose();
  }, 30_000);

  it("exits when the editor closes stdin", async () => {
    const child = spawn(process.execPath, [bundle, "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.stdin?.end();
    // Without a shutdown request first, the protocol asks for exit code 1.
    expect(await exited).toBe(1);
  }, 30_000);
});

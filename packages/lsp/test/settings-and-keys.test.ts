import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hover } from "vscode-languageserver";
import { DEMO, FIXTURES } from "./fixtures.js";
import { positionOf, startClient, type TestClient } from "./lsp-client.js";

let client: TestClient;
let dir: string;
let uri: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "totem-lsp-keys-"));
  mkdirSync(join(dir, "keys"));
  for (const k of ["bob.pub", "carl.pub"]) copyFileSync(join(FIXTURES, "demo", "keys", k), join(dir, "keys", k));
  uri = pathToFileURL(join(dir, "demo.totem")).href;
  client = await startClient();
});
afterAll(async () => {
  await client.close();
  rmSync(dir, { recursive: true, force: true });
});

const codes = async (version: number) => (await client.diagnostics(uri, version)).map((d) => d.code);

describe("key files and settings", () => {
  it("re-reads a key file after the client reports it changed", async () => {
    await client.open(uri, DEMO, 1);
    expect(await codes(1)).not.toContain("key-invalid");
    writeFileSync(join(dir, "keys", "carl.pub"), "not a key");
    await client.connection.sendNotification("workspace/didChangeWatchedFiles", {
      changes: [{ uri: pathToFileURL(join(dir, "keys", "carl.pub")).href, type: 2 }],
    });
    // The server re-checks open documents; the version stays 1, so wait for a new publication.
    const before = client.published.length;
    for (let i = 0; i < 100 && !client.published.slice(before).some((p) => p.uri === uri); i++) await new Promise((r) => setTimeout(r, 50));
    const latest = client.published.slice(before).filter((p) => p.uri === uri).at(-1);
    expect(latest?.diagnostics.map((d) => d.code)).toContain("key-invalid");
    const hover = await client.request<Hover>("textDocument/hover", { textDocument: { uri }, position: positionOf(DEMO, "by carl", 4) });
    const text = (hover.contents as { value: string }).value;
    expect(text).toContain("key problem");
    // Hovering the key path shows the lowering diagnostic's documentation too.
    const onPath = await client.request<Hover>("textDocument/hover", { textDocument: { uri }, position: positionOf(DEMO, '"keys/carl.pub"', 3) });
    expect((onPath.contents as { value: string }).value).toMatch(/\*\*key-invalid\*\* \(error\): .*docs\/language\.md#key-invalid/);
  });

  it("resolves a key path given by a constant that names another constant, as lowering does", async () => {
    // The language server's hover once followed one level of constants, lowering any number: now both use the dsl's resolver.
    const chained = `const KEYS = "keys/bob.pub"\nconst BOB = KEYS\n${DEMO.replace('key "keys/bob.pub"', "key BOB")}`;
    expect(chained).toContain("key BOB");
    const other = pathToFileURL(join(dir, "chained.totem")).href;
    await client.open(other, chained, 1);
    expect((await client.diagnostics(other, 1)).map((d) => d.code)).not.toContain("key-unreadable");
    const hover = await client.request<Hover>("textDocument/hover", { textDocument: { uri: other }, position: positionOf(chained, "by bob", 4) });
    const text = (hover.contents as { value: string }).value;
    expect(text).toMatch(/keyid/i);
    expect(text).not.toContain("key problem");
  });

  it("sees a key file restored on disk at the next edit even without a watcher event", async () => {
    copyFileSync(join(FIXTURES, "demo", "keys", "carl.pub"), join(dir, "keys", "carl.pub"));
    await client.change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: " " }]);
    expect(await codes(2)).not.toContain("key-invalid");
  });

  it("applies expiryWarningDays and defaultTarget from didChangeConfiguration", async () => {
    // The demo expires 2027-06-01; the test clock is 2026-11-22: 191 days ahead.
    expect(await codes(2)).not.toContain("expiry-soon");
    await client.connection.sendNotification("workspace/didChangeConfiguration", { settings: { totem: { expiryWarningDays: 365 } } });
    await client.change(uri, 3, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, text: "" }]);
    expect(await codes(3)).toContain("expiry-soon");

    // A policy without `target` compiles for the configured default; keyids follow it.
    await client.connection.sendNotification("workspace/didChangeConfiguration", { settings: { totem: { defaultTarget: "in-toto" } } });
    await client.change(uri, 4, [{ text: DEMO.replace('  target "in-toto-1.3"\n', "") }]);
    const r = await client.request<{ target: string; json: string | null }>("totem/compiledLayout", { uri });
    expect(r.target).toBe("in-toto");
    expect(r.json).not.toBeNull();
  });
});

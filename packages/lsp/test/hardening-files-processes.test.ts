// Hardening of the language server's file and process I/O (node-io): a document naming /dev/zero or
// a FIFO as a key gets a diagnostic at once and the server keeps answering; simulate's inspections
// run as `totem verify` runs them, so a background child does not hold the request.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO, FIXTURES } from "./fixtures.js";
import { positionOf, startClient, type TestClient } from "./lsp-client.js";

let client: TestClient;
let dir: string;
let uri: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "totem-lsp-hardening-"));
  cpSync(join(FIXTURES, "demo"), dir, { recursive: true });
  execFileSync("mkfifo", [join(dir, "keys/pipe.pub")]);
  uri = pathToFileURL(join(dir, "demo.totem")).href;
  client = await startClient();
});
afterAll(() => client.close());

describe("key files that are not regular files", () => {
  it("reports key-unreadable for /dev/zero and a FIFO at once, and keeps answering", async () => {
    const text = DEMO.replace('"keys/bob.pub"', '"/dev/zero"').replace('"keys/carl.pub"', '"keys/pipe.pub"');
    const start = performance.now();
    await client.open(uri, text, 1);
    const diagnostics = await client.diagnostics(uri, 1);
    expect((performance.now() - start) / 1000).toBeLessThan(5);
    const unreadable = diagnostics.filter((d) => d.code === "key-unreadable");
    expect(unreadable.map((d) => d.range.start.line)).toEqual([positionOf(text, "functionary bob").line, positionOf(text, "functionary carl").line]);
    expect(unreadable.map((d) => d.message)).toEqual([
      'The key file "/dev/zero" of functionary "bob" cannot be read: check the path (it is relative to the policy).',
      'The key file "keys/pipe.pub" of functionary "carl" cannot be read: check the path (it is relative to the policy).',
    ]);
    // The server still answers requests about the document.
    const hover = await client.request<{ contents: { value: string } } | null>("textDocument/hover", {
      textDocument: { uri },
      position: positionOf(text, "by bob", 4),
    });
    expect(hover?.contents.value).toContain("bob");
  });

  it("refuses /dev/zero or a FIFO as the signing key of totem/sign", async () => {
    await client.change(uri, 2, [{ text: DEMO }]);
    const sign = (keyPath: string) => client.request<{ json: string | null; error?: string }>("totem/sign", { uri, keyPath });
    expect(await sign("/dev/zero")).toEqual({ json: null, error: "Cannot read /dev/zero: it is a character device, not a regular file." });
    const fifo = join(dir, "keys/pipe.pub");
    expect(await sign(fifo)).toEqual({ json: null, error: `Cannot read ${fifo}: it is a FIFO (named pipe), not a regular file.` });
  });
});

describe("simulate's inspections", () => {
  it("run through the shared runner: a background child the command leaves does not hold the request", async () => {
    const text = DEMO.replace('run "tar xzf demo-project.tar.gz"', `run "sh -c 'tar xzf demo-project.tar.gz; sleep 300 & exit 0'"`);
    await client.change(uri, 3, [{ text }]);
    const work = join(dir, "links");
    const start = performance.now();
    const r = await client.request<{ passed: boolean; failures: { stageName: string; code: string }[] }>("totem/simulate", {
      uri,
      linksDir: work,
      runInspections: true,
    });
    expect((performance.now() - start) / 1000).toBeLessThan(8);
    // The command ran and exited 0; the policy's `disallow "*"` then refuses the tarball left among
    // its products (as in custom-requests.test.ts).
    expect(r.failures.map((f) => `${f.stageName}:${f.code}`)).toEqual(["inspection-rules:rule-disallow"]);
  });
});

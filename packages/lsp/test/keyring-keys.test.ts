// GPG functionaries named by fingerprint from a keyring (`key gpg "FINGERPRINT" from "keyring.asc"`)
// in the editor: the server reads keyrings in the background (node-io's readKeyringKey, as the CLI),
// reports nothing for a reference while it is read, then publishes again with what it found. The
// keyring is made by the `gpg` binary in a throwaway GnuPG home (CI installs gnupg: .ci/run).
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Diagnostic, Hover } from "vscode-languageserver";
import { ThrowawayGnupg } from "../../../test/support/gnupg.js";
import { positionOf, startClient, type TestClient } from "./lsp-client.js";

const OTHER = "AB".repeat(20);

let client: TestClient;
let gnupg: ThrowawayGnupg | undefined;
let home: string;
let dir: string;
let fpr: string;

/** A policy whose functionaries name keys from keyrings; `signers` each sign one step. */
function policy(signers: { name: string; fingerprint: string; keyring: string }[]): string {
  const functionaries = signers.map((s) => `  functionary ${s.name} key gpg "${s.fingerprint}" from "${s.keyring}"`).join("\n");
  const steps = signers.map((s) => `  step by-${s.name} {\n    by ${s.name}\n    materials { disallow "*" }\n    products { disallow "*" }\n  }`).join("\n");
  return `layout "keyrings" {\n  expires "2030-01-01T00:00:00Z"\n${functionaries}\n\n${steps}\n}\n`;
}

const keyProblems = (ds: readonly Diagnostic[]) => ds.filter((d) => d.code === "key-unreadable" || d.code === "key-invalid");

/** The last diagnostics published for `uri` once `done` holds for them (the server publishes again after each read). */
async function publishedWhen(uri: string, done: (ds: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
  for (let i = 0; i < 200; i++) {
    const latest = client.published.filter((p) => p.uri === uri).at(-1);
    if (latest && done(latest.diagnostics)) return latest.diagnostics;
    await new Promise((r) => setTimeout(r, 25));
  }
  const latest = client.published.filter((p) => p.uri === uri).at(-1);
  throw new Error(`no such publication for ${uri}; the last: ${JSON.stringify(latest?.diagnostics.map((d) => d.message))}`);
}

async function hover(uri: string, text: string, needle: string): Promise<string> {
  const h = await client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position: positionOf(text, needle, 3) });
  return h ? (h.contents as { value: string }).value : "";
}

/** Hovers until the functionary's key is no longer being read; returns that hover. */
async function hoverWhenRead(uri: string, text: string, needle: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const h = await hover(uri, text, needle);
    if (!h.includes("is being read")) return h;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`the keyring of ${needle} is still being read`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "totem-lsp-keyrings-"));
  client = await startClient();
});
afterAll(async () => {
  await client.close();
  gnupg?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe("keys from a keyring that cannot be read", () => {
  it("reports a keyring path that does not exist as key-unreadable on the path, once read", async () => {
    const text = policy([{ name: "carl", fingerprint: OTHER, keyring: "missing.asc" }]);
    const uri = pathToFileURL(join(dir, "missing.totem")).href;
    await client.open(uri, text, 1);
    const ds = await publishedWhen(uri, (d) => keyProblems(d).length > 0);
    expect(keyProblems(ds).map((d) => [d.code, d.message])).toEqual([
      ["key-unreadable", 'The keyring "missing.asc" of functionary "carl" cannot be read: check the path (it is relative to the policy).'],
    ]);
    expect(keyProblems(ds)[0]?.range.start).toEqual(positionOf(text, '"missing.asc"'));
    expect(await hover(uri, text, "by carl")).toMatch(/key problem: cannot read .*missing\.asc: /);
  });
});

describe("keys from a keyring made by gpg", () => {
  beforeAll(() => {
    gnupg = new ThrowawayGnupg();
    home = gnupg.home;
    fpr = gnupg.newKey("alice <alice@example.org>");
    expect(fpr).toMatch(/^[0-9A-F]{40}$/);
    writeFileSync(join(dir, "keyring.asc"), gnupg.run(["--armor", "--export", fpr]));
  });

  it("reports nothing while reading, then key-invalid for a fingerprint the keyring lacks and nothing for one it holds", async () => {
    const text = policy([
      { name: "alice", fingerprint: fpr, keyring: "keyring.asc" },
      { name: "bob", fingerprint: OTHER, keyring: "keyring.asc" },
    ]);
    const uri = pathToFileURL(join(dir, "mixed.totem")).href;
    await client.open(uri, text, 1);
    // Published at once on didOpen, before any read ends: no key problem for a reference being read.
    expect(keyProblems(await client.diagnostics(uri, 1))).toEqual([]);
    const ds = await publishedWhen(uri, (d) => keyProblems(d).length > 0);
    expect(keyProblems(ds).map((d) => [d.code, d.message.split(":")[0]])).toEqual([["key-invalid", `GPG key ${OTHER} from "keyring.asc"`]]);
    expect(ds.find((d) => d.code === "key-invalid")?.message).toContain(`No OpenPGP key with fingerprint or keyid ${OTHER}`);
    // Alice's key was read: hover shows its keyid (the fingerprint, under every target) like any key's.
    const onAlice = await hoverWhenRead(uri, text, "by alice");
    expect(onAlice).not.toContain("key problem");
    expect(onAlice).toContain(`\`${fpr.toLowerCase()}\``);
    expect(onAlice).toContain("key type: eddsa");
    expect(onAlice).toContain(`GPG key "${fpr}" from keyring "keyring.asc"`);
  });

  it("compiles a policy whose keys all come from the keyring, the key under its fingerprint", async () => {
    const text = policy([{ name: "alice", fingerprint: fpr, keyring: "keyring.asc" }]);
    const uri = pathToFileURL(join(dir, "good.totem")).href;
    await client.open(uri, text, 1);
    await hoverWhenRead(uri, text, "by alice");
    expect(keyProblems(await publishedWhen(uri, () => true))).toEqual([]);
    const r = await client.request<{ json: string | null }>("totem/compiledLayout", { uri });
    expect(r.json).not.toBeNull();
    expect(Object.keys(JSON.parse(r.json as string).signed.keys)).toEqual([fpr.toLowerCase()]);
    // The editor's semantic diff lowers both versions with the same keyring keys.
    const diff = await client.request<{ markdown: string; error?: string }>("totem/diff", { oldText: text, newText: text.replace('products { disallow "*" }', 'products { allow "*" }'), uri });
    expect(diff.error).toBeUndefined();
    expect(diff.markdown.toLowerCase()).toContain("weaken");
  });

  it("reads a key from a GnuPG home through gpg, as the CLI does", async () => {
    const text = policy([{ name: "alice", fingerprint: fpr, keyring: home }]);
    const uri = pathToFileURL(join(dir, "home.totem")).href;
    await client.open(uri, text, 1);
    expect(await hoverWhenRead(uri, text, "by alice")).toContain(`\`${fpr.toLowerCase()}\``);
    const r = await client.request<{ json: string | null; diagnostics: Diagnostic[] }>("totem/compiledLayout", { uri });
    expect(keyProblems(r.diagnostics)).toEqual([]);
    expect(Object.keys(JSON.parse(r.json as string).signed.keys)).toEqual([fpr.toLowerCase()]);
  });

  it("reads a keyring again after it is created and the client reports it", async () => {
    const text = policy([{ name: "alice", fingerprint: fpr, keyring: "later.asc" }]);
    const uri = pathToFileURL(join(dir, "later.totem")).href;
    await client.open(uri, text, 1);
    await publishedWhen(uri, (d) => keyProblems(d).some((x) => x.code === "key-unreadable"));
    copyFileSync(join(dir, "keyring.asc"), join(dir, "later.asc"));
    await client.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: pathToFileURL(join(dir, "later.asc")).href, type: 1 }] });
    await publishedWhen(uri, (d) => keyProblems(d).length === 0);
    expect(await hoverWhenRead(uri, text, "by alice")).toContain(`\`${fpr.toLowerCase()}\``);
    const r = await client.request<{ json: string | null; diagnostics: Diagnostic[] }>("totem/compiledLayout", { uri });
    expect(keyProblems(r.diagnostics)).toEqual([]);
    expect(Object.keys(JSON.parse(r.json as string).signed.keys)).toEqual([fpr.toLowerCase()]);
  });
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO, DEMO_URI, FIXTURES, keylessPolicy } from "./fixtures.js";
import { startClient, type TestClient } from "./lsp-client.js";

let client: TestClient;
beforeAll(async () => {
  client = await startClient();
  await client.open(DEMO_URI, DEMO);
});
afterAll(() => client.close());

const KEYS = join(FIXTURES, "demo", "keys");

describe("requests behind the extension's commands", () => {
  it("signs the open policy with a private key file, then imports the signed layout back", async () => {
    const signed = await client.request<{ json: string | null; error?: string }>("totem/sign", { uri: DEMO_URI, keyPath: join(KEYS, "bob") });
    expect(signed.error).toBeUndefined();
    const env = JSON.parse(signed.json ?? "null");
    // bob's in-toto 1.3 keyid starts 5535c67f (the name of the link fixture he recorded).
    expect(env.signatures).toHaveLength(1);
    expect(env.signatures[0].keyid.startsWith("5535c67f")).toBe(true);

    const imported = await client.request<{ source: string; issues: unknown[]; error?: string }>("totem/import", { layoutText: signed.json, name: "demo" });
    expect(imported.error).toBeUndefined();
    expect(imported.source).toContain('layout "demo"');
    expect(imported.source).toMatch(/step clone \{/);
    expect(imported.source).toMatch(/inspection untar \{/);
  });

  it("explains what it cannot sign or import", async () => {
    const missing = await client.request<{ json: null; error: string }>("totem/sign", { uri: DEMO_URI, keyPath: join(KEYS, "nobody") });
    expect(missing.json).toBeNull();
    expect(missing.error).toMatch(/Cannot read/);
    const publicOnly = await client.request<{ json: null; error: string }>("totem/sign", { uri: DEMO_URI, keyPath: join(KEYS, "bob.pub") });
    expect(publicOnly.json).toBeNull();
    expect(publicOnly.error).toBeTruthy();
    const junk = await client.request<{ error: string }>("totem/import", { layoutText: "{ not json" });
    expect(junk.error).toMatch(/not a readable layout/);
  });

  it("imports an attestation layout (YAML) as totem import does, to a policy of target ite-10", async () => {
    const yaml = readFileSync(join(import.meta.dirname, "..", "..", "..", "examples", "gha-attestations", "layout.yml"), "utf8");
    const r = await client.request<{ source: string; issues: unknown[]; error?: string }>("totem/import", { layoutText: yaml, name: "release" });
    expect(r.error).toBeUndefined();
    expect(r.issues).toEqual([]);
    expect(r.source).toContain('target "ite-10"');
    expect(r.source).toContain("functionary release-workflow sigstore {");
    const bad = await client.request<{ error?: string }>("totem/import", { layoutText: "expires: 1\nsteps: []\n" });
    expect(bad.error).toMatch(/^not an attestation layout: /);
  });

  it("renders the semantic diff of two versions as markdown", async () => {
    const weaker = DEMO.replace('      disallow "*"\n    }\n  }\n\n  step package', '    }\n  }\n\n  step package');
    expect(weaker).not.toBe(DEMO);
    const r = await client.request<{ markdown: string; error?: string }>("totem/diff", { oldText: DEMO, newText: weaker, uri: DEMO_URI });
    expect(r.error).toBeUndefined();
    expect(r.markdown).toMatch(/clone/);
    expect(r.markdown.toLowerCase()).toContain("weaken");
    const broken = await client.request<{ markdown: string; error?: string }>("totem/diff", { oldText: DEMO, newText: "layout {", uri: DEMO_URI });
    expect(broken.error).toMatch(/The new version has errors/);
  });

  it("judges an ite-10 policy's attestation checks in the diff (a removed check weakens)", async () => {
    const policy = keylessPolicy([`check "predicate.buildDefinition.buildType == 'x'"`]);
    const weaker = policy.replace("      check \"predicate.buildDefinition.buildType == 'x'\"\n", "");
    expect(weaker).not.toBe(policy);
    const r = await client.request<{ markdown: string; error?: string }>("totem/diff", { oldText: policy, newText: weaker, uri: "untitled:r.totem" });
    expect(r.error).toBeUndefined();
    expect(r.markdown).toContain("**1 change");
    expect(r.markdown).toContain("removed: claims it refused are now accepted");
    expect(r.markdown.toLowerCase()).toContain("weaken");
  });
});

import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO, DEMO_URI, FIXTURES } from "./fixtures.js";
import { positionOf, startClient, type TestClient } from "./lsp-client.js";

interface Simulated {
  passed: boolean;
  error?: string;
  failures: { stageName: string; code: string; message: string; rule?: string; range?: { start: { line: number } } }[];
  trace: { step: string; side: string; rule: string; passed: boolean; message: string; range?: { start: { line: number } } }[];
  skippedInspections: { name: string }[];
}

const LINKS = join(FIXTURES, "demo", "links");
let client: TestClient;
let version = 1;
beforeAll(async () => {
  client = await startClient();
  await client.open(DEMO_URI, DEMO);
});
afterAll(() => client.close());

async function setText(text: string): Promise<void> {
  version++;
  await client.change(DEMO_URI, version, [{ text }]);
}

describe("totem/compiledLayout", () => {
  it("returns the unsigned layout with keys read relative to the document", async () => {
    await setText(DEMO);
    const r = await client.request<{ json: string | null; diagnostics: unknown[]; target: string }>("totem/compiledLayout", { uri: DEMO_URI });
    expect(r.target).toBe("in-toto-1.3");
    const env = JSON.parse(r.json ?? "null");
    expect(env.signatures).toEqual([]);
    expect(env.signed._type).toBe("layout");
    expect(env.signed.steps.map((s: { name: string }) => s.name)).toEqual(["clone", "package"]);
    expect(Object.keys(env.signed.keys)).toHaveLength(2);
    expect(env.signed.steps[1].expected_products).toEqual([["CREATE", "demo-project.tar.gz"], ["ALLOW", "README.md"], ["DISALLOW", "*"]]);
  });

  it("returns null and a key-unreadable diagnostic for a missing key file", async () => {
    await setText(DEMO.replace('"keys/carl.pub"', '"keys/nobody.pub"'));
    const r = await client.request<{ json: string | null; diagnostics: { code: string }[] }>("totem/compiledLayout", { uri: DEMO_URI });
    expect(r.json).toBeNull();
    expect(r.diagnostics.map((d) => d.code)).toContain("key-unreadable");
    // The same diagnostic is published, on the key path.
    const published = await client.diagnostics(DEMO_URI, version);
    const d = published.find((x) => x.code === "key-unreadable");
    expect(d?.range.start.line).toBe(positionOf(DEMO, "functionary carl").line);
  });
});

describe("totem/simulate", () => {
  it("passes the recorded links, maps each rule's trace to its line, and skips the inspection", async () => {
    await setText(DEMO);
    const r = await client.request<Simulated>("totem/simulate", { uri: DEMO_URI, linksDir: pathToFileURL(LINKS).href });
    expect(r.failures).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.skippedInspections.map((i) => i.name)).toEqual(["untar"]);
    const matchRule = r.trace.find((t) => t.step === "package" && t.side === "materials" && t.rule.startsWith("MATCH"));
    expect(matchRule?.message).toBe("consumed demo-project/foo.py");
    expect(matchRule?.range?.start.line).toBe(positionOf(DEMO, "match PROJECT").line);
  });

  it("reports a rule failure on the rule set use that spliced the failing rule", async () => {
    const text = DEMO.replace('create "demo-project.tar.gz"', 'create "other.tar.gz"');
    await setText(text);
    const r = await client.request<Simulated>("totem/simulate", { uri: DEMO_URI, linksDir: LINKS });
    expect(r.passed).toBe(false);
    expect(r.failures).toHaveLength(1);
    const f = r.failures[0];
    expect(f?.stageName).toBe("step-rules");
    expect(f?.rule).toBe("DISALLOW *");
    expect(f?.range?.start.line).toBe(positionOf(text, "use hygiene").line);
    expect(r.trace.some((t) => !t.passed && t.range?.start.line === positionOf(text, "use hygiene").line)).toBe(true);
  });

  it("runs inspections in a work folder only when asked, and maps their rule failures too", async () => {
    const work = mkdtempSync(join(tmpdir(), "totem-lsp-inspect-"));
    try {
      cpSync(LINKS, work, { recursive: true });
      await setText(DEMO);
      // The untar inspection extracts demo-project/foo.py; the tarball itself is left among its
      // products, and the policy's `disallow "*"` refuses it.
      const r = await client.request<Simulated>("totem/simulate", { uri: DEMO_URI, linksDir: work, runInspections: true });
      expect(r.skippedInspections).toEqual([]);
      expect(readdirSync(join(work, "demo-project"))).toEqual(["foo.py"]);
      expect(r.failures.map((f) => [f.stageName, f.rule, f.range?.start.line])).toEqual([
        ["inspection-rules", "DISALLOW *", positionOf(DEMO, '      allow "demo-project/*"\n      disallow "*"', 31).line],
      ]);

      // Again in a fresh folder (the first run left the extracted files behind, which would now be
      // materials), with the tarball allowed.
      rmSync(work, { recursive: true, force: true });
      cpSync(LINKS, work, { recursive: true });
      const allowed = DEMO.replace('      allow "demo-project/*"\n', '      allow "demo-project/*"\n      allow "demo-project.tar.gz"\n');
      await setText(allowed);
      const ok = await client.request<Simulated>("totem/simulate", { uri: DEMO_URI, linksDir: work, runInspections: true });
      expect(ok.failures).toEqual([]);
      expect(ok.passed).toBe(true);
      expect(ok.trace.some((t) => t.step === "untar" && t.message === "consumed demo-project/foo.py")).toBe(true);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it("explains why it cannot simulate: policy errors, a relative folder, a folder without links", async () => {
    await setText("layout {");
    expect((await client.request<Simulated>("totem/simulate", { uri: DEMO_URI, linksDir: LINKS })).error).toMatch(/has errors/);
    await setText(DEMO);
    expect((await client.request<Simulated>("totem/simulate", { uri: DEMO_URI, linksDir: "links" })).error).toMatch(/absolute/);
    const none = await client.request<Simulated>("totem/simulate", { uri: DEMO_URI, linksDir: FIXTURES });
    expect(none.passed).toBe(false);
    expect(none.failures[0]?.stageName).toBe("load-links");
  });
});

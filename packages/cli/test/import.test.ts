// `totem import` end to end through main(argv): the policy it writes (inline keys or key files),
// that `totem compile` turns it back into the same payload bytes, refusal of lossy imports, and
// exit 2 with nothing written for bad input.
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { canonicalString, layoutToJson, loadEnvelope } from "@totem/engine";
import { beforeEach, describe, expect, it } from "vitest";
import { listing, ROOT, runCli, tempDir } from "./run-cli.js";

const LAYOUTS = join(ROOT, "packages/dsl/test/fixtures/import/layouts");
const EXPECTED = join(ROOT, "packages/dsl/test/fixtures/import/expected");

function payload(path: string): string {
  const loaded = loadEnvelope(readFileSync(path), { expect: "layout" });
  if (!loaded.ok || loaded.value.type !== "layout") throw new Error(`${path} does not load`);
  return canonicalString(layoutToJson(loaded.value.layout));
}

let cwd: string;
beforeEach(() => {
  cwd = tempDir("totem-import-");
  for (const f of ["demo.layout", "everything.layout", "modern.dsse.layout", "lowercase-rules.layout"]) cpSync(join(LAYOUTS, f), join(cwd, f));
});

describe("totem import", () => {
  it("writes <name>.totem next to the current directory, with inline keys", async () => {
    const r = await runCli(["import", "demo.layout"], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "imported demo.layout → demo.totem: target in-toto-1.3 (2 of 2 keyids are computed the in-toto 1.3 way), 3 steps, 1 inspection, 0 key files\n",
    );
    expect(readFileSync(join(cwd, "demo.totem"), "utf8")).toBe(readFileSync(join(EXPECTED, "demo.totem"), "utf8"));
  });

  it("prints the policy with --stdout and writes nothing", async () => {
    const before = listing(cwd);
    const r = await runCli(["import", "--stdout", "modern.dsse.layout"], { cwd });
    expect(r).toEqual({ code: 0, stdout: readFileSync(join(EXPECTED, "modern.dsse.totem"), "utf8"), stderr: "" });
    expect(listing(cwd)).toEqual(before);
  });

  it("writes key files that the policy refers to, and compiles back to the same payload", async () => {
    const r = await runCli(["import", "everything.layout", "-o", "policy/root.totem", "--keys-dir", "policy/keys"], { cwd });
    expect(r.code).toBe(0);
    expect(listing(join(cwd, "policy", "keys"))).toHaveLength(4);
    const source = readFileSync(join(cwd, "policy", "root.totem"), "utf8");
    expect(source).toContain('functionary fetch_signer key "keys/fetch_signer.pub"');
    const compiled = await runCli(["compile", "policy/root.totem", "-o", "again.layout"], { cwd });
    expect(compiled.code).toBe(0);
    expect(payload(join(cwd, "again.layout"))).toBe(payload(join(cwd, "everything.layout")));
  });

  it("imports a DSSE layout Totem compiled and compiles it back to the same payload", async () => {
    const policy = readFileSync(join(ROOT, "packages/cli/test/fixtures/diff/new.totem"), "utf8").replace('target "in-toto-1.3"', 'target "in-toto"');
    writeFileSync(join(cwd, "modern.totem"), policy);
    const first = await runCli(["compile", "modern.totem", "--envelope", "dsse", "-o", "first.layout"], { cwd });
    expect(first.code).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, "first.layout"), "utf8")).payloadType).toBe("application/vnd.in-toto+json");
    const imported = await runCli(["import", "first.layout", "-o", "back.totem"], { cwd });
    expect(imported.code).toBe(0);
    expect(imported.stderr).toContain("target in-toto (2 of 2 keyids are computed the modern");
    const second = await runCli(["compile", "back.totem", "--envelope", "dsse", "-o", "second.layout"], { cwd });
    expect(second.code).toBe(0);
    expect(payload(join(cwd, "second.layout"))).toBe(payload(join(cwd, "first.layout")));
    expect(readFileSync(join(cwd, "second.layout"), "utf8")).toBe(readFileSync(join(cwd, "first.layout"), "utf8"));
  });

  it("refuses a layout it cannot reproduce byte for byte, unless --allow-lossy", async () => {
    const before = listing(cwd);
    const refused = await runCli(["import", "lowercase-rules.layout"], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("error[import-payload-changed] $.steps[0].expected_products[0][0]");
    expect(refused.stderr).toContain("nothing was written (--allow-lossy writes it anyway)");
    expect(listing(cwd)).toEqual(before);
    const lossy = await runCli(["import", "lowercase-rules.layout", "--allow-lossy"], { cwd });
    expect(lossy.code).toBe(0);
    expect(readFileSync(join(cwd, "lowercase-rules.totem"), "utf8")).toContain('create "app"');
  });

  it("does not overwrite an existing policy without --force", async () => {
    writeFileSync(join(cwd, "demo.totem"), "# mine\n");
    const r = await runCli(["import", "demo.layout"], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("demo.totem already exists; pass --force to overwrite it");
    expect(readFileSync(join(cwd, "demo.totem"), "utf8")).toBe("# mine\n");
    expect((await runCli(["import", "demo.layout", "--force"], { cwd })).code).toBe(0);
  });

  it("exits 2 with a clear message and writes nothing for bad input", async () => {
    writeFileSync(join(cwd, "garbage.layout"), "not json at all");
    writeFileSync(join(cwd, "float.layout"), readFileSync(join(cwd, "demo.layout"), "utf8").replace('"threshold": 1', '"threshold": 1.0'));
    const before = listing(cwd);
    const runs = await Promise.all([
      runCli(["import", "missing.layout"], { cwd }),
      runCli(["import", "garbage.layout"], { cwd }),
      runCli(["import", "float.layout"], { cwd }),
      runCli(["import", "demo.layout", "--stdout", "-o", "x.totem"], { cwd }),
      runCli(["import", "demo.layout", "--target", "in-toto-2"], { cwd }),
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2, 2]);
    for (const r of runs) expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(runs[1]!.stderr).toContain("garbage.layout is not a readable signed layout");
    expect(runs[2]!.stderr).toContain("float.layout is not a readable signed layout");
    expect(listing(cwd)).toEqual(before);
    expect(existsSync(join(cwd, "x.totem"))).toBe(false);
  });
});

// `totem compile` for target "ite-10": a policy becomes attestation-verifier's YAML, which
// `totem verify --attestations` verifies; examples/gha-attestations/layout.yml is release.totem compiled.
// `totem import` of such a YAML layout writes a policy that compiles back to the same bytes.
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { ROOT, runCli, tempDir } from "./run-cli.js";

const EXAMPLE = join(ROOT, "examples/gha-attestations");
let cwd: string;
beforeEach(() => {
  cwd = tempDir();
  cpSync(EXAMPLE, cwd, { recursive: true });
});

const verify = (layout: string) =>
  runCli(["verify", "--layout", layout, "--attestations", "attestations", "--substitute-parameters", "parameters.json", "--trusted-root", "trusted_root.json"], { cwd });

describe("totem compile, target ite-10", () => {
  it("writes examples/gha-attestations/layout.yml from release.totem byte for byte, unsigned", async () => {
    const r = await runCli(["compile", "release.totem", "-o", "out.yml"], { cwd });
    expect([r.code, r.stdout]).toEqual([0, ""]);
    // The one lint: an expiry ten years ahead (expiry-too-far, info).
    expect(r.stderr.split("\n").filter((l) => /^release\.totem:\d+:\d+: /.test(l)).map((l) => l.split(" ")[1])).toEqual(["info[expiry-too-far]"]);
    expect(r.stderr).toMatch(/\ncompiled release\.totem → out\.yml: target ite-10, 4 steps, 3 functionaries, expires 2036-01-01T00:00:00Z, unsigned \(an attestation-verifier layout\)\n$/);
    expect(readFileSync(join(cwd, "out.yml"), "utf8")).toBe(readFileSync(join(EXAMPLE, "layout.yml"), "utf8"));
  });

  it("writes a layout that totem verify --attestations accepts", async () => {
    expect((await runCli(["compile", "release.totem"], { cwd })).code).toBe(0);
    const r = await verify("release.yml");
    expect([r.code, r.stderr]).toEqual([0, ""]);
  });

  it("refuses signing flags: attestation layouts are plain YAML", async () => {
    const r = await runCli(["compile", "release.totem", "--key", "keys/ci"], { cwd });
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining("is not signed")]);
  });

  it("refuses --target ite-10 for a policy written for another target", async () => {
    writeFileSync(join(cwd, "release.totem"), readFileSync(join(cwd, "release.totem"), "utf8").replace('target "ite-10"', 'target "in-toto"'));
    const r = await runCli(["compile", "release.totem", "--target", "ite-10"], { cwd });
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('add target "ite-10"')]);
  });

  it("fails a policy using attestations with another target, saying how to fix it", async () => {
    writeFileSync(join(cwd, "release.totem"), readFileSync(join(cwd, "release.totem"), "utf8").replace('target "ite-10"', 'target "in-toto"'));
    const r = await runCli(["compile", "release.totem", "-o", "x.layout"], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("attestation-target");
    expect(r.stderr).toContain('write `target "ite-10"`');
  });

  it("reports a CEL error inside a check's string", async () => {
    writeFileSync(join(cwd, "release.totem"), readFileSync(join(cwd, "release.totem"), "utf8").replace("predicate.result == 'PASSED'", "predicate.result == == 'PASSED'"));
    const r = await runCli(["compile", "release.totem"], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/invalid-cel/);
  });
});

describe("totem import of an attestation layout", () => {
  it("writes a policy that totem compile turns back into the same bytes", async () => {
    const imported = await runCli(["import", "layout.yml", "-o", "imported.totem"], { cwd });
    expect([imported.code, imported.stderr]).toEqual([0, "imported layout.yml → imported.totem: target ite-10, 4 steps, 3 functionaries\n"]);
    expect(readFileSync(join(cwd, "imported.totem"), "utf8")).toContain('target "ite-10"');
    expect((await runCli(["compile", "imported.totem", "-o", "again.yml"], { cwd })).code).toBe(0);
    expect(readFileSync(join(cwd, "again.yml"), "utf8")).toBe(readFileSync(join(cwd, "layout.yml"), "utf8"));
  });

  it("prints the policy with --stdout and refuses a layout it cannot write exactly", async () => {
    const out = await runCli(["import", "layout.yml", "--stdout"], { cwd });
    expect([out.code, out.stdout]).toEqual([0, expect.stringContaining("functionary release-workflow sigstore {")]);
    writeFileSync(join(cwd, "odd.yml"), readFileSync(join(cwd, "layout.yml"), "utf8").replace("MATCH app WITH products FROM build", "match app with PRODUCTS from build"));
    const odd = await runCli(["import", "odd.yml"], { cwd });
    expect([odd.code, odd.stderr]).toEqual([1, expect.stringContaining("import-attestation-rule")]);
  });

  it("reports a YAML file that is no attestation layout as unreadable input", async () => {
    writeFileSync(join(cwd, "bad.yml"), "steps: 3\n");
    const r = await runCli(["import", "bad.yml"], { cwd });
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining("is not an attestation layout")]);
  });
});

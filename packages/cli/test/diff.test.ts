// `totem diff` end to end through main(argv): policies and signed layouts on either side, the three
// formats as golden files, --fail-on-weaken, and exit 2 for unreadable input.
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { FIXTURES, ROOT, runCli, tempDir } from "./run-cli.js";

const DIFF = join(FIXTURES, "diff");
const LAYOUTS = join(ROOT, "packages/dsl/test/fixtures/import/layouts");

function golden(name: string, actual: string): void {
  const path = join(DIFF, "golden", name);
  if (process.env.TOTEM_UPDATE_GOLDEN === "1" || !existsSync(path)) writeFileSync(path, actual);
  expect(actual, `golden ${name} (TOTEM_UPDATE_GOLDEN=1 rewrites it)`).toBe(readFileSync(path, "utf8"));
}

let cwd: string;
beforeEach(() => {
  cwd = tempDir("totem-diff-");
  cpSync(DIFF, cwd, { recursive: true });
  cpSync(join(LAYOUTS, "demo.layout"), join(cwd, "demo.layout"));
  cpSync(join(LAYOUTS, "everything.layout"), join(cwd, "everything.layout"));
});

describe("totem diff", () => {
  it("prints each change of two policies with its classification", async () => {
    const r = await runCli(["diff", "old.totem", "new.totem"], { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    golden("old-new.txt", r.stdout);
  });

  it("colours classifications only on a terminal", async () => {
    const tty = await runCli(["diff", "old.totem", "new.totem"], { cwd, tty: true });
    const noColor = await runCli(["diff", "old.totem", "new.totem"], { cwd, tty: true, env: { NO_COLOR: "1" } });
    expect(tty.stdout).toContain("\u001b[31mweakens");
    expect(tty.stdout).toContain("\u001b[32mstrengthens");
    expect(noColor.stdout).toBe(readFileSync(join(DIFF, "golden", "old-new.txt"), "utf8"));
  });

  it("renders markdown for a pull-request comment and documented JSON", async () => {
    const md = await runCli(["diff", "old.totem", "new.totem", "--format", "markdown"], { cwd });
    const json = await runCli(["diff", "old.totem", "new.totem", "--format", "json"], { cwd });
    expect([md.code, json.code]).toEqual([0, 0]);
    golden("old-new.md", md.stdout);
    golden("old-new.json", json.stdout);
    expect(JSON.parse(json.stdout).summary).toEqual({ weakens: 3, mixed: 0, undetermined: 0, strengthens: 1, neutral: 0 });
  });

  it("links markdown rows to the policy lines they come from", async () => {
    const md = await runCli(["diff", "old.totem", "new.totem", "--format", "markdown", "--link-new", "https://example.org/new.totem", "--link-old", "https://example.org/old.totem"], { cwd });
    expect(md.code).toBe(0);
    expect(md.stdout).toContain("| ⚠️ weakens | [step build](https://example.org/new.totem#L24) | threshold 2 → 1");
    expect(md.stdout).toContain('[step build products rule 2](https://example.org/new.totem#L30) | ALLOW "dist/\\*.sig" added');
  });

  it("passes the documented CI check on an unchanged policy with a relative expiry", async () => {
    const relative = readFileSync(join(cwd, "old.totem"), "utf8").replace('expires "2030-01-01T00:00:00Z"', "expires in 180d");
    writeFileSync(join(cwd, "root.totem"), relative);
    expect((await runCli(["keygen", "owner"], { cwd })).code).toBe(0);
    const compiled = await runCli(["compile", "root.totem", "-o", "root.layout", "--key", "owner", "--now", "2026-01-01T00:00:00Z"], { cwd });
    expect(compiled.code).toBe(0);
    // The clock of this run (2026-06-01) is not the compile time: the layout's own reference time is used.
    const ci = await runCli(["diff", "root.layout", "root.totem", "--fail-on-weaken"], { cwd });
    expect(ci).toEqual({ code: 0, stdout: "No semantic changes.\n", stderr: "" });
    const now = await runCli(["diff", "root.layout", "root.totem", "--fail-on-weaken", "--now", "2026-06-01T00:00:00Z"], { cwd });
    expect(now.code).toBe(1);
    expect(now.stdout).toContain("expiry extended 2026-06-30T00:00:00Z → 2026-11-28T00:00:00Z");
    // Two policies with the same relative expiry never differ, whatever the clock.
    const same = await runCli(["diff", "root.totem", "root.totem", "--fail-on-weaken"], { cwd });
    expect(same.stdout).toBe("No semantic changes.\n");
  });

  it("fails --fail-on-weaken on a change whose effect is not determined", async () => {
    const changed = readFileSync(join(cwd, "old.totem"), "utf8").replace('run "tar tzf dist/app.tar.gz"', 'run "true"');
    writeFileSync(join(cwd, "run.totem"), changed);
    const r = await runCli(["diff", "old.totem", "run.totem", "--fail-on-weaken"], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("undetermined  inspection verify-tarball: the verifier now runs");
  });

  it("finds no change when only formatting, comments, constants and rule sets differ", async () => {
    const r = await runCli(["diff", "old.totem", "refactored.totem"], { cwd });
    expect(r).toEqual({ code: 0, stdout: "No semantic changes.\n", stderr: "" });
  });

  it("exits 1 with --fail-on-weaken when a change weakens the policy, 0 otherwise", async () => {
    const weak = await runCli(["diff", "old.totem", "new.totem", "--fail-on-weaken"], { cwd });
    const strong = await runCli(["diff", "new.totem", "old.totem", "--fail-on-weaken", "--format", "json"], { cwd });
    expect(weak.code).toBe(1);
    expect(JSON.parse(strong.stdout).summary).toEqual({ weakens: 1, mixed: 0, undetermined: 0, strengthens: 3, neutral: 0 });
    expect(strong.code).toBe(1);
    const none = await runCli(["diff", "old.totem", "refactored.totem", "--fail-on-weaken"], { cwd });
    expect(none.code).toBe(0);
  });

  it("judges the attestations of a target ite-10 policy: a widened keyless identity and a check made warn-only weaken", async () => {
    const dir = tempDir();
    cpSync(join(ROOT, "examples", "gha-attestations"), dir, { recursive: true });
    const policy = readFileSync(join(dir, "release.totem"), "utf8");
    const edited = policy
      .replace('identity "https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.4.0"', 'identity-pattern "https://github.com/acme/app/.github/workflows/release.yml@refs/tags/*"')
      .replace(`check "predicate.result == 'PASSED'"`, `check "predicate.result == 'PASSED'" warn`);
    expect(edited).not.toBe(policy);
    writeFileSync(join(dir, "edited.totem"), edited);
    const same = await runCli(["diff", "release.totem", "release.totem", "--fail-on-weaken"], { cwd: dir });
    expect([same.code, same.stdout]).toEqual([0, "No semantic changes.\n"]);
    const r = await runCli(["diff", "release.totem", "edited.totem", "--format", "json", "--fail-on-weaken"], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const changes = (JSON.parse(r.stdout) as { changes: { kind: string; subject: string; classification: string }[] }).changes;
    expect(changes.map((c) => `${c.classification} ${c.kind} ${c.subject}`)).toEqual([
      "weakens identity-changed functionary release-workflow",
      "weakens check-changed step test attestation https://in-toto.io/attestation/test-result/v0.1",
    ]);
    // The compiled attestation layouts (YAML) diff the same, and a policy against its own layout.yml finds nothing.
    expect((await runCli(["compile", "edited.totem", "-o", "edited.yml"], { cwd: dir })).code).toBe(0);
    const yaml = await runCli(["diff", "layout.yml", "edited.yml", "--format", "json"], { cwd: dir });
    expect(yaml.code, yaml.stderr).toBe(0);
    expect((JSON.parse(yaml.stdout) as { changes: { kind: string; subject: string }[] }).changes.map((c) => `${c.kind} ${c.subject}`)).toEqual([
      "identity-changed functionary release-workflow",
      "check-changed step test attestation https://in-toto.io/attestation/test-result/v0.1",
    ]);
    const own = await runCli(["diff", "release.totem", "layout.yml"], { cwd: dir });
    expect([own.code, own.stdout, own.stderr]).toEqual([0, "No semantic changes.\n", ""]);
  });

  it("compares a signed layout with the policy imported from it and finds nothing", async () => {
    const imported = await runCli(["import", "demo.layout", "-o", "demo.totem"], { cwd });
    expect(imported.code).toBe(0);
    const r = await runCli(["diff", "demo.layout", "demo.totem"], { cwd });
    expect(r).toEqual({ code: 0, stdout: "No semantic changes.\n", stderr: "" });
  });

  it("compares two signed layouts", async () => {
    const r = await runCli(["diff", "demo.layout", "everything.layout", "--format", "json"], { cwd });
    expect(r.code).toBe(0);
    const kinds = JSON.parse(r.stdout).changes.map((c: { kind: string; subject: string }) => `${c.kind} ${c.subject}`);
    expect(kinds).toContain("item-removed step clone");
    expect(kinds).toContain("item-added step build");
  });

  it("exits 2 for a missing file, a malformed layout, a policy with errors and a bad format", async () => {
    writeFileSync(join(cwd, "bad.layout"), '{"signed": {"_type": "layout"');
    const missing = await runCli(["diff", "nope.totem", "new.totem"], { cwd });
    const malformed = await runCli(["diff", "bad.layout", "new.totem"], { cwd });
    const broken = await runCli(["diff", "old.totem", "broken.totem"], { cwd });
    const format = await runCli(["diff", "old.totem", "new.totem", "--format", "html"], { cwd });
    expect([missing.code, malformed.code, broken.code, format.code]).toEqual([2, 2, 2, 2]);
    expect(missing.stdout + malformed.stdout + broken.stdout + format.stdout).toBe("");
    expect(malformed.stderr).toContain("bad.layout is not a readable signed layout");
    expect(broken.stderr).toContain("unknown-functionary");
    expect(broken.stderr).toContain("broken.totem has errors; fix them before diffing it");
  });
});

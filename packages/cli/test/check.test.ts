// `totem check`: code frames (golden), summary, exit codes, JSON shape (golden), colour rules, and
// every bad input (missing file, bad flag values) exiting 2 with one clear line.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, expectGolden, runCli, tempDir } from "./run-cli.js";

let cwd: string;
beforeAll(() => {
  cwd = tempDir();
  cpSync(join(FIXTURES, "policies"), cwd, { recursive: true });
});

describe("totem check", () => {
  it("passes a clean policy with exit 0 and says so", async () => {
    const r = await runCli(["check", "root.totem"], { cwd });
    expect(r).toEqual({ code: 0, stdout: "", stderr: "1 file checked: no problems\n" });
  });

  it("prints code frames for errors and exits 1", async () => {
    const r = await runCli(["check", "errors.totem", "warnings.totem"], { cwd });
    expect(r.code).toBe(1);
    expectGolden("check-errors.txt", r.stdout);
    expect(r.stderr).toMatch(/^\d+ errors?, \d+ warnings? in 2 files\n$/);
  });

  it("reports syntax errors as code frames", async () => {
    const r = await runCli(["check", "syntax.totem"], { cwd });
    expect(r.code).toBe(1);
    expectGolden("check-syntax.txt", r.stdout);
  });

  it("exits 0 with warnings alone, and 1 past --max-warnings", async () => {
    const lenient = await runCli(["check", "warnings.totem"], { cwd });
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain("warning[missing-trailing-disallow]");
    const strict = await runCli(["check", "warnings.totem", "--max-warnings", "0"], { cwd });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain("more than --max-warnings 0");
  });

  it("warns about a layout that expires soon, relative to --now", async () => {
    const soon = await runCli(["check", "root.totem", "--now", "2026-12-20T00:00:00Z"], { cwd });
    expect(soon.stdout).toMatch(/warning\[[a-z-]*expir[a-z-]*\]/);
    const later = await runCli(["check", "root.totem", "--now", "2026-12-20T00:00:00Z", "--expiry-warning", "5"], { cwd });
    expect(later.stdout).toBe("");
  });

  it("reads key files relative to the policy, and reports one it cannot read", async () => {
    const above = await runCli(["check", join(cwd, "root.totem")], { cwd: tempDir() });
    expect(above.code, above.stdout).toBe(0);
    mkdirSync(join(cwd, "nokeys"));
    cpSync(join(cwd, "root.totem"), join(cwd, "nokeys", "root.totem"));
    const missing = await runCli(["check", "nokeys/root.totem"], { cwd });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/^nokeys\/root\.totem:6:23: error\[key-unreadable\] /);
  });

  it("writes the documented JSON document", async () => {
    const r = await runCli(["check", "errors.totem", "warnings.totem", "root.totem", "--format", "json"], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    expectGolden("check.json", r.stdout);
    const doc = JSON.parse(r.stdout);
    expect(doc.version).toBe(1);
    expect(doc.files.map((f: { path: string }) => f.path)).toEqual(["errors.totem", "warnings.totem", "root.totem"]);
  });

  it("colours code frames only on a TTY without NO_COLOR", async () => {
    const tty = await runCli(["check", "errors.totem"], { cwd, tty: true });
    expect(tty.stdout).toContain("\u001b[31m");
    const noColor = await runCli(["check", "errors.totem"], { cwd, tty: true, env: { NO_COLOR: "1" } });
    expect(noColor.stdout).not.toContain("\u001b[");
    expect(noColor.stdout).toBe(tty.stdout.replace(/\u001b\[\d+m/g, ""));
  });

  const bad: [string, string[], string][] = [
    ["a missing file", ["check", "nope.totem"], "totem: cannot read policy 'nope.totem': no such file or directory\n"],
    ["a directory", ["check", "keys"], "totem: cannot read policy 'keys': it is a directory, not a file\n"],
    ["a bad --now", ["check", "root.totem", "--now", "tomorrow"], "totem: --now 'tomorrow' is not a time: give an RFC 3339 date-time like 2026-01-01T00:00:00Z or @<unix seconds>\n"],
    ["a bad --expiry-warning", ["check", "root.totem", "--expiry-warning", "-3"], "totem: error: option '--expiry-warning <days>' argument '-3' is invalid. --expiry-warning expects a whole number.\n(see totem check --help)\n"],
  ];
  it.each(bad)("exits 2 on %s with one clear line and no report", async (_what, argv, stderr) => {
    const r = await runCli(argv, { cwd });
    expect(r).toEqual({ code: 2, stdout: "", stderr });
  });

  it("refuses a file that is not UTF-8", async () => {
    writeFileSync(join(cwd, "latin1.totem"), Buffer.from('layout "caf\xe9" {}\n', "latin1"));
    const r = await runCli(["check", "root.totem", "latin1.totem"], { cwd });
    expect(r).toEqual({ code: 2, stdout: "", stderr: "totem: cannot read policy 'latin1.totem': it is not valid UTF-8 text\n" });
  });

  it("honours SOURCE_DATE_EPOCH as the time", async () => {
    const epoch = String(Date.parse("2026-12-20T00:00:00Z") / 1000);
    const viaEnv = await runCli(["check", "root.totem"], { cwd, env: { SOURCE_DATE_EPOCH: epoch } });
    const viaFlag = await runCli(["check", "root.totem", "--now", `@${epoch}`], { cwd });
    expect(viaEnv).toEqual(viaFlag);
    expect(viaEnv.stdout).not.toBe("");
  });
});

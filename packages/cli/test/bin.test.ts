// The bundled program end to end (packages/cli/bin/totem.js → dist/totem.mjs), as users and CI run it:
// real exit codes, no stack trace for bad input, plain output when piped.
import { spawnSync } from "node:child_process";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, ROOT, runBinary, tempDir, requireBundle } from "./run-cli.js";

let cwd: string;
beforeAll(() => {
  requireBundle();
  cwd = tempDir();
  cpSync(join(FIXTURES, "policies"), cwd, { recursive: true });
}, 60_000);

describe("the totem binary", () => {
  it("prints its version", () => {
    expect(runBinary(["--version"], cwd)).toEqual({ code: 0, stdout: "0.1.0\n", stderr: "" });
  });

  it("exits 2 on an unknown flag, 2 on a missing file, 1 on policy errors; never a stack trace", () => {
    const flag = runBinary(["check", "--bogus", "root.totem"], cwd);
    const missing = runBinary(["compile", "nope.totem"], cwd);
    const errors = runBinary(["check", "errors.totem"], cwd);
    expect([flag.code, missing.code, errors.code]).toEqual([2, 2, 1]);
    for (const r of [flag, missing, errors]) expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(errors.stdout).not.toContain("\u001b[");
  });

  it("ends quietly when its reader closes the pipe early", () => {
    const files = Array.from({ length: 300 }, () => "errors.totem").join(" ");
    const bin = join(ROOT, "packages/cli/bin/totem.js");
    const r = spawnSync("sh", ["-c", `"${process.execPath}" "${bin}" check --format json ${files} | head -c 10`], { cwd, encoding: "utf8" });
    expect(r.stdout).toBe('{\n  "versi');
    expect(r.stderr).toBe("");
  });

  it("compiles and signs a policy", () => {
    const r = runBinary(["compile", "root.totem", "-k", "keys/owner", "--now", "2026-06-01T00:00:00Z"], cwd);
    expect(r.code, r.stderr).toBe(0);
    expect(runBinary(["sign", "root.layout", "-k", "keys/owner-rsa"], cwd).code).toBe(0);
  });
});

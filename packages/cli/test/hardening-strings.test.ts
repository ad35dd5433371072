// A policy string with a lone surrogate (issue 13, "Inputs"): before, it checked clean and compiled
// into a signed layout nobody could read. Now `check` and `compile` report `lone-surrogate` on the
// escape, and compile writes nothing.
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { FIXTURES, listing, runCli, tempDir } from "./run-cli.js";

let cwd: string;
beforeEach(() => {
  cwd = tempDir("totem-strings-");
  cpSync(join(FIXTURES, "policies"), cwd, { recursive: true });
});

describe("a lone surrogate in a policy string", () => {
  it("is an error of check and compile, with its line and column, and nothing is written", async () => {
    writeFileSync(join(cwd, "half.totem"), 'layout "half" {\n  expires "2027-01-01T00:00:00Z"\n  readme "a \\u{D800} b"\n}\n');
    const check = await runCli(["check", "half.totem"], { cwd });
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("half.totem:3:13: error[lone-surrogate] U+D800 is a lone surrogate, not a character");
    const before = listing(cwd);
    const compile = await runCli(["compile", "half.totem", "-k", "keys/owner", "--now", "2026-06-01T00:00:00Z"], { cwd });
    expect(compile.code).toBe(1);
    expect(compile.stderr).toContain("error[lone-surrogate]");
    expect(compile.stderr).toContain("totem: half.totem has errors; no layout was written\n");
    expect(listing(cwd)).toEqual(before);
  });
});

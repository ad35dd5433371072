// `totem fmt`: rewrites in place (idempotent), --check lists without writing, syntax errors leave the
// file untouched, unreadable files exit 2.
import { cpSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { format } from "@totem/dsl";
import { beforeEach, describe, expect, it } from "vitest";
import { FIXTURES, expectGolden, listing, runCli, tempDir } from "./run-cli.js";

let cwd: string;
beforeEach(() => {
  cwd = tempDir();
  cpSync(join(FIXTURES, "policies"), cwd, { recursive: true });
});

const read = (f: string) => readFileSync(join(cwd, f), "utf8");

describe("totem fmt", () => {
  it("rewrites an unformatted file in place, keeping its mode, and a second run changes nothing", async () => {
    const before = read("unformatted.totem");
    const mode = statSync(join(cwd, "unformatted.totem")).mode;
    const first = await runCli(["fmt", "unformatted.totem", "root.totem"], { cwd });
    expect(first).toEqual({ code: 0, stdout: "", stderr: "formatted unformatted.totem\n" });
    expect(read("unformatted.totem")).toBe(format(before));
    expect(statSync(join(cwd, "unformatted.totem")).mode).toBe(mode);
    expectGolden("fmt-unformatted.totem", read("unformatted.totem"));
    const again = await runCli(["fmt", "unformatted.totem"], { cwd });
    expect(again).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("--check lists unformatted files, exits 1 and writes nothing", async () => {
    const files = listing(cwd);
    const before = read("unformatted.totem");
    const r = await runCli(["fmt", "--check", "root.totem", "unformatted.totem"], { cwd });
    expect(r).toEqual({
      code: 1,
      stdout: "unformatted.totem\n",
      stderr: "totem: the files above are not formatted; run `totem fmt` on them\n",
    });
    expect(read("unformatted.totem")).toBe(before);
    expect(listing(cwd)).toEqual(files);
  });

  it("--check passes formatted files", async () => {
    expect(await runCli(["fmt", "--check", "root.totem"], { cwd })).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("leaves a file with syntax errors untouched and exits 1 with its code frames", async () => {
    const before = read("syntax.totem");
    const files = listing(cwd);
    const r = await runCli(["fmt", "syntax.totem"], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expectGolden("fmt-syntax.txt", r.stderr);
    expect(read("syntax.totem")).toBe(before);
    expect(listing(cwd)).toEqual(files);
  });

  it("exits 2 on a missing file before formatting any", async () => {
    const before = read("unformatted.totem");
    const r = await runCli(["fmt", "unformatted.totem", "missing.totem"], { cwd });
    expect(r).toEqual({ code: 2, stdout: "", stderr: "totem: cannot read policy 'missing.totem': no such file or directory\n" });
    expect(read("unformatted.totem")).toBe(before);
  });
});

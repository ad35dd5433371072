// Every message, report and SARIF location prints a path the way the user gave it: relative stays
// relative (also outside the working directory), absolute stays absolute; a path the CLI derives (the
// policy beside a layout, a test file found in a folder, a link in --links) is shown from what it
// was derived from.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, runCli, tempDir } from "./run-cli.js";

const NOW = "2026-06-01T00:00:00Z";
/** One step that creates a.txt: its products rule (line 8, column 32) refuses b.txt. */
const POLICY = readFileSync(join(FIXTURES, "located", "root.totem"), "utf8");

/** The working directory (`cwd`) and a folder beside it (`x`), reached as `../x` or by its absolute path. */
let cwd: string;
let x: string;

beforeAll(async () => {
  const base = tempDir("totem-paths-");
  cwd = join(base, "work");
  x = join(base, "x");
  mkdirSync(cwd);
  mkdirSync(join(x, "keys"), { recursive: true });
  writeFileSync(join(x, "root.totem"), POLICY);
  copyFileSync(join(FIXTURES, "policies", "errors.totem"), join(x, "errors.totem"));
  for (const k of ["owner", "bob"]) expect((await runCli(["keygen", `../x/keys/${k}`], { cwd })).code).toBe(0);
  const compiled = await runCli(["compile", "../x/root.totem", "-k", "../x/keys/owner", "-o", "../x/root.layout", "--now", NOW], { cwd });
  expect(compiled.code, compiled.stderr).toBe(0);
  writeFileSync(join(x, "a.txt"), "a");
  writeFileSync(join(x, "b.txt"), "b");
  // b.txt is not created by the policy: verification fails at the write step's products rule.
  expect((await runCli(["run", "-n", "write", "-k", "keys/bob", "-p", "a.txt", "-p", "b.txt", "--", "true"], { cwd: x })).code).toBe(0);
});

/** The two ways of naming x's files: relative from the working directory and absolute. */
const forms = () => [
  { form: "relative", at: "../x" },
  { form: "absolute", at: x },
];

describe("paths printed as given", () => {
  it("keeps a relative path outside the working directory relative in write messages", async () => {
    const r = await runCli(["keygen", "../x/keys/carl"], { cwd });
    expect(r.stderr).toContain("wrote ../x/keys/carl (private, ed25519, securesystemslib) and ../x/keys/carl.pub\n");
    const again = await runCli(["compile", "../x/root.totem", "-o", "../x/again.layout", "--now", NOW], { cwd });
    expect(again.stderr).toContain("compiled ../x/root.totem → ../x/again.layout: ");
  });

  it("keeps an absolute path inside the working directory absolute", async () => {
    writeFileSync(join(cwd, "inside.totem"), POLICY.replace('"keys/bob.pub"', '"../x/keys/bob.pub"'));
    const r = await runCli(["compile", join(cwd, "inside.totem"), "-o", join(cwd, "inside.layout"), "--now", NOW], { cwd });
    expect(r.stderr).toContain(`compiled ${join(cwd, "inside.totem")} → ${join(cwd, "inside.layout")}: `);
  });

  it("shows check's code frames, JSON and SARIF locations as the path was given", async () => {
    for (const { at } of forms()) {
      const file = `${at}/errors.totem`;
      const text = await runCli(["check", file], { cwd });
      expect(text.stdout).toContain(`${file}:10:8`);
      const json = JSON.parse((await runCli(["check", file, "--format", "json"], { cwd })).stdout);
      expect(json.files[0].path).toBe(file);
      const sarif = JSON.parse((await runCli(["check", file, "--format", "sarif"], { cwd })).stdout);
      const location = sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation;
      expect(location.uri).toBe(at === x ? `file://${file}` : file);
    }
  });

  it("shows the policy beside a layout from the layout's path, and links from --links", async () => {
    for (const { at } of forms()) {
      const args = ["verify", "-l", `${at}/root.layout`, "-k", `${at}/keys/owner.pub`, "-d", at, "--now", NOW, "--no-inspection-links"];
      const text = await runCli(args, { cwd });
      expect(text.code).toBe(1);
      expect(text.stdout).toContain(`${at}/root.layout`);
      expect(text.stdout).toContain(`\n    at ${at}/root.totem:8:32\n`);
      const json = JSON.parse((await runCli([...args, "--json"], { cwd })).stdout);
      expect(json.failures[0].source.file).toBe(`${at}/root.totem`);
    }
  });

  it("names a policy test found in a folder from the folder as given", async () => {
    writeFileSync(join(x, "root.totem-test"), ['test "b.txt is refused" {', '  step write { by bob produces "a.txt" "b.txt" }', "  expect fail rule-disallow at write products", "}", ""].join("\n"));
    for (const { at } of forms()) {
      const r = await runCli(["test", at, "--format", "json", "--now", NOW], { cwd });
      const report = JSON.parse(r.stdout);
      expect(report.files.map((f: { file: string; policy: string }) => [f.file, f.policy])).toEqual([[`${at}/root.totem-test`, `${at}/root.totem`]]);
    }
  });

  it("names an unreadable input as it was typed", async () => {
    const r = await runCli(["check", "../x/missing.totem"], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'../x/missing.totem'");
  });
});

// Names with control characters (issue 13, "Inputs"): a layout is untrusted, and a step named with ESC
// or CR could recolour, clear or rewrite the terminal of whoever runs `totem verify` or `totem diff`.
// Their text output shows such characters as escapes (escapeForTerminal), never raw; `totem import`
// (a git textconv driver) writes them as \u{…} escapes in the policy it prints.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { escapeForTerminal } from "../src/terminal.js";
import { FIXTURES, runCli, tempDir } from "./run-cli.js";

/** A step name that would clear the screen and overwrite its own line, with a bidi override. */
const HOSTILE = "bu\u001b[2J\u001b[31mild\rpassed\u202e";
const SHOWN = "bu\\x1b[2J\\x1b[31mild\\rpassed\\u{202e}";

let cwd: string;
beforeEach(async () => {
  cwd = tempDir("totem-terminal-");
  cpSync(join(FIXTURES, "policies"), cwd, { recursive: true });
  expect((await runCli(["compile", "root.totem", "--now", "2026-06-01T00:00:00Z"], { cwd })).code).toBe(0);
});

/** root.layout with step "build" renamed to `name` everywhere (its rules' MATCH … FROM too), signed by keys/owner. */
async function layoutWithStep(file: string, name: string): Promise<void> {
  const text = readFileSync(join(cwd, "root.layout"), "utf8").replaceAll('"build"', JSON.stringify(name));
  const envelope = JSON.parse(text);
  envelope.signatures = [];
  writeFileSync(join(cwd, file), JSON.stringify(envelope));
  const signed = await runCli(["sign", file, "-k", "keys/owner"], { cwd });
  expect(signed.code, signed.stderr).toBe(0);
}

/** No character a terminal would act on (C0 but newline, DEL, C1, bidi controls). */
function printable(text: string): boolean {
  return !/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(text);
}

describe("escapeForTerminal", () => {
  it("turns controls into visible escapes and leaves other text alone", () => {
    expect(escapeForTerminal(HOSTILE)).toBe(SHOWN);
    expect(escapeForTerminal("a\nb\tc\u0000d\u007f\u009b")).toBe("a\\nb\\tc\\x00d\\x7f\\x9b");
    expect(escapeForTerminal("héllo wörld ✓ 日本 😀 \\x")).toBe("héllo wörld ✓ 日本 😀 \\x");
  });
});

describe("totem verify (text)", () => {
  it("prints a hostile step name escaped", async () => {
    await layoutWithStep("evil.layout", HOSTILE);
    mkdirSync(join(cwd, "links"));
    const r = await runCli(["verify", "--layout", "evil.layout", "--layout-key", "keys/owner.pub", "--links", "links"], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(SHOWN);
    expect(printable(r.stdout)).toBe(true);
  });
});

describe("totem diff (text)", () => {
  it("prints a hostile step name escaped, in colour or not", async () => {
    await layoutWithStep("evil.layout", HOSTILE);
    for (const tty of [false, true]) {
      const r = await runCli(["diff", "root.layout", "evil.layout"], { cwd, tty });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(SHOWN);
      // Colour (on a terminal) is Totem's own SGR codes, and nothing else reaches the terminal raw.
      expect(printable(r.stdout.replace(/\u001b\[\d+m/g, ""))).toBe(true);
    }
  });
});

describe("totem import (the git textconv driver)", () => {
  it("writes hostile strings as escapes, and the policy still compiles to the same payload", async () => {
    const text = readFileSync(join(cwd, "root.layout"), "utf8");
    const envelope = JSON.parse(text);
    envelope.signed.readme = `${HOSTILE}\u009b2J`;
    envelope.signatures = [];
    writeFileSync(join(cwd, "readme.layout"), JSON.stringify(envelope));
    const r = await runCli(["import", "readme.layout", "--stdout"], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('readme "bu\\u{1b}[2J\\u{1b}[31mild\\u{d}passed\\u{202e}\\u{9b}2J"');
    expect(printable(r.stdout)).toBe(true);
  });

  it("prints a problem naming a hostile step escaped", async () => {
    await layoutWithStep("evil.layout", `${HOSTILE}\u009b2J`);
    const r = await runCli(["import", "evil.layout", "--stdout"], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[import-name] $.steps[0].name:");
    expect(printable(r.stderr)).toBe(true);
  });
});

// An RSA key under 2048 bits (issue 13, "Writes"): in-toto verifiers accept it, so Totem signs with
// it, but never silently: compile, sign and run warn that it can be forged. Stronger keys (and other
// key types) sign without a word.
import { generateKeyPairSync } from "node:crypto";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, runCli, tempDir } from "./run-cli.js";

let cwd: string;
beforeAll(() => {
  cwd = tempDir("totem-weak-");
  cpSync(join(FIXTURES, "policies"), cwd, { recursive: true });
  for (const bits of [1024, 2048]) {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: bits });
    writeFileSync(join(cwd, `rsa${bits}`), privateKey.export({ type: "pkcs8", format: "pem" }));
  }
  mkdirSync(join(cwd, "links"));
});

const WARNING = "totem: warning: signing with 'rsa1024': it is a 1024-bit RSA key; keys under 2048 bits can be forged (NIST SP 800-131A), so generate a new one (totem keygen --type rsa)\n";
const NOW = ["--now", "2026-06-01T00:00:00Z"];

describe("signing with a weak RSA key", () => {
  it.each([
    ["compile", ["compile", "root.totem", "-o", "weak.layout", ...NOW, "-k"]],
    ["sign", ["sign", "root.layout", "-o", "resigned.layout", "-k"]],
    ["run", ["run", "-n", "step", "-d", "links", "-x", "-k"]],
  ])("%s warns and still signs", async (command, argv) => {
    if (command === "sign") expect((await runCli(["compile", "root.totem", ...NOW], { cwd })).code).toBe(0);
    const weak = await runCli([...argv, "rsa1024"], { cwd });
    expect(weak.code, weak.stderr).toBe(0);
    expect(weak.stderr).toContain(WARNING);
    const strong = await runCli([...argv, "rsa2048"], { cwd });
    expect(strong.code, strong.stderr).toBe(0);
    expect(strong.stderr).not.toContain("warning: signing with");
  });
});

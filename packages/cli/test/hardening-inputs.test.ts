// Hardening, inputs: every file Totem reads goes through node-io's bounded reader, so /dev/zero, a
// FIFO or a directory named as a policy, layout, link or key is refused at once (exit 2 with a
// message; a link is evidence, so it fails verification instead), never read without end or waited
// on. Each case has a time bound; extend the tables with new commands and inputs.
import { execFileSync } from "node:child_process";
import { cpSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, ROOT, runCli, tempDir } from "./run-cli.js";

const CHAIN = join(ROOT, "packages/engine/test/fixtures/chains/reference-1.3.1");

/** A working directory with the policy fixtures, the reference chain, a FIFO `pipe` and a directory `folder`. */
function workDir(): string {
  const dir = tempDir("totem-hardening-inputs-");
  cpSync(join(FIXTURES, "policies"), dir, { recursive: true });
  cpSync(CHAIN, join(dir, "chain"), { recursive: true });
  execFileSync("mkfifo", [join(dir, "pipe")]);
  execFileSync("mkdir", [join(dir, "folder")]);
  return dir;
}

async function timedRun(argv: string[], cwd: string) {
  const start = performance.now();
  const r = await runCli(argv, { cwd });
  return { ...r, seconds: (performance.now() - start) / 1000 };
}

const NOT_REGULAR = {
  "/dev/zero": "it is a character device, not a regular file",
  pipe: "it is a FIFO (named pipe), not a regular file",
  folder: "it is a directory, not a file",
};

describe("non-regular files as inputs are refused at once with exit 2", () => {
  const cases: [string, (path: string) => string[], string][] = [
    ["policy (check)", (p) => ["check", p], "policy"],
    ["policy (compile)", (p) => ["compile", p, "-k", "keys/owner"], "policy"],
    ["policy (fmt)", (p) => ["fmt", "--check", p], "policy"],
    ["layout (verify)", (p) => ["verify", "-l", p, "-k", "keys/owner.pub"], "layout"],
    ["layout (sign)", (p) => ["sign", p, "-k", "keys/owner"], "layout"],
    ["layout key (verify)", (p) => ["verify", "-l", "chain/root.layout", "-k", p], "layout key"],
    ["private key (compile)", (p) => ["compile", "root.totem", "-k", p, "-o", "out.layout"], "private key"],
    ["private key (run)", (p) => ["run", "-n", "s", "-k", p, "--", "true"], "private key"],
  ];
  for (const [what, argv, noun] of cases) {
    for (const [path, reason] of Object.entries(NOT_REGULAR)) {
      it(`${what}: ${path}`, async () => {
        const dir = workDir();
        const r = await timedRun(argv(path), dir);
        expect(r.code).toBe(2);
        // verify names the file by its absolute path, the other commands as it was typed.
        const shown = path.startsWith("/") ? path : `(${dir}/)?${path}`;
        expect(r.stderr).toMatch(new RegExp(`^totem: cannot read ${noun} '${shown}': ${reason.replace(/[()]/g, "\\$&")}\n`));
        expect(r.seconds).toBeLessThan(5);
        rmSync(dir, { recursive: true, force: true });
      });
    }
  }

  it("a file over its kind's limit is refused without being read whole (a private key over 1 MiB)", async () => {
    const dir = workDir();
    writeFileSync(join(dir, "big.key"), Buffer.alloc(2 * 1024 * 1024, 0x20));
    const r = await timedRun(["compile", "root.totem", "-k", "big.key", "-o", "out.layout"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("totem: cannot read private key 'big.key': it is 2097152 bytes or more, over the limit of 1 MiB\n");
  });
});

describe("non-regular files named inside inputs", () => {
  it("a policy naming /dev/zero or a FIFO as a key gets key-unreadable (exit 1), at once", async () => {
    const dir = workDir();
    for (const key of ["/dev/zero", "pipe"]) {
      const policy = `layout "x" {\n  expires "2030-01-01T00:00:00Z"\n  functionary bob key "${key}"\n  step build {\n    by bob\n  }\n}\n`;
      writeFileSync(join(dir, "zero.totem"), policy);
      const r = await timedRun(["check", "zero.totem"], dir);
      expect(r.code, key).toBe(1);
      expect(r.stdout).toContain("key-unreadable");
      expect(r.seconds).toBeLessThan(5);
    }
  });

  it("a FIFO or /dev/zero at a link's name is an unreadable link: verification fails, it does not hang", async () => {
    for (const special of ["fifo", "zero"]) {
      const dir = workDir();
      const link = join(dir, "chain/clone.0af4f5d6.link");
      rmSync(link);
      if (special === "fifo") execFileSync("mkfifo", [link]);
      else execFileSync("ln", ["-s", "/dev/zero", link]);
      const r = await timedRun(["verify", "-l", "root.layout", "-k", "alice.pub", "--now", "2026-01-01T00:00:00Z", "--json", "--no-inspection-links"], join(dir, "chain"));
      expect(r.code, special).toBe(1);
      const report = JSON.parse(r.stdout) as { failures: { stage: number }[] };
      expect(report.failures[0]?.stage).toBeLessThanOrEqual(4);
      expect(r.seconds).toBeLessThan(10);
    }
  });
});

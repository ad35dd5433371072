// A terminating signal that lands while Totem writes (issue 13, "Writes"): the program, bundled as
// users run it, is sent SIGTERM or SIGINT the moment its temporary file appears. The signal is held
// until the write is finished (or undone); then the process ends by it, or, when the write was the
// last thing it did, ends normally before Node delivers it. Either way no temporary file is left, the
// output is the old file or the whole new one, and a key pair is both files or neither. (Before, the
// signal killed the process mid-write and left the temporary file.)
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, existsSync, readFileSync, readdirSync, watch, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadEnvelope } from "@totem/engine";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, ROOT, runCli, tempDir, requireBundle } from "./run-cli.js";

const BIN = join(ROOT, "packages/cli/bin/totem.js");
beforeAll(() => {
  requireBundle();
}, 120_000);

/**
 * Starts `totem ARGV` in `cwd` and sends `signal` as soon as a temporary file (`*.tmp`) appears there
 * (inotify). Resolves with how the process ended and whether the signal was sent.
 */
function killOnTemp(argv: string[], cwd: string, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; sent: boolean; stderr: string }> {
  return new Promise((resolve) => {
    let child: ChildProcess | undefined;
    let sent = false;
    const watcher = watch(cwd, (_event, file) => {
      if (!sent && child && String(file).endsWith(".tmp")) {
        sent = true;
        child.kill(signal);
      }
    });
    child = spawn(process.execPath, [BIN, ...argv], { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code, sig) => {
      watcher.close();
      resolve({ code, signal: sig, sent, stderr });
    });
  });
}

/** Killed by the signal once the write was done, or done before the signal was delivered. */
function endedWell(r: { code: number | null; signal: NodeJS.Signals | null }, signal: NodeJS.Signals): boolean {
  return r.signal === signal || r.code === 0;
}

/** A valid unsigned layout of about `bytes` bytes (a long readme), so that writing it takes a while. */
function bigLayout(cwd: string, bytes: number): string {
  const small = JSON.parse(readFileSync(join(cwd, "root.layout"), "utf8"));
  small.signed.readme = "x".repeat(bytes);
  small.signatures = [];
  return `${JSON.stringify(small, null, 1)}\n`;
}

describe.each(["SIGTERM", "SIGINT"] as const)("%s during a write", (signal) => {
  it("sign: no temporary file is left and the layout is whole (old or new)", async () => {
    const cwd = tempDir("totem-signals-");
    cpSync(join(FIXTURES, "policies"), cwd, { recursive: true });
    expect((await runCli(["compile", "root.totem", "--now", "2026-06-01T00:00:00Z"], { cwd })).code).toBe(0);
    const old = bigLayout(cwd, 40 * 1024 * 1024);
    writeFileSync(join(cwd, "root.layout"), old);
    const r = await killOnTemp(["sign", "root.layout", "-k", "keys/owner"], cwd, signal);
    expect(r.sent, r.stderr).toBe(true);
    expect(endedWell(r, signal), JSON.stringify(r)).toBe(true);
    expect(readdirSync(cwd).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    const now = readFileSync(join(cwd, "root.layout"));
    const loaded = loadEnvelope(now, { expect: "layout" });
    expect(loaded.ok).toBe(true);
    if (loaded.ok) expect([0, 1]).toContain(loaded.value.signatures.length);
  }, 60_000);

  it("keygen: the pair is both files or neither, and no temporary file is left", async () => {
    const cwd = tempDir("totem-signals-");
    const r = await killOnTemp(["keygen", "k", "--type", "rsa", "--bits", "2048"], cwd, signal);
    expect(r.sent, r.stderr).toBe(true);
    expect(endedWell(r, signal), JSON.stringify(r)).toBe(true);
    const files = readdirSync(cwd).sort();
    expect([[], ["k", "k.pub"]]).toContainEqual(files);
    expect(existsSync(join(cwd, "k"))).toBe(existsSync(join(cwd, "k.pub")));
  }, 60_000);
});

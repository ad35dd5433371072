// The one process runner: commands in their own process group, timeouts that reach the whole group
// (SIGTERM, then SIGKILL), output kept up to a cap, and no waiting for descendants that hold the pipes.
// Real processes (sh, sleep, yes); the time and memory bounds are generous.
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { CAPTURE_LIMIT_BYTES, type ProcessResult, runProcess } from "../src/index.js";

const cwd = tmpdir();

async function timed(run: Promise<ProcessResult>): Promise<{ result: ProcessResult; seconds: number }> {
  const start = performance.now();
  const result = await run;
  return { result, seconds: (performance.now() - start) / 1000 };
}

/** Whether a process is gone (or a zombie waiting for a reaper, which runs no more code). */
function gone(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return true;
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(stat, "utf8"));
  } catch {
    return true;
  }
}

describe("runProcess", () => {
  it("captures both streams and the exit code", async () => {
    const r = await runProcess(["sh", "-c", "echo out; echo err >&2; exit 3"], { cwd, streams: "capture" });
    expect(r).toEqual({ kind: "exited", returnValue: 3, stdout: { text: "out\n", bytes: Buffer.from("out\n"), droppedBytes: 0 }, stderr: { text: "err\n", bytes: Buffer.from("err\n"), droppedBytes: 0 } });
  });

  it("writes `input` to the command's standard input and keeps binary output byte for byte", async () => {
    const input = new Uint8Array(70_000).map((_, i) => (i * 7) % 256);
    const r = await runProcess(["cat"], { cwd, streams: "capture", input });
    expect(r.kind === "exited" && Buffer.compare(r.stdout.bytes, input)).toBe(0);
    // A command that does not read its input is not an error of ours.
    const ignored = await runProcess(["true"], { cwd, streams: "capture", input });
    expect(ignored.kind === "exited" && ignored.returnValue).toBe(0);
  });

  it("records death by a signal as the negative signal number, as in-toto-run does", async () => {
    const r = await runProcess(["sh", "-c", "kill -9 $$"], { cwd, streams: "ignore" });
    expect(r.kind === "exited" && r.returnValue).toBe(-9);
  });

  it("says why a command could not start, without throwing", async () => {
    expect(await runProcess(["totem-no-such-command"], { cwd, streams: "ignore" })).toEqual({
      kind: "not-started",
      message: "command not found: totem-no-such-command (or the working directory does not exist)",
    });
    expect(await runProcess([], { cwd, streams: "ignore" })).toEqual({ kind: "not-started", message: "the command is empty" });
    for (const timeoutSeconds of [0, -1, Number.NaN]) {
      const r = await runProcess(["true"], { cwd, streams: "ignore", timeoutSeconds });
      expect(r.kind).toBe("not-started");
    }
  });

  it("stops a command on its timeout with SIGTERM to its group", async () => {
    const { result, seconds } = await timed(runProcess(["sleep", "30"], { cwd, streams: "ignore", timeoutSeconds: 0.3 }));
    expect(result).toMatchObject({ kind: "timed-out", timeoutSeconds: 0.3, killed: false });
    expect(seconds).toBeLessThan(5);
  });

  it("kills a command that ignores SIGTERM after the grace, children included", async () => {
    const script = "trap '' TERM; sleep 30 & echo $!; wait";
    const { result, seconds } = await timed(runProcess(["sh", "-c", script], { cwd, streams: "capture", timeoutSeconds: 0.3, killGraceMs: 300 }));
    expect(result).toMatchObject({ kind: "timed-out", killed: true });
    expect(seconds).toBeLessThan(5);
    const child = Number(result.kind === "timed-out" ? result.stdout.text.trim() : Number.NaN);
    expect(child).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(gone(child)).toBe(true);
  });

  it("resolves when the command exits although a background child keeps its stdout open, and kills that child", async () => {
    const { result, seconds } = await timed(runProcess(["sh", "-c", "sleep 300 & echo $!"], { cwd, streams: "capture" }));
    expect(result.kind).toBe("exited");
    expect(seconds).toBeLessThan(5);
    const child = Number(result.kind === "exited" ? result.stdout.text.trim() : Number.NaN);
    await new Promise((r) => setTimeout(r, 200));
    expect(gone(child)).toBe(true);
  });

  it("keeps at most the cap of endless output and counts the rest, in bounded memory", async () => {
    const before = process.resourceUsage().maxRSS;
    const { result, seconds } = await timed(runProcess(["yes"], { cwd, streams: "capture", timeoutSeconds: 2 }));
    expect(result.kind).toBe("timed-out");
    if (result.kind !== "timed-out") return;
    expect(result.stdout.text.length).toBe(CAPTURE_LIMIT_BYTES);
    expect(result.stdout.droppedBytes).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(8);
    // maxRSS is in KiB: the runner may hold the cap and a few pipe chunks, not gigabytes.
    expect((process.resourceUsage().maxRSS - before) / 1024).toBeLessThan(256);
  });

  it("cuts captured text at a character boundary", async () => {
    const r = await runProcess(["printf", "h\u00e9llo"], { cwd, streams: "capture", captureLimitBytes: 2 });
    expect(r.kind === "exited" && r.stdout).toMatchObject({ text: "h", droppedBytes: 4 });
  });

  it("passes every chunk to echo, kept or not", async () => {
    let echoed = "";
    const decoder = new TextDecoder();
    const r = await runProcess(["printf", "abcdef"], {
      cwd,
      streams: "capture",
      captureLimitBytes: 3,
      echo: { stdout: (c) => (echoed += decoder.decode(c)), stderr: () => {} },
    });
    expect(r.kind === "exited" && r.stdout).toMatchObject({ text: "abc", droppedBytes: 3 });
    expect(echoed).toBe("abcdef");
  });
});

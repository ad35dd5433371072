// Hardening, processes: inspections in `verify` and the command of `run` run through node-io's runner
// (own process group, SIGTERM then SIGKILL on a timeout, capped capture, no waiting for background
// children). Commands are real; time and memory bounds are generous. Extend with more hostile commands.
import { spawn } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { envelopeToText, type Inspection, type Layout, layoutToJson, linkFileName, parsePrivateKey, type PrivateKeyMaterial, signMetablock } from "@totem/engine";
import { CAPTURE_LIMIT_BYTES } from "@totem/node-io";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, ROOT, runCli, tempDir, requireBundle } from "./run-cli.js";

const KEYS = join(FIXTURES, "policies/keys");
const NOW = "2026-01-01T00:00:00Z";

function key(name: string): PrivateKeyMaterial {
  const parsed = parsePrivateKey(readFileSync(join(KEYS, name), "utf8"));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

const ALLOW: Inspection["expected_materials"] = [{ type: "allow", pattern: "*" }];
/** An inspection whose rules allow every artifact. */
const allowAll = (name: string, run: string[]): Inspection => ({ _type: "inspection", name, run, expected_materials: ALLOW, expected_products: ALLOW });

const layoutOf = (parts: Partial<Layout>): Layout => ({ _type: "layout", expires: "2030-01-01T00:00:00Z", readme: "", keys: {}, steps: [], inspect: [], ...parts });

/**
 * A working directory with root.layout (signed by owner) holding `inspections`, and, when `sublayout`
 * is given, a step "delegate" performed by bob whose link is bob's sublayout with those inspections.
 */
function chain(opts: { inspections?: Inspection[]; sublayout?: Inspection[] }): string {
  const dir = tempDir("totem-hardening-");
  const owner = key("owner");
  const bob = key("bob");
  const bobId = bob.public.keyid("in-toto-1.3");
  const steps: Layout["steps"] = [];
  const keys: Layout["keys"] = {};
  if (opts.sublayout) {
    keys[bobId] = bob.public.toLayoutKey("in-toto-1.3");
    steps.push({
      _type: "step",
      name: "delegate",
      threshold: 1,
      pubkeys: [bobId],
      expected_command: [],
      expected_materials: [{ type: "allow", pattern: "*" }],
      expected_products: [{ type: "allow", pattern: "*" }],
    });
    const sub = layoutOf({ inspect: opts.sublayout });
    writeFileSync(join(dir, linkFileName("delegate", bobId)), envelopeToText(signMetablock(layoutToJson(sub), [bob], "in-toto-1.3")));
  }
  const root = layoutOf({ keys, steps, inspect: opts.inspections ?? [] });
  writeFileSync(join(dir, "root.layout"), envelopeToText(signMetablock(layoutToJson(root), [owner], "in-toto-1.3")));
  cpSync(join(KEYS, "owner.pub"), join(dir, "owner.pub"));
  return dir;
}

interface Report {
  passed: boolean;
  failures: { stage: number; code: string; step?: string; message: string; sublayout?: string[] }[];
}

async function verify(dir: string, ...extra: string[]): Promise<{ code: number; stderr: string; report: Report; seconds: number }> {
  const start = performance.now();
  const r = await runCli(["verify", "-l", "root.layout", "-k", "owner.pub", "--json", "--now", NOW, "--no-inspection-links", ...extra], { cwd: dir });
  const seconds = (performance.now() - start) / 1000;
  return { code: r.code, stderr: r.stderr, report: JSON.parse(r.stdout || "null") as Report, seconds };
}

const failures = (r: Report) => r.failures.map((f) => `${f.stage}:${f.code}:${f.step}`);

describe("inspections under hostile commands", () => {
  it("fails an inspection that ignores SIGTERM on its timeout (inspection-timeout), killing it after the grace", async () => {
    const dir = chain({ inspections: [allowAll("stubborn", ["sh", "-c", "trap '' TERM; sleep 60"])] });
    const { code, report, seconds } = await verify(dir, "--inspection-timeout", "1");
    expect(code).toBe(1);
    expect(failures(report)).toEqual(["10:inspection-timeout:stubborn"]);
    expect(report.failures[0]?.message).toBe(
      'Inspection "stubborn" could not run ["sh","-c","trap \'\' TERM; sleep 60"]: it did not finish within 1 s, so its process group was stopped (SIGTERM, then SIGKILL after 2 s); allow it more time with --inspection-timeout if it is trusted',
    );
    expect(seconds).toBeLessThan(10);
  });

  it("does not wait for a background child the inspection leaves running", async () => {
    const dir = chain({ inspections: [allowAll("spawner", ["sh", "-c", "sleep 300 & exit 0"])] });
    const { code, report, seconds } = await verify(dir);
    expect(report.failures).toEqual([]);
    expect(code).toBe(0);
    expect(seconds).toBeLessThan(8);
  });

  it("runs an inspection that writes endlessly with its output discarded, to its timeout", async () => {
    const before = process.resourceUsage().maxRSS;
    const dir = chain({ inspections: [allowAll("chatty", ["yes"])] });
    const { report, seconds } = await verify(dir, "--inspection-timeout", "1.5");
    expect(failures(report)).toEqual(["10:inspection-timeout:chatty"]);
    expect(seconds).toBeLessThan(10);
    expect((process.resourceUsage().maxRSS - before) / 1024).toBeLessThan(256);
  });

  it("refuses a timeout that is not a positive number of seconds (exit 2)", async () => {
    const dir = chain({ inspections: [allowAll("ok", ["true"])] });
    for (const value of ["0", "-1", "abc", "1e3", "99999999"]) {
      const r = await runCli(["verify", "-l", "root.layout", "-k", "owner.pub", "--inspection-timeout", value], { cwd: dir });
      expect(r.code, value).toBe(2);
      expect(r.stderr).toMatch(/--inspection-timeout (expects a positive number of seconds|is at most)/);
    }
  });
});

describe("who may run inspections", () => {
  it("with --no-inspections (or --inspections none) refuses every inspection: inspection-refused, nothing run", async () => {
    const dir = chain({ inspections: [allowAll("marker", ["touch", "ran"])] });
    for (const flags of [["--no-inspections"], ["--inspections", "none"]]) {
      const { code, report } = await verify(dir, ...flags);
      expect(code).toBe(1);
      expect(failures(report)).toEqual(["10:inspection-refused:marker"]);
      expect(existsSync(join(dir, "ran"))).toBe(false);
    }
  });

  it("with --inspections root-only runs the root layout's inspections and refuses a sublayout's", async () => {
    const dir = chain({ inspections: [allowAll("root-check", ["touch", "root-ran"])], sublayout: [allowAll("sub-check", ["touch", "sub-ran"])] });
    const { code, report } = await verify(dir, "--inspections", "root-only");
    expect(code).toBe(1);
    expect(failures(report)).toEqual(["10:inspection-refused:sub-check"]);
    expect(report.failures[0]?.sublayout).toEqual(["delegate"]);
    expect(existsSync(join(dir, "sub-ran"))).toBe(false);
    // By default both run (as in-toto-verify 1.3.1), sublayout first (stage 5 comes before 10).
    const all = await verify(dir);
    expect(all.report.failures).toEqual([]);
    expect(existsSync(join(dir, "sub-ran"))).toBe(true);
    expect(existsSync(join(dir, "root-ran"))).toBe(true);
  });

  it("passes --inspections root-only when only the root layout has inspections", async () => {
    const dir = chain({ inspections: [allowAll("root-check", ["true"])], sublayout: [] });
    const { code } = await verify(dir, "--inspections", "root-only");
    expect(code).toBe(0);
  });
});

describe("totem run under hostile commands", () => {
  const runIn = (dir: string, ...argv: string[]) => runCli(["run", "-n", "step", "-k", join(KEYS, "bob"), ...argv], { cwd: dir });
  const links = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".link"));

  it("run --timeout 2 on a command ignoring SIGTERM writes no link and exits 1, as in-toto-run's TimeoutExpired", async () => {
    const dir = tempDir("totem-hardening-run-");
    const start = performance.now();
    const r = await runIn(dir, "--timeout", "2", "--", "sh", "-c", "trap '' TERM; sleep 60");
    expect((performance.now() - start) / 1000).toBeLessThan(10);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("totem: the command did not finish within 2 s, so its process group was stopped (SIGTERM, then SIGKILL after 2 s); no link was written\n");
    expect(links(dir)).toEqual([]);
  });

  it("run --timeout 0 is a usage error", async () => {
    const r = await runIn(tempDir(), "--timeout", "0", "--", "true");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--timeout expects a positive number of seconds/);
  });

  it("returns when the command exits although a background child holds the captured stdout", async () => {
    const dir = tempDir("totem-hardening-run-");
    const start = performance.now();
    const r = await runIn(dir, "-s", "--", "sh", "-c", "sleep 300 & echo started");
    expect((performance.now() - start) / 1000).toBeLessThan(8);
    expect(r.code).toBe(0);
    const [file] = links(dir);
    const link = JSON.parse(readFileSync(join(dir, file as string), "utf8"));
    expect(link.signed.byproducts).toEqual({ "return-value": 0, stderr: "", stdout: "started\n" });
  });

  it("keeps 16 MiB of endless output in the link, notes the bytes dropped, in bounded memory", async () => {
    const dir = tempDir("totem-hardening-run-");
    const before = process.resourceUsage().maxRSS;
    // head stops yes; more than the cap goes through the pipe first.
    const r = await runIn(dir, "-s", "--", "sh", "-c", `yes | head -c ${CAPTURE_LIMIT_BYTES + 1000}`);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('totem: the command\'s stdout was longer than 16 MiB: the link keeps the first 16 MiB and records the 1000 bytes dropped as "stdout-dropped-bytes"\n');
    const [file] = links(dir);
    const link = JSON.parse(readFileSync(join(dir, file as string), "utf8"));
    expect(link.signed.byproducts["stdout-dropped-bytes"]).toBe(1000);
    expect(link.signed.byproducts.stdout).toHaveLength(CAPTURE_LIMIT_BYTES);
    // The echo of the output (captured by the test harness) and the link text dominate; not gigabytes.
    expect((process.resourceUsage().maxRSS - before) / 1024).toBeLessThan(512);
  });
});

describe("signals to totem while a command runs (the bundled binary)", () => {
  beforeAll(() => {
    requireBundle();
  });

  /** Starts `totem ARGV` in dir, waits for dir/pid (written by the command), sends SIGTERM; resolves with how it ended. */
  async function terminate(argv: string[], dir: string): Promise<{ signal: NodeJS.Signals | null; commandPid: number; seconds: number }> {
    const child = spawn(process.execPath, [join(ROOT, "packages/cli/bin/totem.js"), ...argv], { cwd: dir, stdio: "ignore" });
    const ended = new Promise<NodeJS.Signals | null>((done) => child.on("exit", (_code, signal) => done(signal)));
    const pidFile = join(dir, "pid");
    for (let i = 0; i < 200 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 50));
    const commandPid = Number(readFileSync(pidFile, "utf8"));
    const start = performance.now();
    child.kill("SIGTERM");
    const signal = await ended;
    return { signal, commandPid, seconds: (performance.now() - start) / 1000 };
  }

  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
    } catch {
      return false;
    }
  };

  /** Whether the process is gone (or a zombie) within `ms`: the signal is sent, but a loaded machine may take a moment to run it. */
  async function endsWithin(pid: number, ms: number): Promise<boolean> {
    for (const start = performance.now(); performance.now() - start < ms; ) {
      if (!alive(pid)) return true;
      await new Promise((done) => setTimeout(done, 50));
    }
    return !alive(pid);
  }

  it("passes SIGTERM on to run's command group, then ends by it", async () => {
    const dir = tempDir("totem-hardening-signal-");
    const r = await terminate(["run", "-n", "step", "-k", join(KEYS, "bob"), "--", "sh", "-c", "echo $$ > pid; sleep 30"], dir);
    expect(r.signal).toBe("SIGTERM");
    expect(r.seconds).toBeLessThan(5);
    expect(await endsWithin(r.commandPid, 3000)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith(".link"))).toEqual([]);
  });

  it("does the same during an inspection after another wrote its link (the write module's handlers are installed)", async () => {
    const dir = chain({ inspections: [allowAll("first", ["true"]), allowAll("second", ["sh", "-c", "echo $$ > pid; sleep 30"])] });
    const r = await terminate(["verify", "-l", "root.layout", "-k", "owner.pub", "--now", NOW], dir);
    expect(r.signal).toBe("SIGTERM");
    expect(r.seconds).toBeLessThan(5);
    expect(await endsWithin(r.commandPid, 3000)).toBe(true);
    expect(existsSync(join(dir, "first.link"))).toBe(true);
  });
});

// Start-up time of the bundled CLI against bare Node: runs each command line alternately (A, B, C, A,
// B, C, ...) so load on a shared machine hits them alike, and prints medians of wall and user+system
// CPU time. Usage: node scripts/startup-bench.mjs [--runs N] [--cwd DIR] -- 'node -e 0' 'node x.mjs --version' ...
// Numbers from it are kept in docs/benchmarks.notes.md ("Start-up time").
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const split = args.indexOf("--");
const flags = split < 0 ? args : args.slice(0, split);
const commands = split < 0 ? [] : args.slice(split + 1);
const flag = (name, fallback) => (flags.includes(name) ? flags[flags.indexOf(name) + 1] : fallback);
const runs = Number(flag("--runs", "30"));
const cwd = flag("--cwd", process.cwd());
if (commands.length === 0 || !(runs > 0)) {
  console.error("usage: node scripts/startup-bench.mjs [--runs N] [--cwd DIR] -- 'command' ...");
  process.exit(2);
}

/** Runs one command line (split on spaces; no quoting) and returns wall and CPU milliseconds. */
function once(line) {
  const [file, ...rest] = line.split(" ").filter(Boolean);
  const start = process.hrtime.bigint();
  const r = spawnSync(file, rest, { cwd, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${line} exited ${r.status}: ${r.stderr}`);
  return wall;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

const samples = commands.map(() => ({ wall: [], cpu: [] }));
for (const line of commands) once(line); // warm the file cache
for (let i = 0; i < runs; i++) {
  for (const [k, line] of commands.entries()) {
    const cpuBefore = childCpu();
    samples[k].wall.push(once(line));
    samples[k].cpu.push(childCpu() - cpuBefore);
  }
}
for (const [k, line] of commands.entries()) {
  console.log(`${median(samples[k].wall).toFixed(1).padStart(7)} ms wall  ${median(samples[k].cpu).toFixed(1).padStart(7)} ms cpu  ${line}`);
}

/** User+system CPU milliseconds of all finished children so far (Linux /proc/self/stat, 10 ms ticks). */
function childCpu() {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[13]) + Number(fields[14]); // cutime, cstime (fields 16, 17 of the whole line)
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

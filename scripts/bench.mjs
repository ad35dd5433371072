// npm run bench: Totem against the reference in-toto 1.3.1, side by side in one run.
// Alternating runs (A, B, A, B, …), medians and ratios; wall time and peak RSS from GNU time.
// Writes docs/benchmarks.md. Chains are generated here by scripts/bench/gen_chain.py (the shape of
// the perf anchors: S steps × A artifacts, 4 ed25519 functionaries, threshold 2 on every 5th step).
//
// Usage: node scripts/bench.mjs [--runs N] [--only verify,run,dsl,lsp] [--no-write]
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const ROOT = resolve(new URL("..", import.meta.url).pathname);
const OUT = join(ROOT, "bench-out");
const TOTEM = [process.execPath, join(ROOT, "packages/cli/bin/totem.js")];
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const RUNS = Number(opt("--runs", "5"));
const ONLY = opt("--only", "verify,run,dsl,lsp").split(",");
const haveRef = spawnSync("sh", ["-c", "command -v in-toto-verify"]).status === 0;

mkdirSync(OUT, { recursive: true });

/** Runs argv under GNU time; returns {wall seconds, rss MiB, status}. */
function timed(argv, cwd) {
  const r = spawnSync("/usr/bin/time", ["-f", "TOTEM_BENCH %e %M", ...argv], { cwd, encoding: "utf8", maxBuffer: 1 << 26 });
  const m = /TOTEM_BENCH ([\d.]+) (\d+)/.exec(r.stderr);
  if (!m) throw new Error(`could not time ${argv.join(" ")}: ${r.stderr}`);
  return { wall: Number(m[1]), rss: Number(m[2]) / 1024, status: r.status, stderr: r.stderr };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/** Alternates A and B RUNS times each; returns medians. */
function sideBySide(a, b, cwd, expectStatus = 0) {
  const res = { a: [], b: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const [k, argv] of [["a", a], ["b", b]]) {
      if (!argv) continue;
      const t = timed(argv, cwd);
      if (t.status !== expectStatus) throw new Error(`${argv.join(" ")} exited ${t.status}:\n${t.stderr}`);
      res[k].push(t);
    }
  }
  const sum = (xs) => (xs.length ? { wall: median(xs.map((x) => x.wall)), rss: median(xs.map((x) => x.rss)) } : undefined);
  return { totem: sum(res.a), ref: sum(res.b) };
}

function genChain(steps, artifacts) {
  const dir = join(OUT, `S${steps}_A${artifacts}`);
  if (!existsSync(join(dir, "chain.json"))) {
    rmSync(dir, { recursive: true, force: true });
    const r = spawnSync("/usr/bin/python3", [join(ROOT, "scripts/bench/gen_chain.py"), "--out", dir, "--steps", String(steps),
      "--artifacts", String(artifacts), "--functionaries", "4", "--t2-every", "5", "--threshold", "2", "--seed", "intoto-perf-1"], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`gen_chain failed: ${r.stderr}`);
  }
  return dir;
}

const rows = [];
const fmt = (x, d = 2) => (x === undefined ? "—" : x.toFixed(d));

if (ONLY.includes("verify")) {
  if (!haveRef) console.error("bench: in-toto is not installed; the verify comparison needs it (apt-get install in-toto)");
  else
    for (const [s, a] of [[10, 100], [200, 1000]]) {
      const dir = genChain(s, a);
      const r = sideBySide(
        [...TOTEM, "verify", "--layout", "root.layout", "--layout-key", "owner.pub", "--links", "."],
        ["in-toto-verify", "-l", "root.layout", "-k", "owner.pub", "-t", "ed25519"],
        dir,
      );
      rows.push({ what: `verify S${s}_A${a}`, ...r });
      console.log(`verify S${s}_A${a}: totem ${fmt(r.totem.wall)} s / ${fmt(r.totem.rss, 0)} MiB, in-toto ${fmt(r.ref.wall)} s / ${fmt(r.ref.rss, 0)} MiB, ${fmt(r.ref.wall / r.totem.wall, 1)}×`);
    }
}

if (ONLY.includes("run")) {
  const dir = join(OUT, "hash10k");
  if (!existsSync(join(dir, "files"))) {
    mkdirSync(join(dir, "files"), { recursive: true });
    for (let i = 0; i < 10_000; i++) {
      const buf = Buffer.alloc(4096, i % 251);
      buf.writeUInt32LE(i, 0);
      writeFileSync(join(dir, "files", `f${String(i).padStart(5, "0")}.bin`), buf);
    }
  }
  if (!existsSync(join(dir, "key"))) spawnSync("in-toto-keygen", ["-t", "ed25519", join(dir, "key")]);
  const r = sideBySide(
    [...TOTEM, "run", "--step", "hash", "--key", "key", "-m", "files", "--", "true"],
    haveRef ? ["in-toto-run", "-n", "hash", "-k", "key", "-t", "ed25519", "-m", "files", "--", "true"] : undefined,
    dir,
  );
  rows.push({ what: "run: hash 10k × 4 KiB", ...r });
  console.log(`run 10k×4KiB: totem ${fmt(r.totem.wall)} s, in-toto ${fmt(r.ref?.wall)} s`);
}

// In-process benchmarks (language and language server) are bundled from their TypeScript sources.
async function inProcess(entry, name) {
  if (!existsSync(join(ROOT, entry))) return undefined;
  const outfile = join(OUT, `${name}.mjs`);
  await build({ entryPoints: [join(ROOT, entry)], outfile, bundle: true, platform: "node", format: "esm", conditions: ["source"],
    logLevel: "error", banner: { js: 'import { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);' } });
  const r = spawnSync(process.execPath, ["--expose-gc", outfile], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${name} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}
const extra = {};
if (ONLY.includes("dsl")) extra.dsl = await inProcess("scripts/bench/dsl-bench.ts", "dsl-bench");
if (ONLY.includes("lsp")) extra.lsp = await inProcess("scripts/bench/lsp-bench.ts", "lsp-bench");
for (const [k, v] of Object.entries(extra)) if (v) console.log(k, JSON.stringify(v));

if (!args.includes("--no-write")) {
  const ver = haveRef ? spawnSync("in-toto-verify", ["--version"], { encoding: "utf8" }).stdout.trim() : "not installed";
  let md = `# Benchmarks\n\nGenerated by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores, ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, reference ${ver}. Medians of ${RUNS} alternating runs ` +
    `(Totem, reference, Totem, …); wall time and peak RSS measured by GNU time around the whole process. The machine is shared ` +
    `and noisy: compare the ratios, not the absolute numbers.\n\n` +
    `| benchmark | Totem wall (s) | reference wall (s) | speed-up | Totem peak RSS (MiB) | reference peak RSS (MiB) |\n|---|---|---|---|---|---|\n`;
  for (const r of rows) {
    md += `| ${r.what} | ${fmt(r.totem.wall)} | ${fmt(r.ref?.wall)} | ${r.ref ? fmt(r.ref.wall / r.totem.wall, 1) + "×" : "—"} | ${fmt(r.totem.rss, 0)} | ${fmt(r.ref?.rss, 0)} |\n`;
  }
  md += targetsTable();
  for (const [k, v] of Object.entries(extra)) {
    if (!v) continue;
    md += `\n## ${k === "dsl" ? "Language (parse, check, format)" : "Language server"}\n\n| measure | value |\n|---|---|\n`;
    for (const [m, val] of Object.entries(v)) md += `| ${m} | ${typeof val !== "number" ? val : Number.isInteger(val) ? val : fmt(val)} |\n`;
  }
  const notes = join(ROOT, "docs/benchmarks.notes.md");
  if (existsSync(notes)) md += `\n${readFileSync(notes, "utf8")}`;
  writeFileSync(join(ROOT, "docs/benchmarks.md"), md);
  console.log("wrote docs/benchmarks.md");
}

/** The issue targets next to what this run measured. */
function targetsTable() {
  const row = (what) => rows.find((r) => r.what === what);
  const lines = [];
  const add = (target, measured, met) => lines.push(`| ${target} | ${measured} | ${met === undefined ? "—" : met ? "met" : "not met"} |`);
  const big = row("verify S200_A1000");
  if (big?.ref) {
    const x = big.ref.wall / big.totem.wall;
    add("verify S200_A1000 ≥ 8× faster than in-toto-verify", `${fmt(x, 1)}× (${fmt(big.totem.wall)} s vs ${fmt(big.ref.wall)} s)`, x >= 8);
    add("verify S200_A1000 peak RSS ≤ in-toto's", `${fmt(big.totem.rss, 0)} MiB vs ${fmt(big.ref.rss, 0)} MiB`, big.totem.rss <= big.ref.rss);
  }
  const small = row("verify S10_A100");
  if (small) add("verify S10_A100 ≤ 0.12 s", `${fmt(small.totem.wall)} s`, small.totem.wall <= 0.12);
  const hash = row("run: hash 10k × 4 KiB");
  if (hash?.ref) {
    const x = hash.ref.wall / hash.totem.wall;
    add("`totem run` hashing 10k × 4 KiB ≥ 3× faster than in-toto-run", `${fmt(x, 1)}× (${fmt(hash.totem.wall)} s vs ${fmt(hash.ref.wall)} s)`, x >= 3);
  }
  const dsl = extra.dsl;
  if (dsl) {
    const ms = dsl["5k-line policy: full analysis (ms, target ≤ 30)"];
    add("5k-line policy full analysis ≤ 30 ms", `${fmt(ms, 1)} ms`, ms <= 30);
  }
  const lsp = extra.lsp;
  if (lsp) {
    const change = lsp["didChange → publishDiagnostics p95 (ms, target ≤ 50)"];
    const comp = lsp["completion p95 (ms, target ≤ 20)"];
    const hover = lsp["hover p95 (ms, target ≤ 10)"];
    const before = lsp["heap before 1000 edits (MiB)"];
    const after = lsp["heap after 1000 edits (MiB)"];
    add("LSP didChange → publishDiagnostics p95 ≤ 50 ms", `${fmt(change, 1)} ms`, change <= 50);
    add("LSP completion p95 ≤ 20 ms, hover p95 ≤ 10 ms", `${fmt(comp)} ms, ${fmt(hover)} ms`, comp <= 20 && hover <= 10);
    add("LSP memory flat over 1000 edits", `${fmt(before)} → ${fmt(after)} MiB heap`, after <= before * 1.1);
  }
  if (lines.length === 0) return "";
  return `\n## Against the issue targets (this run)\n\n| target | measured | status |\n|---|---|---|\n${lines.join("\n")}\n`;
}

// Start-up: the workbench is loaded again with a broken policy open (VS Code's `openFile` payload),
// so a new extension host starts, activates the extension and must put the first squiggle up. Each
// load is measured phase by phase from the extension's "Totem start-up" line (client.ts), the
// extension host's own log and the browser; `node -e 0` runs meanwhile to say how loaded the machine
// is (docs/benchmarks.md: targets assume bare node ≈ 60 ms). Results: artifacts/startup.json and .txt.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { check, eventually } from "./harness.mjs";

/** The bare-node time the absolute targets assume (docs/benchmarks.md). */
const BARE_NODE_MS = 60;
/** Host start → first diagnostics, at bare node ≈ 60 ms (issue 17): reported. */
const TARGET_MS = 1000;
/** The extension's own part of it, at bare node ≈ 60 ms: asserted (measured ≈ 150 ms, see docs/vscode.md). */
const OUR_BUDGET_MS = 400;

/** `node -e 0` wall times, one after the other, until `stop()`; resolves to the list. */
function sampleBareNode() {
  const times = [];
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const t = performance.now();
      await new Promise((resolve) => spawn(process.execPath, ["-e", "0"], { stdio: "ignore" }).on("exit", resolve));
      times.push(performance.now() - t);
    }
    return times;
  })();
  return {
    stop: () => {
      stopped = true;
      return done;
    },
  };
}

/** Epoch ms of a VS Code log line's local-time stamp (`2026-12-05 14:10:45.426 [info] …`). */
function logTime(line) {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3})/.exec(line);
  return m ? new Date(`${m[1]}T${m[2]}`).getTime() : undefined;
}

/** The extension host log directories (`…/exthostN`) under VS Code's log folder, oldest first. */
function hostLogDirs(logsDir) {
  return readdirSync(logsDir, { recursive: true })
    .map(String)
    .filter((f) => /(^|\/)exthost\d+$/.test(f))
    .map((f) => join(logsDir, f))
    .sort((a, b) => Number(/exthost(\d+)$/.exec(a)[1]) - Number(/exthost(\d+)$/.exec(b)[1]) || a.localeCompare(b));
}

/** The start-up line of one extension host, with its phases and the host's own "started" stamp. */
function readHostLog(dir) {
  const output = join(dir, "totem.totem-vscode", "Totem Language Server.log");
  if (!existsSync(output)) return undefined;
  const line = readFileSync(output, "utf8")
    .split("\n")
    .find((l) => l.includes("Totem start-up"));
  if (!line) return undefined;
  const phases = JSON.parse(line.slice(line.indexOf("phases ") + "phases ".length));
  const hostLog = join(dir, "remoteexthost.log");
  const startedLine = existsSync(hostLog) ? readFileSync(hostLog, "utf8").split("\n").find((l) => / Extension host with pid \d+ started/.test(l)) : undefined;
  const started = startedLine ? logTime(startedLine) : undefined;
  return { line: line.slice(line.indexOf("Totem start-up")), phases, hostLogStarted: started === undefined ? null : started - phases.hostStartedAt };
}

/** Loads the workbench with `file` open and measures one start-up. */
async function measureOnce(page, { url, workspace, userDataDir, file }) {
  const logsDir = join(userDataDir, "logs");
  const before = new Set(hostLogDirs(logsDir));
  const host = new URL(url).host;
  const payload = [["openFile", `vscode-remote://${host}${join(workspace, file)}`]];
  const bare = sampleBareNode();
  const loaded = Date.now();
  await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  await page.locator(".monaco-editor .squiggly-error").first().waitFor({ state: "attached", timeout: 30_000 });
  const squiggle = Date.now();
  const nodeE0 = median(await bare.stop());
  const log = await eventually(
    "the new extension host logs its start-up line",
    async () => {
      const dirs = hostLogDirs(logsDir).filter((d) => !before.has(d));
      return dirs.length > 0 ? readHostLog(dirs.at(-1)) : undefined;
    },
    10_000,
  );
  const p = log.phases;
  return {
    line: log.line,
    nodeE0Ms: Math.round(nodeE0),
    // Epoch-based: every phase in ms after the extension host's process started.
    phases: {
      pageLoad: loaded - p.hostStartedAt,
      hostLogStarted: log.hostLogStarted,
      ...Object.fromEntries(Object.entries(p).filter(([k]) => k !== "hostStartedAt")),
      squiggle: squiggle - p.hostStartedAt,
    },
  };
}

function median(values) {
  const v = values.filter((x) => typeof x === "number").sort((a, b) => a - b);
  if (v.length === 0) return null;
  return v.length % 2 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

/** The phases as durations: VS Code's own, before and between our code, and each step of ours. */
function durations(p) {
  const d = (a, b) => (p[a] === null || p[b] === null || p[a] === undefined || p[b] === undefined ? null : p[b] - p[a]);
  const vscode = [p.loaded, d("evaluated", "activated")];
  const ours = [d("loaded", "evaluated"), d("activated", "firstDiagnostics")];
  const sum = (xs) => (xs.includes(null) ? null : xs.reduce((a, b) => a + b, 0));
  return {
    "VS Code: host process start → its log says started": p.hostLogStarted,
    "VS Code: host process start → our bundle starts loading": p.loaded,
    "ours: bundle evaluation (vscode-languageclient + ours)": d("loaded", "evaluated"),
    "VS Code: bundle evaluated → activate called (extension context)": d("evaluated", "activated"),
    "ours: activate → client start": d("activated", "clientStarted"),
    "ours: bundle starts loading → server process spawned": d("loaded", "spawned"),
    "server: spawned → initialize handled (node boot + bundle)": d("spawned", "serverInitialize"),
    "ours: activate → initialize handled": d("activated", "serverInitialize"),
    "client: initialize answered → client ready": d("serverInitialize", "ready"),
    "client ready → didOpen sent": d("ready", "opened"),
    "didOpen sent → first diagnostics received": d("opened", "firstDiagnostics"),
    "ours: activate → first diagnostics": d("activated", "firstDiagnostics"),
    "VS Code: first diagnostics → squiggle in the browser": d("firstDiagnostics", "squiggle"),
    "VS CODE'S PART (host start → loading, + evaluated → activate)": sum(vscode),
    "OUR PART (bundle evaluation + activate → first diagnostics)": sum(ours),
    "TOTAL host process start → first diagnostics": p.firstDiagnostics,
    "host says started → first diagnostics": d("hostLogStarted", "firstDiagnostics"),
  };
}

/**
 * Registers the start-up test: `runs` loads (E2E_STARTUP_RUNS overrides), medians per phase. Our
 * part — evaluating the bundle, and activate → first diagnostics — must stay within OUR_BUDGET_MS
 * scaled by the machine's load; VS Code's own part and the total against the 1 s target are reported.
 */
export async function runStartupTests(h, { page, url, workspace, userDataDir, artifacts, runs = 3 }) {
  const n = Number(process.env.E2E_STARTUP_RUNS ?? runs);
  await h.test(
    `start-up: ${n} workbench loads with a broken policy open; the extension's part ≤ ${OUR_BUDGET_MS} ms (scaled by bare node)`,
    async () => {
      const samples = [];
      for (let i = 0; i < n; i++) {
        const s = await measureOnce(page, { url, workspace, userDataDir, file: "broken.totem" });
        samples.push(s);
        console.log(`      load ${i + 1}: node -e 0 ${s.nodeE0Ms} ms; ${s.line}`);
      }
      const keys = Object.keys(durations(samples[0].phases));
      const table = Object.fromEntries(keys.map((k) => [k, median(samples.map((s) => durations(s.phases)[k]))]));
      const nodeE0 = median(samples.map((s) => s.nodeE0Ms));
      const scale = Math.max(1, nodeE0 / BARE_NODE_MS);
      const ours = table["OUR PART (bundle evaluation + activate → first diagnostics)"];
      const total = table["TOTAL host process start → first diagnostics"];
      const scaled = (ms) => (ms === null ? "?" : Math.round(ms / scale));
      const report = { runs: n, nodeE0MedianMs: nodeE0, scale, medians: table, samples };
      writeFileSync(join(artifacts, "startup.json"), `${JSON.stringify(report, null, 2)}\n`);
      const text = [
        `start-up, median of ${n} loads; node -e 0 median ${nodeE0} ms (scale ×${scale.toFixed(2)} against ${BARE_NODE_MS} ms)`,
        ...keys.map((k) => `  ${String(table[k]).padStart(6)} ms  ${k}`),
        `scaled to bare node ${BARE_NODE_MS} ms: total ${scaled(total)} ms (target ${TARGET_MS}), from the host's "started" ${scaled(table["host says started → first diagnostics"])} ms, ours ${scaled(ours)} ms (budget ${OUR_BUDGET_MS})`,
      ].join("\n");
      writeFileSync(join(artifacts, "startup.txt"), `${text}\n`);
      console.log(text.replace(/^/gm, "      "));
      await page.screenshot({ path: join(artifacts, "08-reloaded.png") });
      check(ours !== null && ours <= OUR_BUDGET_MS * scale, `the extension's part took ${ours} ms (budget ${OUR_BUDGET_MS} ms × ${scale.toFixed(2)})`);
    },
    60_000 * n,
  );
}

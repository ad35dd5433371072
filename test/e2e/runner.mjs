// Orchestrates the editor e2e tests: checks the .vsix, prepares fresh directories, installs the
// .vsix into a fresh extensions dir, starts code-server, drives chromium through the UI tests,
// then loads the workbench again with the extension-host test payload. Usage: node runner.mjs VSIX
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { codeServerBin, installVsix, startCodeServer } from "./code-server.mjs";
import { runGrammarTests } from "./grammar-test.mjs";
import { runNeovimTests } from "./neovim.mjs";
import { check, Harness } from "./harness.mjs";
import { runStartupTests } from "./startup.mjs";
import { runUiTests } from "./ui-tests.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const cache = join(here, ".cache");
const runDir = join(cache, "run");
const artifacts = join(here, "artifacts");
const vsix = process.argv[2];
const MAX_VSIX_BYTES = 1_500_000;

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const USER_SETTINGS = {
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "editor.hover.delay": 100,
  "files.autoSave": "off",
  "git.enabled": false,
  "totem.expiryWarningDays": 30,
};

/** A fresh copy of the fixture workspace, committed to git so "Diff With Git HEAD" has a HEAD. */
function prepareWorkspace(name) {
  const dir = join(runDir, name);
  cpSync(join(here, "fixtures", "workspace"), dir, { recursive: true });
  const git = (...args) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
  git("init", "-q");
  git("add", ".");
  git("-c", "user.name=Totem e2e", "-c", "user.email=e2e@example.invalid", "commit", "-q", "-m", "fixture");
  return dir;
}

/** The .vsix must hold the bundles and the contributions, and no node_modules. */
function checkVsix(h) {
  return h.test("the .vsix is small and holds the bundled extension and server", async () => {
    const listing = execFileSync("unzip", ["-l", vsix], { encoding: "utf8" });
    writeFileSync(join(artifacts, "vsix-contents.txt"), listing);
    for (const f of [
      "extension/package.json",
      "extension/dist/extension.cjs",
      "extension/dist/server.cjs",
      "extension/syntaxes/totem.tmLanguage.json",
      "extension/language-configuration.json",
      "extension/snippets/totem.json",
      "extension/images/icon.png",
      "extension/dist/language.md",
    ]) {
      check(listing.includes(f), `${f} is missing from the .vsix`);
    }
    check(!listing.includes("node_modules"), "the .vsix contains node_modules");
    check(!listing.includes(".map"), "the .vsix contains source maps");
    const size = statSync(vsix).size;
    console.log(`      .vsix: ${size} bytes`);
    check(size < MAX_VSIX_BYTES, `the .vsix is ${size} bytes (limit ${MAX_VSIX_BYTES})`);
  });
}

async function main() {
  check(vsix && existsSync(vsix), `usage: node runner.mjs VSIX (got ${vsix})`);
  rmSync(runDir, { recursive: true, force: true });
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  mkdirSync(artifacts, { recursive: true });

  const userDataDir = join(runDir, "user-data");
  const extensionsDir = join(runDir, "extensions");
  mkdirSync(join(userDataDir, "User"), { recursive: true });
  writeFileSync(join(userDataDir, "User", "settings.json"), JSON.stringify(USER_SETTINGS, null, 2));
  const uiWorkspace = prepareWorkspace("workspace-ui");
  const hostWorkspace = prepareWorkspace("workspace-host");
  const unpacked = join(runDir, "vsix");
  execFileSync("unzip", ["-q", vsix, "-d", unpacked]);
  const resultsFile = join(runDir, "host-results.jsonl");
  process.env.TOTEM_E2E_RESULTS = resultsFile;
  process.env.TOTEM_E2E_WORKSPACE = hostWorkspace;

  let page;
  const h = new Harness({
    onFailure: async (name) => {
      if (page) await page.screenshot({ path: join(artifacts, `FAILED-${name.replace(/[^A-Za-z0-9]+/g, "-")}.png`) });
    },
  });
  console.log("e2e: package");
  await checkVsix(h);

  const only = process.env.E2E_ONLY;
  if (only !== "startup") {
    console.log("e2e: grammar (the packaged tmLanguage through vscode-textmate)");
    await runGrammarTests(h, {
      grammarPath: join(unpacked, "extension", "syntaxes", "totem.tmLanguage.json"),
      codeServerDir: join(cache, "code-server"),
      fixturesDir: join(here, "fixtures", "grammar"),
    });

    console.log("e2e: Neovim (headless, built-in LSP client, the .vsix's server)");
    await runNeovimTests(h, { server: join(unpacked, "extension", "dist", "server.cjs"), fixtures: join(here, "fixtures"), runDir, artifacts, here });
  }

  const bin = codeServerBin(cache);
  const t0 = Date.now();
  installVsix(bin, vsix, userDataDir, extensionsDir);
  console.log(`e2e: .vsix installed into a fresh extensions dir in ${Date.now() - t0} ms`);
  const server = await startCodeServer({
    bin,
    userDataDir,
    extensionsDir,
    workspace: uiWorkspace,
    logFile: join(artifacts, "code-server.log"),
  });
  console.log(`e2e: code-server healthy at ${server.url} after ${Date.now() - t0} ms`);
  const context = await chromium.launchPersistentContext(join(runDir, "chromium-profile"), {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
  });
  try {
    // E2E_ONLY=host skips the UI tests (for working on the extension-host tests); E2E_ONLY=startup
    // runs only the start-up measurement (E2E_STARTUP_RUNS loads, default 3).
    if (only !== "host") {
      page = await context.newPage();
      const consoleLog = [];
      page.on("console", (m) => consoleLog.push(`[${m.type()}] ${m.text()}`));
      if (only !== "startup") {
        console.log("e2e: UI tests (installed .vsix)");
        await runUiTests(h, { page, url: server.url, workspace: uiWorkspace, artifacts, fixtures: join(here, "fixtures") });
      }
      console.log("e2e: start-up (workbench loads with a policy open)");
      await runStartupTests(h, { page, url: server.url, workspace: uiWorkspace, userDataDir, artifacts });
      writeFileSync(join(artifacts, "ui-console.log"), consoleLog.join("\n"));
      await page.close();
    }
    if (only !== "startup") {
      page = await context.newPage();
      console.log("e2e: extension-host tests (unpacked .vsix as the development extension)");
      await runHostTests(h, page, server, unpacked, hostWorkspace, resultsFile);
    }
  } finally {
    const closing = Date.now();
    await context.close().catch(() => {});
    server.stop();
    console.log(`      browser and code-server stopped in ${Date.now() - closing} ms`);
  }
  process.exitCode = h.summary();
}

/** Loads the workbench with VS Code's test payload; the tests report one JSON line each to a file. */
async function runHostTests(h, page, server, extensionDir, workspace, resultsFile) {
  const host = new URL(server.url).host;
  const payload = [
    ["extensionDevelopmentPath", `vscode-remote://${host}${extensionDir}/extension`],
    ["extensionTestsPath", `vscode-remote://${host}${join(here, "host", "index.cjs")}`],
  ];
  const logs = [];
  const exited = new Promise((resolve) => {
    page.exposeFunction("codeAutomationExit", (code) => resolve(code));
  });
  await page.exposeFunction("codeAutomationLog", (type, args) => logs.push(`[${type}] ${JSON.stringify(args)}`));
  page.on("console", (m) => logs.push(`[console.${m.type()}] ${m.text()}`));
  const started = Date.now();
  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  let timer;
  const code = await Promise.race([exited, new Promise((r) => (timer = setTimeout(() => r("timeout"), 180_000)))]);
  clearTimeout(timer);
  console.log(`      extension host exited with ${code} after ${Date.now() - started} ms`);
  await page.screenshot({ path: join(artifacts, "host-tests.png") }).catch(() => {});
  writeFileSync(join(artifacts, "host-console.log"), logs.join("\n"));
  const lines = existsSync(resultsFile) ? readFileSync(resultsFile, "utf8").split("\n").filter(Boolean) : [];
  for (const line of lines) h.record(JSON.parse(line));
  if (code !== 0 || lines.length === 0) {
    h.record({
      name: "the extension-host test run exits with code 0",
      ok: false,
      ms: Date.now() - started,
      error: `exit code ${code}, ${lines.length} results; see artifacts/host-console.log`,
    });
  }
}

main().catch((e) => {
  console.error(e);
  console.log("0 passed, 1 failed");
  process.exitCode = 1;
});

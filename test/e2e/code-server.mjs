// Starts and stops code-server for the tests: its own process group (so the extension host and
// the language server stop with it), a free port, and a wait on /healthz.
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

/** The code-server binary installed by install.sh. */
export function codeServerBin(cacheDir) {
  return join(cacheDir, "code-server", "node_modules", ".bin", "code-server");
}

/** Installs a .vsix into an extensions dir (throws with code-server's output when it fails). */
export function installVsix(bin, vsix, userDataDir, extensionsDir) {
  const r = spawnSync(bin, ["--user-data-dir", userDataDir, "--extensions-dir", extensionsDir, "--install-extension", vsix], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`installing ${vsix} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/** Starts code-server on a free port; resolves once /healthz answers. */
export async function startCodeServer({ bin, userDataDir, extensionsDir, workspace, logFile }) {
  const port = await freePort();
  const log = createWriteStream(logFile);
  const child = spawn(
    bin,
    [
      "--bind-addr",
      `127.0.0.1:${port}`,
      "--auth",
      "none",
      "--user-data-dir",
      userDataDir,
      "--extensions-dir",
      extensionsDir,
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
      "--disable-getting-started-override",
      "--ignore-last-opened",
      workspace,
    ],
    { detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}; see ${logFile}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return { url, port, stop: () => stopGroup(child) };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  stopGroup(child);
  throw new Error(`code-server did not become healthy in 60 s; see ${logFile}`);
}

function stopGroup(child) {
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    // already gone
  }
}

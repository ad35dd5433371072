// The language server's process (dist/server.cjs on stdio). When a policy is already open as this
// bundle starts to load (activation by onLanguage:totem), the process is started right here, before
// the extension host evaluates the language client — most of this bundle — so the server boots in
// parallel with it instead of after activation. The client takes that process when it starts; any
// later start (a restart, or a workspace opened without a policy in view) spawns a new one.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import * as vscode from "vscode";

/** The bundled server, beside this bundle in dist/. */
const SERVER = join(__dirname, "server.cjs");

/** What the process was started with, for the start-up phases. */
export interface ServerProcess {
  process: ChildProcess;
  spawnedAt: number;
  /** Started while the bundle loaded, before activation. */
  early: boolean;
}

/**
 * Starts the server as vscode-languageclient would for a Node module on stdio: the extension host's
 * runtime (as Node under Electron), `--stdio` and the client's pid (the server exits when it dies),
 * with the inspector on port 6019 when the extension host itself is being debugged.
 */
function spawnServer(early: boolean): ServerProcess {
  const debugging = process.execArgv.some((a) => /^--inspect(-brk)?(=|$)/.test(a));
  const args = [...(debugging ? ["--nolazy", "--inspect=6019"] : []), SERVER, "--stdio", `--clientProcessId=${process.pid}`];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: "1", ELECTRON_NO_ASAR: "1" },
    stdio: "pipe",
  });
  // A failed spawn closes the pipes, so the client's start fails and the extension says so; without
  // a listener the 'error' event would be thrown in the extension host (before the client takes it).
  child.on("error", (e) => console.error(`Totem: the language server's process failed: ${e.message}`));
  return { process: child, spawnedAt: Date.now(), early };
}

let waiting: ServerProcess | undefined = vscode.workspace.textDocuments.some((d) => d.languageId === "totem") ? spawnServer(true) : undefined;

/** The process started early if it is still unclaimed and alive, else a new one. */
export function takeServerProcess(): ServerProcess {
  const early = waiting;
  waiting = undefined;
  if (early && early.process.exitCode === null && early.process.signalCode === null) return early;
  return spawnServer(false);
}

/** Ends an early process no client took (the extension was deactivated first). */
export function disposeUnclaimedServer(): void {
  waiting?.process.kill();
  waiting = undefined;
}

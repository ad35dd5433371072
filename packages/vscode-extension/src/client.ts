// The client of the bundled language server (dist/server.cjs, built from packages/lsp/src/server-main.ts,
// on stdio; its process comes from server-process.ts) with the user's `totem.*` settings. Works on a
// fresh install with no configuration.
import * as vscode from "vscode";
import { LanguageClient, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";
import type { ServerStartup } from "./protocol.js";
import { takeServerProcess } from "./server-process.js";

/** The settings the server understands, as read from the `totem` configuration section. */
export function totemSettings(): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration("totem");
  return {
    expiryWarningDays: config.get<number>("expiryWarningDays", 30),
    defaultTarget: config.get<string>("defaultTarget", "in-toto-1.3"),
  };
}

/** Start-up timings (epoch ms), logged once and reported by the e2e suite. */
export interface StartupTimes {
  /** The extension host's process start. */
  hostStartedAt: number;
  /** This bundle began to load, and had been evaluated. */
  loadedAt: number;
  evaluatedAt: number;
  activatedAt: number;
  /** The client was asked to start the server. */
  startedAt?: number;
  /** The server's process was spawned (before activation when a policy was open as the bundle loaded). */
  spawnedAt?: number;
  /** The server's own clock: its process start and its `initialize` handler (`totemStartup`). */
  server?: ServerStartup;
  /** The client has the server's `initialize` answer and has set itself up. */
  readyAt?: number;
  /** When each document (URI string) was sent to the server, and when its first diagnostics arrived. */
  opened: Map<string, number>;
  firstDiagnostics: Map<string, number>;
}

/**
 * Creates (does not start) the client. The client id `totem` makes vscode-languageclient honour
 * `totem.trace.server` by itself; `configurationSection` forwards every `totem.*` change.
 */
export function createClient(times: StartupTimes): LanguageClient {
  const serverOptions: ServerOptions = async () => {
    const server = takeServerProcess();
    times.spawnedAt ??= server.spawnedAt;
    return server.process;
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "totem" },
      { scheme: "untitled", language: "totem" },
    ],
    initializationOptions: { totem: totemSettings() },
    synchronize: {
      configurationSection: "totem",
      // Key files are read by the server relative to the policy; tell it when they change.
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.{totem,pub,pem,key}"),
    },
    outputChannelName: "Totem Language Server",
    middleware: {
      didOpen: (doc, next) => {
        if (!times.opened.has(doc.uri.toString())) times.opened.set(doc.uri.toString(), Date.now());
        return next(doc);
      },
      handleDiagnostics: (uri, diagnostics, next) => {
        if (!times.firstDiagnostics.has(uri.toString())) {
          const at = Date.now();
          times.firstDiagnostics.set(uri.toString(), at);
          if (times.firstDiagnostics.size === 1) logStartup(client, times, uri.toString(), at);
        }
        next(uri, diagnostics);
      },
    },
  };
  const client = new LanguageClient("totem", "Totem Language Server", serverOptions, clientOptions);
  return client;
}

/**
 * One line in the server's output: the start-up phases, in ms after the extension host's process
 * started (the e2e suite reads it from VS Code's log of that output).
 */
function logStartup(client: LanguageClient, t: StartupTimes, uri: string, at: number): void {
  const server = (client.initializeResult as { totemStartup?: ServerStartup } | undefined)?.totemStartup;
  const since = (when: number | undefined) => (when === undefined ? null : Math.round(when - t.hostStartedAt));
  const phases = {
    loaded: since(t.loadedAt),
    evaluated: since(t.evaluatedAt),
    activated: since(t.activatedAt),
    clientStarted: since(t.startedAt),
    spawned: since(t.spawnedAt),
    serverProcess: since(server?.processStartedAt),
    serverInitialize: since(server?.initializeAt),
    ready: since(t.readyAt),
    opened: since(t.opened.get(uri)),
    firstDiagnostics: since(at),
  };
  client.outputChannel.appendLine(
    `Totem start-up: first diagnostics ${since(at)} ms after the extension host started, ` +
      `${Math.round(at - (t.opened.get(uri) ?? at))} ms after the document was opened; ` +
      `phases ${JSON.stringify({ hostStartedAt: Math.round(t.hostStartedAt), ...phases })}`,
  );
}

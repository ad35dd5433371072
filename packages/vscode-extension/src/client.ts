// Starts the bundled language server (dist/server.cjs, built from packages/lsp/src/server-main.ts)
// over stdio with the user's `totem.*` settings. Works on a fresh install with no configuration.
import * as vscode from "vscode";
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from "vscode-languageclient/node";

/** The settings the server understands, as read from the `totem` configuration section. */
export function totemSettings(): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration("totem");
  return {
    expiryWarningDays: config.get<number>("expiryWarningDays", 30),
    defaultTarget: config.get<string>("defaultTarget", "in-toto-1.3"),
  };
}

/** Start-up timings (epoch ms), reported by the e2e suite: host start → activation → server ready, open → first diagnostics. */
export interface StartupTimes {
  hostStartedAt: number;
  activatedAt: number;
  readyAt?: number;
  /** When each document (URI string) was sent to the server, and when its first diagnostics arrived. */
  opened: Map<string, number>;
  firstDiagnostics: Map<string, number>;
}

/**
 * Creates (does not start) the client. The client id `totem` makes vscode-languageclient honour
 * `totem.trace.server` by itself; `configurationSection` forwards every `totem.*` change.
 */
export function createClient(context: vscode.ExtensionContext, times: StartupTimes): LanguageClient {
  const module = context.asAbsolutePath("dist/server.cjs");
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio },
    debug: { module, transport: TransportKind.stdio, options: { execArgv: ["--nolazy", "--inspect=6019"] } },
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

/** One line in the server's output: how long the first diagnostics took (the e2e suite reads it from the log). */
function logStartup(client: LanguageClient, t: StartupTimes, uri: string, at: number): void {
  const ms = (from: number | undefined) => (from === undefined ? "?" : String(Math.round(at - from)));
  client.outputChannel.appendLine(
    `Totem start-up: first diagnostics ${ms(t.hostStartedAt)} ms after the extension host started ` +
      `(activation at +${Math.round(t.activatedAt - t.hostStartedAt)} ms, server ready at +${t.readyAt === undefined ? "?" : Math.round(t.readyAt - t.hostStartedAt)} ms, ` +
      `${ms(t.opened.get(uri))} ms after the document was opened)`,
  );
}

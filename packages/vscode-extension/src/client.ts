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

/**
 * Creates (does not start) the client. The client id `totem` makes vscode-languageclient honour
 * `totem.trace.server` by itself; `configurationSection` forwards every `totem.*` change.
 */
export function createClient(context: vscode.ExtensionContext): LanguageClient {
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
  };
  return new LanguageClient("totem", "Totem Language Server", serverOptions, clientOptions);
}

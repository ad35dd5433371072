// The Totem VS Code extension: starts the bundled language server and registers the Totem
// commands. The only package that imports `vscode`; it talks to our code only through the protocol.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { createClient } from "./client.js";
import { CompiledLayoutPreview, PREVIEW_SCHEME } from "./compiled-preview.js";
import { DIFF_SCHEME, DiffDocuments, diffWithHead } from "./diff-command.js";
import { importLayout } from "./import-command.js";
import { signLayout } from "./sign-command.js";
import { VerificationView, verifyLinks } from "./verify-command.js";

/** What `activate` returns: reachable as `vscode.extensions.getExtension("totem.totem-vscode").exports`. */
export interface TotemExtensionApi {
  /** The language client, once started. */
  client(): LanguageClient | undefined;
  /** Resolves when the server has answered `initialize` (rejects if it could not start). */
  ready: Promise<void>;
  /** Verification results shown so far, per policy URI. */
  verification: VerificationView;
}

let client: LanguageClient | undefined;

/** Starts the client and registers commands and virtual-document providers. */
export function activate(context: vscode.ExtensionContext): TotemExtensionApi {
  client = createClient(context);
  const current = () => client;
  const preview = new CompiledLayoutPreview(current);
  const diffs = new DiffDocuments();
  const verification = new VerificationView();
  context.subscriptions.push(
    preview,
    verification,
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, preview),
    vscode.workspace.registerTextDocumentContentProvider(DIFF_SCHEME, diffs),
    vscode.commands.registerCommand("totem.showCompiledLayout", () => preview.show()),
    vscode.commands.registerCommand("totem.signLayout", (key?: vscode.Uri) => signLayout(current(), key)),
    vscode.commands.registerCommand("totem.verifyLinks", (dir?: vscode.Uri) => verifyLinks(current(), verification, dir)),
    vscode.commands.registerCommand("totem.importLayout", (file?: vscode.Uri) => importLayout(current(), file)),
    vscode.commands.registerCommand("totem.diffWithHead", () => diffWithHead(current(), diffs)),
    vscode.commands.registerCommand("totem.clearVerification", () =>
      verification.clear(vscode.window.activeTextEditor),
    ),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("totem")) preview.refreshAll();
    }),
  );
  const ready = client.start().then(() => preview.refreshAll());
  ready.catch((e: unknown) => {
    void vscode.window.showErrorMessage(
      `Totem: the language server did not start: ${e instanceof Error ? e.message : String(e)}`,
    );
  });
  return { client: current, ready, verification };
}

/** Stops the language server. */
export function deactivate(): Promise<void> | undefined {
  const stopping = client?.stop();
  client = undefined;
  return stopping;
}

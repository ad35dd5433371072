// The Totem VS Code extension: starts the bundled language server and registers the Totem
// commands. The only package that imports `vscode`; it talks to our code only through the protocol.
// load-time.ts first: it marks when this bundle began to load (a start-up phase); server-process.ts
// next: it starts the server's process at once when a policy is open.
import { loadStartedAt } from "./load-time.js";
import { disposeUnclaimedServer } from "./server-process.js";
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { createClient, type StartupTimes } from "./client.js";
import { CompiledLayoutPreview, PREVIEW_SCHEME } from "./compiled-preview.js";
import { DIFF_SCHEME, DiffDocuments, diffWithHead } from "./diff-command.js";
import { importLayout } from "./import-command.js";
import { runPolicyTests } from "./policy-tests-command.js";
import { signLayout } from "./sign-command.js";
import { StepGraphView } from "./step-graph-view.js";
import { VerificationView, verifyLinks, verifyPolicy } from "./verify-command.js";

/** What `activate` returns: reachable as `vscode.extensions.getExtension("totem.totem-vscode").exports`. */
export interface TotemExtensionApi {
  /** The language client, once started. */
  client(): LanguageClient | undefined;
  /** Resolves when the server has answered `initialize` (rejects if it could not start). */
  ready: Promise<void>;
  /** Verification results shown so far, per policy URI. */
  verification: VerificationView;
  /** The step graphs shown, per policy URI. */
  graphs: StepGraphView;
  /** When the host started, the extension activated, the server answered, and each document's open → first diagnostics. */
  startup: StartupTimes;
}

let client: LanguageClient | undefined;
/** Every module of the bundle has been evaluated once this line runs (it is the entry's body). */
const evaluatedAt = Date.now();

/**
 * Starts the client and registers commands and virtual-document providers. The server is started
 * first when a policy is open already (the first diagnostics wait on nothing else here).
 */
export function activate(context: vscode.ExtensionContext): TotemExtensionApi {
  const startup: StartupTimes = {
    hostStartedAt: Date.now() - process.uptime() * 1000,
    loadedAt: loadStartedAt,
    evaluatedAt,
    activatedAt: Date.now(),
    opened: new Map(),
    firstDiagnostics: new Map(),
  };
  client = createClient(startup);
  const current = () => client;
  // Activated when a policy opens (onLanguage:totem: measured to come first when the workbench restores
  // one, before any start-up activation) or in a workspace holding one (workspaceContains); also by
  // the commands. The server starts at once for an open policy, else for a workspace with policies, or
  // once a policy is opened.
  let starting: Promise<void> | undefined;
  let markStarted: (p: Promise<void>) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markStarted = (p) => p.then(resolve, reject);
  });
  const startServer = (): Promise<void> => {
    if (starting === undefined) {
      startup.startedAt = Date.now();
      starting = (client as LanguageClient).start().then(() => {
        startup.readyAt = Date.now();
        preview.refreshAll(); // declared below; this runs after activate has returned
      });
      starting.catch((e: unknown) => {
        void vscode.window.showErrorMessage(`Totem: the language server did not start: ${e instanceof Error ? e.message : String(e)}`);
      });
      markStarted(starting);
    }
    return starting;
  };
  const isPolicy = (d: vscode.TextDocument) => d.languageId === "totem";
  const policyOpen = vscode.workspace.textDocuments.some(isPolicy);
  if (policyOpen) void startServer();

  const preview = new CompiledLayoutPreview(current);
  const diffs = new DiffDocuments();
  const graphs = new StepGraphView(current);
  const verification: VerificationView = new VerificationView((doc, dir, inspections) =>
    verifyPolicy(current(), verification, doc, dir, inspections),
  );
  context.subscriptions.push(
    preview,
    verification,
    graphs,
    vscode.commands.registerCommand("totem.showStepGraph", (policy?: string | vscode.Uri) => graphs.show(policy)),
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, preview),
    vscode.workspace.registerTextDocumentContentProvider(DIFF_SCHEME, diffs),
    vscode.commands.registerCommand("totem.showCompiledLayout", (policy?: string | vscode.Uri, step?: string) =>
      preview.show(typeof policy === "string" ? vscode.Uri.parse(policy) : policy, step),
    ),
    vscode.commands.registerCommand("totem.showVerificationTrace", () => verification.output.show(true)),
    vscode.commands.registerCommand("totem.runPolicyTests", (testFile?: string | vscode.Uri) => runPolicyTests(testFile)),
    vscode.commands.registerCommand("totem.signLayout", (key?: vscode.Uri) => signLayout(current(), key)),
    vscode.commands.registerCommand("totem.verifyLinks", (dir?: vscode.Uri) => verifyLinks(current(), verification, dir)),
    vscode.commands.registerCommand("totem.simulateWithInspections", (dir?: vscode.Uri) => verifyLinks(current(), verification, dir, true)),
    vscode.commands.registerCommand("totem.diffWithHead", () => diffWithHead(current(), diffs)),
    vscode.commands.registerCommand("totem.clearVerification", () =>
      verification.clear(vscode.window.activeTextEditor),
    ),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("totem")) preview.refreshAll();
    }),
    vscode.workspace.onDidOpenTextDocument((d) => {
      if (isPolicy(d)) void startServer();
    }),
    vscode.commands.registerCommand("totem.importLayout", async (file?: vscode.Uri) => {
      await startServer().catch(() => undefined);
      return importLayout(current(), file);
    }),
  );
  if (!policyOpen) {
    void workspaceHasPolicies().then((yes) => {
      if (yes) void startServer();
    });
  }
  return { client: current, ready, verification, graphs, startup };
}

/** Whether the workspace holds a `.totem` file: its folders' top level first (one cheap read), then a search. */
async function workspaceHasPolicies(): Promise<boolean> {
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const entries = await Promise.resolve(vscode.workspace.fs.readDirectory(folder.uri)).catch(() => []);
    if (entries.some(([name, type]) => type === vscode.FileType.File && name.endsWith(".totem"))) return true;
  }
  return (await vscode.workspace.findFiles("**/*.totem", "**/node_modules/**", 1)).length > 0;
}

/** Stops the language server. */
export function deactivate(): Promise<void> | undefined {
  disposeUnclaimedServer();
  const stopping = client?.stop();
  client = undefined;
  return stopping;
}

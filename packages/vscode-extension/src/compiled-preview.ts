// "Totem: Show Compiled Layout": a read-only virtual document beside the policy holding the
// unsigned layout JSON the server compiles (`totem/compiledLayout`), refreshed as the policy changes.
import * as vscode from "vscode";
import { ErrorCodes, type LanguageClient, ResponseError } from "vscode-languageclient/node";
import type { CompiledLayoutParams, CompiledLayoutResult, TotemMethod } from "./protocol.js";

const COMPILED_LAYOUT: TotemMethod = "totem/compiledLayout";
import { activePolicy } from "./server-requests.js";

/** URI scheme of compiled-layout previews. */
export const PREVIEW_SCHEME = "totem-compiled";
const REFRESH_DELAY_MS = 150;

/** The preview URI of a policy: `totem-compiled:/…/name.layout.json?<policy uri>`. */
export function previewUriFor(policy: vscode.Uri): vscode.Uri {
  const base = policy.path.replace(/\.totem$/, "");
  return vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `${base}.layout.json`, query: policy.toString() });
}

function severityName(severity: number | undefined): string {
  return ["", "error", "warning", "info", "hint"][severity ?? 1] ?? "error";
}

/** The preview text for a server answer: the JSON, or why there is none as `//` comments (jsonc). */
export function previewText(result: CompiledLayoutResult | undefined): string {
  if (result === undefined) return "// Totem: the language server is not ready; the preview refreshes when it is.\n";
  if (result.json !== null) return result.json.endsWith("\n") ? result.json : `${result.json}\n`;
  const lines = [`// Totem: the policy does not compile yet (${result.diagnostics.length} problem(s)):`];
  for (const d of result.diagnostics) {
    const where = `${d.range.start.line + 1}:${d.range.start.character + 1}`;
    lines.push(`//   ${where} ${severityName(d.severity)}${d.code === undefined ? "" : ` ${d.code}`}: ${d.message}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Serves preview documents and refreshes the open ones when their policy changes. */
export class CompiledLayoutPreview implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly client: () => LanguageClient | undefined) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => this.policyChanged(e.document)),
      vscode.workspace.onDidSaveTextDocument((doc) => this.policyChanged(doc)),
    );
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const client = this.client();
    if (client === undefined || !client.isRunning()) return previewText(undefined);
    const params: CompiledLayoutParams = { uri: uri.query };
    try {
      return previewText(await client.sendRequest<CompiledLayoutResult>(COMPILED_LAYOUT, params));
    } catch (e) {
      if (e instanceof ResponseError && e.code === ErrorCodes.MethodNotFound) {
        return `// Totem: this language server does not implement \`${COMPILED_LAYOUT}\` yet.\n`;
      }
      return `// Totem: the server could not compile this policy: ${e instanceof Error ? e.message : String(e)}\n`;
    }
  }

  /** Opens (or reveals) the preview of the active policy beside it. */
  async show(): Promise<vscode.TextDocument | undefined> {
    const policy = activePolicy("show its compiled layout");
    if (policy === undefined) return undefined;
    const doc = await vscode.workspace.openTextDocument(previewUriFor(policy.uri));
    const shown = await vscode.languages.setTextDocumentLanguage(doc, "jsonc");
    await vscode.window.showTextDocument(shown, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: false });
    return shown;
  }

  /** Refreshes the preview of a policy shortly after it changes (the server sees the edit first). */
  private policyChanged(doc: vscode.TextDocument): void {
    if (doc.languageId !== "totem") return;
    const preview = previewUriFor(doc.uri);
    const open = vscode.workspace.textDocuments.some((d) => d.uri.toString() === preview.toString());
    if (!open) return;
    const key = preview.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.changed.fire(preview);
      }, REFRESH_DELAY_MS),
    );
  }

  /** Refreshes every open preview (after the server restarts or settings change). */
  refreshAll(): void {
    for (const d of vscode.workspace.textDocuments) if (d.uri.scheme === PREVIEW_SCHEME) this.changed.fire(d.uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

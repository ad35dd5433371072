// "Totem: Diff With Git HEAD": the semantic diff (`totem/diff`) between the committed policy and
// the editor's text, rendered in VS Code's markdown preview.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { readHeadVersion } from "./git-head.js";
import type { DiffParams } from "./protocol.js";
import { activePolicy, sendCustomRequest } from "./server-requests.js";

/** URI scheme of the markdown documents holding diffs. */
export const DIFF_SCHEME = "totem-diff";

/** Holds the rendered diffs so the markdown preview can read them as documents. */
export class DiffDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? "";
  }

  /** Stores (or replaces) a diff and returns its URI. */
  put(policy: vscode.Uri, markdown: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: DIFF_SCHEME, path: `${policy.path}.diff.md` });
    this.texts.set(uri.toString(), markdown);
    this.changed.fire(uri);
    return uri;
  }
}

/** Runs the command; returns the markdown document's URI, or undefined when it could not run. */
export async function diffWithHead(client: LanguageClient | undefined, docs: DiffDocuments): Promise<vscode.Uri | undefined> {
  const policy = activePolicy("diff it with git HEAD");
  if (policy === undefined) return undefined;
  if (policy.uri.scheme !== "file") {
    void vscode.window.showWarningMessage("Totem: only a policy saved in a git repository can be diffed with HEAD.");
    return undefined;
  }
  const head = await readHeadVersion(policy.uri.fsPath);
  if (head.kind === "no-git") {
    void vscode.window.showWarningMessage(`Totem: cannot diff with HEAD: ${head.message}`);
    return undefined;
  }
  if (head.kind === "untracked") {
    void vscode.window.showInformationMessage(
      `Totem: ${vscode.workspace.asRelativePath(policy.uri)} is not in git HEAD yet: there is nothing to diff against.`,
    );
    return undefined;
  }
  const params: DiffParams = {
    oldText: head.text,
    newText: policy.getText(),
    uri: policy.uri.toString(),
  };
  const result = await sendCustomRequest(client, "totem/diff", params, "diff the policy");
  if (result === undefined) return undefined;
  if (result.error !== undefined) {
    void vscode.window.showErrorMessage(`Totem: cannot diff with HEAD: ${result.error}`);
    return undefined;
  }
  const uri = docs.put(policy.uri, result.markdown);
  await vscode.commands.executeCommand("markdown.showPreviewToSide", uri);
  return uri;
}

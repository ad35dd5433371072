// "Totem: Verify Against Links Folder": the server verifies the links in a folder against the
// policy (`totem/simulate`); the per-rule trace is shown as decorations on the policy's lines and
// as text in the "Totem Verification" output.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import type { SimulatedRule, SimulateParams, SimulateResult } from "./protocol.js";
import { activePolicy, pickUri, sendCustomRequest } from "./server-requests.js";

/** A verification result reduced to what the extension shows. */
export interface TraceView {
  passed: boolean;
  entries: Array<{ range?: vscode.Range; passed: boolean; text: string }>;
  problems: string[];
  /** What was not checked, e.g. inspections (simulation does not run them). */
  notes: string[];
}

function entryText(step: string | undefined, rule: string | undefined, message: string): string {
  const head = [step, rule].filter((x) => x !== undefined && x !== "").join(": ");
  return [head, message].filter((x) => x !== "").join(" — ");
}

function rangeOf(r: SimulatedRule["range"]): vscode.Range | undefined {
  return r ? new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character) : undefined;
}

/** What the extension shows of the server's `totem/simulate` result (protocol.ts in the language server). */
export function readTrace(result: SimulateResult): TraceView {
  const rules = result.trace.map((t) => ({ range: rangeOf(t.range), passed: t.passed, text: entryText(t.step, t.rule, t.message) }));
  // Failures that point into the policy (e.g. a missing link, a bad signature) are shown there too.
  const failures = result.failures
    .filter((f) => f.range !== undefined)
    .map((f) => ({ range: rangeOf(f.range), passed: false, text: entryText(f.step, f.rule, f.message) }));
  const problems = result.failures.map((f) => f.message);
  if (result.error !== undefined) problems.push(result.error);
  const notes = result.skippedInspections.map((i) => `inspection ${i.name} was not run (simulation does not execute inspections)`);
  return { passed: result.passed, entries: [...rules, ...failures], problems, notes };
}

/** Owns the decorations and the output channel of verification results. */
export class VerificationView implements vscode.Disposable {
  private readonly pass = vscode.window.createTextEditorDecorationType({
    after: { margin: "0 0 0 2em", color: new vscode.ThemeColor("testing.iconPassed") },
    isWholeLine: false,
  });
  private readonly fail = vscode.window.createTextEditorDecorationType({
    after: { margin: "0 0 0 2em", color: new vscode.ThemeColor("testing.iconFailed") },
    backgroundColor: new vscode.ThemeColor("diffEditor.removedLineBackground"),
    isWholeLine: true,
  });
  readonly output = vscode.window.createOutputChannel("Totem Verification");
  /** The last result per policy URI (read by the extension-host tests). */
  readonly results = new Map<string, TraceView>();

  show(editor: vscode.TextEditor, linksDir: string, view: TraceView): void {
    this.results.set(editor.document.uri.toString(), view);
    const options = (passed: boolean) =>
      view.entries
        .filter((e) => e.range !== undefined && e.passed === passed)
        .map((e) => ({
          range: e.range as vscode.Range,
          hoverMessage: e.text,
          renderOptions: { after: { contentText: `${passed ? "✓" : "✗"} ${e.text}` } },
        }));
    editor.setDecorations(this.pass, options(true));
    editor.setDecorations(this.fail, options(false));
    const out = this.output;
    out.clear();
    out.appendLine(`${view.passed ? "PASSED" : "FAILED"}: ${editor.document.uri.fsPath} against ${linksDir}`);
    for (const p of view.problems) out.appendLine(`  error: ${p}`);
    for (const n of view.notes) out.appendLine(`  note: ${n}`);
    for (const e of view.entries) {
      const where = e.range ? `${e.range.start.line + 1}:${e.range.start.character + 1} ` : "";
      out.appendLine(`  ${e.passed ? "✓" : "✗"} ${where}${e.text}`);
    }
    out.show(true);
  }

  clear(editor: vscode.TextEditor | undefined): void {
    if (editor === undefined) return;
    this.results.delete(editor.document.uri.toString());
    editor.setDecorations(this.pass, []);
    editor.setDecorations(this.fail, []);
  }

  dispose(): void {
    this.pass.dispose();
    this.fail.dispose();
    this.output.dispose();
  }
}

/** Runs the command; returns the shown result, or undefined when cancelled or failed. */
export async function verifyLinks(
  client: LanguageClient | undefined,
  view: VerificationView,
  linksFolder?: vscode.Uri,
): Promise<TraceView | undefined> {
  const policy = activePolicy("verify links against it");
  const editor = vscode.window.activeTextEditor;
  if (policy === undefined || editor === undefined) return undefined;
  const folder = await pickUri(linksFolder, {
    title: "Totem: choose the folder holding the links (*.link)",
    openLabel: "Verify",
    canSelectFiles: false,
    canSelectFolders: true,
    defaultUri: vscode.Uri.joinPath(policy.uri, ".."),
  });
  if (folder === undefined) return undefined;
  const params: SimulateParams = { uri: policy.uri.toString(), linksDir: folder.fsPath };
  const raw = await sendCustomRequest(client, "totem/simulate", params, "verify the links");
  if (raw === undefined) return undefined;
  const result = readTrace(raw);
  view.show(editor, folder.fsPath, result);
  return result;
}

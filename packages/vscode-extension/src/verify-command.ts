// "Totem: Verify Against Links Folder": the server verifies the links in a folder against the
// policy (`totem/simulate`). The result is shown four ways, all owned by VerificationView:
// a mark at the end of each verified rule's line, the failures in the Problems panel (with the
// rule's range), a status-bar item (pass / fail / stale; click → the trace in the "Totem
// Verification" output), and that output. Marks are never stale: an edit greys the marks of the
// lines it touched (and drops their problems), shifts the others with the text, and saving
// re-verifies against the same folder (`totem.verifyOnSave`, default on). "Simulate With Inspections"
// is the same with the inspections run, in a scratch copy of the folder.
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import type { SimulatedRule, SimulateParams, SimulateResult } from "./protocol.js";
import { activePolicy, pickUri, sendCustomRequest } from "./server-requests.js";

/** One verified rule (or a failure located in the policy). */
export interface TraceEntry {
  range?: vscode.Range;
  passed: boolean;
  text: string;
  /** The engine's failure code, for failures. */
  code?: string;
  /** True once an edit touched the entry's lines: its result no longer describes the text. */
  stale: boolean;
}

/** A verification result reduced to what the extension shows. */
export interface TraceView {
  passed: boolean;
  entries: TraceEntry[];
  problems: string[];
  /** What was not checked, e.g. inspections (simulation does not run them). */
  notes: string[];
  /** True once the policy was edited after verification. */
  stale: boolean;
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
  const rules: TraceEntry[] = result.trace.map((t) => ({
    range: rangeOf(t.range),
    passed: t.passed,
    text: entryText(t.step, t.rule, t.message),
    stale: false,
  }));
  // A failure that names a rule is already that rule's failing entry (same range, same message):
  // showing it again would say the message twice. Other located failures (a missing link, a bad
  // signature) are shown on their step.
  const shown = (f: SimulateResult["failures"][number]) =>
    result.trace.some((t) => !t.passed && t.message === f.message && t.range !== undefined && rangeOf(t.range)?.isEqual(rangeOf(f.range) as vscode.Range));
  const failures: TraceEntry[] = result.failures
    .filter((f) => f.range !== undefined && !shown(f))
    .map((f) => ({ range: rangeOf(f.range), passed: false, text: entryText(f.step, f.rule, f.message), code: f.code, stale: false }));
  for (const r of rules) {
    if (!r.passed) r.code = result.failures.find((f) => r.text.endsWith(f.message))?.code;
  }
  const problems = result.failures.map((f) => f.message);
  if (result.error !== undefined) problems.push(result.error);
  const notes = result.skippedInspections.map((i) => `inspection ${i.name} was not run (simulation does not execute inspections)`);
  return { passed: result.passed && result.error === undefined, entries: [...rules, ...failures], problems, notes, stale: false };
}

/** Shifts or marks stale the entries of `view` for one content change (ranges of the text before it). */
export function applyChange(view: TraceView, change: { range: vscode.Range; text: string }): void {
  const first = change.range.start.line;
  const last = change.range.end.line;
  const delta = (change.text.match(/\n/g)?.length ?? 0) - (last - first);
  view.stale = true;
  for (const e of view.entries) {
    if (e.range === undefined || e.range.end.line < first) continue;
    if (e.range.start.line > last) {
      e.range = new vscode.Range(e.range.start.line + delta, e.range.start.character, e.range.end.line + delta, e.range.end.character);
    } else {
      e.stale = true;
      const end = Math.max(e.range.start.line, e.range.end.line + delta);
      e.range = new vscode.Range(e.range.start.line, e.range.start.character, end, 0);
    }
  }
}

interface Verified {
  linksDir: vscode.Uri;
  view: TraceView;
  /** Whether the inspections were run (Simulate With Inspections): a re-run on save does the same. */
  inspections: boolean;
}

const VERIFY_SOURCE = "totem verify";

/** Owns the marks, the Problems entries, the status-bar item and the output of verification results. */
export class VerificationView implements vscode.Disposable {
  private readonly pass = vscode.window.createTextEditorDecorationType({
    after: { margin: "0 0 0 2em", color: new vscode.ThemeColor("testing.iconPassed") },
  });
  private readonly fail = vscode.window.createTextEditorDecorationType({
    after: { margin: "0 0 0 2em", color: new vscode.ThemeColor("testing.iconFailed") },
  });
  private readonly failLine = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor("diffEditor.removedLineBackground"),
    isWholeLine: true,
  });
  private readonly stale = vscode.window.createTextEditorDecorationType({
    after: { margin: "0 0 0 2em", color: new vscode.ThemeColor("disabledForeground"), fontStyle: "italic" },
  });
  readonly output = vscode.window.createOutputChannel("Totem Verification");
  readonly problems = vscode.languages.createDiagnosticCollection("totem-verify");
  readonly statusBar = vscode.window.createStatusBarItem("totem.verification", vscode.StatusBarAlignment.Left, 10);
  /** The last result per policy URI (read by the extension-host tests). */
  readonly results = new Map<string, TraceView>();
  private readonly verified = new Map<string, Verified>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly rerun: (doc: vscode.TextDocument, linksDir: vscode.Uri, inspections: boolean) => Promise<unknown>) {
    this.statusBar.name = "Totem Verification";
    this.statusBar.command = "totem.showVerificationTrace";
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => this.edited(e)),
      vscode.workspace.onDidSaveTextDocument((doc) => this.saved(doc)),
      vscode.window.onDidChangeVisibleTextEditors((editors) => {
        for (const ed of editors) this.render(ed);
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateStatus()),
    );
  }

  show(editor: vscode.TextEditor, linksDir: vscode.Uri, view: TraceView, inspections = false): void {
    const uri = editor.document.uri.toString();
    this.results.set(uri, view);
    this.verified.set(uri, { linksDir, view, inspections });
    for (const ed of vscode.window.visibleTextEditors) if (ed.document.uri.toString() === uri) this.render(ed);
    this.publishProblems(editor.document.uri, view);
    this.updateStatus();
    const out = this.output;
    out.clear();
    const how = inspections ? " (inspections run in a scratch copy of the folder)" : "";
    out.appendLine(`${view.passed ? "PASSED" : "FAILED"}: ${editor.document.uri.fsPath} against ${linksDir.fsPath}${how}`);
    for (const p of view.problems) out.appendLine(`  error: ${p}`);
    for (const n of view.notes) out.appendLine(`  note: ${n}`);
    for (const e of view.entries) {
      const where = e.range ? `${e.range.start.line + 1}:${e.range.start.character + 1} ` : "";
      out.appendLine(`  ${e.passed ? "✓" : "✗"} ${where}${e.text}`);
    }
  }

  /** The links folder a policy was last verified against. */
  linksDirOf(policy: vscode.Uri): vscode.Uri | undefined {
    return this.verified.get(policy.toString())?.linksDir;
  }

  /** The status-bar text now (read by the extension-host tests). */
  statusText(): string | undefined {
    return this.statusBar.text === "" ? undefined : this.statusBar.text;
  }

  clear(editor: vscode.TextEditor | undefined): void {
    if (editor === undefined) return;
    const uri = editor.document.uri.toString();
    this.results.delete(uri);
    this.verified.delete(uri);
    this.problems.delete(editor.document.uri);
    for (const t of [this.pass, this.fail, this.failLine, this.stale]) editor.setDecorations(t, []);
    this.updateStatus();
  }

  /** One mark per line at the end of the line (after a one-line `{ … }` too), one per kind. */
  private render(editor: vscode.TextEditor): void {
    const state = this.verified.get(editor.document.uri.toString());
    if (state === undefined) return;
    const doc = editor.document;
    const marks = (pick: (e: TraceEntry) => boolean, sign: string): vscode.DecorationOptions[] => {
      const byLine = new Map<number, TraceEntry[]>();
      for (const e of state.view.entries) {
        if (e.range === undefined || !pick(e) || e.range.end.line >= doc.lineCount) continue;
        byLine.set(e.range.end.line, [...(byLine.get(e.range.end.line) ?? []), e]);
      }
      return [...byLine].map(([line, es]) => {
        const end = doc.lineAt(line).range.end;
        const text = es.map((e) => e.text).join("; ");
        return {
          range: new vscode.Range(end, end),
          renderOptions: { after: { contentText: `${sign} ${text}` } },
          // Failures are in the Problems panel, whose hover already says the message: say it once.
          ...(sign === "✓" ? { hoverMessage: text } : {}),
        };
      });
    };
    editor.setDecorations(this.pass, marks((e) => e.passed && !e.stale, "✓"));
    editor.setDecorations(this.fail, marks((e) => !e.passed && !e.stale, "✗"));
    editor.setDecorations(this.stale, marks((e) => e.stale, "○ edited since verification:"));
    editor.setDecorations(
      this.failLine,
      state.view.entries.filter((e) => !e.passed && !e.stale && e.range !== undefined).map((e) => e.range as vscode.Range),
    );
  }

  private publishProblems(uri: vscode.Uri, view: TraceView): void {
    const diags = view.entries
      .filter((e) => !e.passed && !e.stale && e.range !== undefined)
      .map((e) => {
        const d = new vscode.Diagnostic(e.range as vscode.Range, `Verification failed: ${e.text}`, vscode.DiagnosticSeverity.Error);
        d.source = VERIFY_SOURCE;
        if (e.code !== undefined) d.code = e.code;
        return d;
      });
    // A failure with no place in the policy (e.g. the links folder could not be read) goes on line 1.
    if (!view.passed && diags.length === 0 && !view.stale) {
      const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), `Verification failed: ${view.problems.join(" ")}`, vscode.DiagnosticSeverity.Error);
      d.source = VERIFY_SOURCE;
      diags.push(d);
    }
    this.problems.set(uri, diags);
  }

  private updateStatus(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const state = doc && this.verified.get(doc.uri.toString());
    if (state === undefined) {
      this.statusBar.text = "";
      this.statusBar.hide();
      return;
    }
    const failed = state.view.entries.filter((e) => !e.passed).length;
    const save = this.onSave() ? "save to re-verify" : "run Verify again";
    if (state.view.stale) {
      this.statusBar.text = "$(history) Totem: verification stale";
      this.statusBar.tooltip = `The policy changed since it was verified against ${state.linksDir.fsPath}: ${save}. Click for the last trace.`;
    } else if (state.view.passed) {
      this.statusBar.text = "$(pass) Totem: verified";
      this.statusBar.tooltip = `The links in ${state.linksDir.fsPath} pass this policy. Click for the trace.`;
    } else {
      this.statusBar.text = `$(error) Totem: verification failed${failed > 0 ? ` (${failed})` : ""}`;
      this.statusBar.tooltip = `The links in ${state.linksDir.fsPath} fail this policy. Click for the trace.`;
    }
    this.statusBar.show();
  }

  private onSave(): boolean {
    return vscode.workspace.getConfiguration("totem").get<boolean>("verifyOnSave", true);
  }

  private edited(e: vscode.TextDocumentChangeEvent): void {
    const state = this.verified.get(e.document.uri.toString());
    if (state === undefined || e.contentChanges.length === 0) return;
    // Each change's range refers to the text before the event; apply them bottom-up.
    const changes = [...e.contentChanges].sort((a, b) => b.range.start.compareTo(a.range.start));
    for (const c of changes) applyChange(state.view, c);
    for (const ed of vscode.window.visibleTextEditors) if (ed.document === e.document) this.render(ed);
    this.publishProblems(e.document.uri, state.view);
    this.updateStatus();
  }

  private saved(doc: vscode.TextDocument): void {
    const state = this.verified.get(doc.uri.toString());
    if (state === undefined || !state.view.stale || !this.onSave()) return;
    void this.rerun(doc, state.linksDir, state.inspections);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const t of [this.pass, this.fail, this.failLine, this.stale]) t.dispose();
    this.output.dispose();
    this.problems.dispose();
    this.statusBar.dispose();
  }
}

/**
 * Verifies `policy` against the links in `folder` and shows the result; undefined when the server
 * could not answer. With `inspections`, the inspections run too, in a scratch copy of the folder
 * (their commands may change the files they work on), deleted afterwards.
 */
export async function verifyPolicy(
  client: LanguageClient | undefined,
  view: VerificationView,
  policy: vscode.TextDocument,
  folder: vscode.Uri,
  inspections = false,
): Promise<TraceView | undefined> {
  const params: SimulateParams = { uri: policy.uri.toString(), linksDir: folder.fsPath, ...attestationTrust(policy, folder) };
  let scratch: vscode.Uri | undefined;
  if (inspections) {
    scratch = vscode.Uri.file(mkdtempSync(join(tmpdir(), "totem-simulate-")));
    const work = vscode.Uri.joinPath(scratch, "work");
    await vscode.workspace.fs.copy(folder, work, { overwrite: true });
    params.runInspections = true;
    params.workDir = work.fsPath;
  }
  try {
    const raw = await sendCustomRequest(client, "totem/simulate", params, "verify the links");
    if (raw === undefined) return undefined;
    const result = readTrace(raw);
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === policy);
    if (editor !== undefined) view.show(editor, folder, result, inspections);
    return result;
  } finally {
    if (scratch !== undefined) await Promise.resolve(vscode.workspace.fs.delete(scratch, { recursive: true })).catch(() => undefined);
  }
}

/**
 * The trusted root and parameters files for a policy of target "ite-10" (the server ignores them for
 * other targets): the settings `totem.trustedRoot` / `totem.attestationParameters` (relative to the
 * policy), else `trusted_root.json` / `parameters.json` beside the policy (the root also in the
 * folder's parent), as `totem verify --trusted-root --substitute-parameters` would be given them.
 */
function attestationTrust(policy: vscode.TextDocument, folder: vscode.Uri): Pick<SimulateParams, "trustedRoot" | "parameters"> {
  if (policy.uri.scheme !== "file") return {};
  const config = vscode.workspace.getConfiguration("totem", policy.uri);
  const beside = dirname(policy.uri.fsPath);
  const pick = (setting: string, candidates: string[]) => {
    const configured = config.get<string>(setting, "");
    if (configured) return resolve(beside, configured);
    return candidates.find((c) => existsSync(c));
  };
  const trustedRoot = pick("trustedRoot", [join(beside, "trusted_root.json"), join(dirname(folder.fsPath), "trusted_root.json")]);
  const parameters = pick("attestationParameters", [join(beside, "parameters.json")]);
  return { ...(trustedRoot ? { trustedRoot } : {}), ...(parameters ? { parameters } : {}) };
}

/** Runs the command (with `inspections`: Simulate With Inspections); the shown result, or undefined when cancelled or failed. */
export async function verifyLinks(
  client: LanguageClient | undefined,
  view: VerificationView,
  linksFolder?: vscode.Uri,
  inspections = false,
): Promise<TraceView | undefined> {
  const policy = activePolicy("verify links against it");
  if (policy === undefined) return undefined;
  const folder = await pickUri(linksFolder, {
    title: "Totem: choose the folder holding the links (*.link), or the attestations for an ite-10 policy",
    openLabel: "Verify",
    canSelectFiles: false,
    canSelectFolders: true,
    defaultUri: view.linksDirOf(policy.uri) ?? vscode.Uri.joinPath(policy.uri, ".."),
  });
  if (folder === undefined) return undefined;
  return verifyPolicy(client, view, policy, folder, inspections);
}

// "Totem: Show Compiled Layout": a read-only virtual document beside the policy holding the
// unsigned layout JSON the server compiles (`totem/compiledLayout`; for target "ite-10" the
// attestation layout's YAML), refreshed as the policy changes.
// Its tab says "compiled preview" so it cannot be taken for a real `.layout` file beside the policy;
// while the policy has errors it keeps the last layout that compiled, marked stale at the top.
// The same provider serves one step's (or inspection's) compiled JSON (the "Show compiled JSON" lens).
import * as vscode from "vscode";
import { ErrorCodes, type LanguageClient, ResponseError } from "vscode-languageclient/node";
import type { CompiledLayoutParams, CompiledLayoutResult, TotemMethod } from "./protocol.js";
import { activePolicy } from "./server-requests.js";

const COMPILED_LAYOUT: TotemMethod = "totem/compiledLayout";

/** URI scheme of compiled-layout previews. */
export const PREVIEW_SCHEME = "totem-compiled";
const REFRESH_DELAY_MS = 150;

function fileName(policy: vscode.Uri): string {
  return policy.path.slice(policy.path.lastIndexOf("/") + 1);
}

/**
 * The preview URI of a policy (or of one of its steps): its tab reads `Compiled preview of demo.totem`
 * / `Compiled step build of demo.totem` (not a file name, so neither the tab nor Quick Open offers it
 * as `demo.totem` or a `.layout`); the query holds the policy URI.
 */
export function previewUriFor(policy: vscode.Uri, step?: string): vscode.Uri {
  const dir = policy.path.slice(0, policy.path.lastIndexOf("/") + 1);
  const label = step === undefined ? "Compiled preview" : `Compiled step ${step}`;
  return vscode.Uri.from({
    scheme: PREVIEW_SCHEME,
    path: `${dir}${label} of ${fileName(policy)}`,
    query: policy.toString(),
    ...(step === undefined ? {} : { fragment: step }),
  });
}

function severityName(severity: number | undefined): string {
  return ["", "error", "warning", "info", "hint"][severity ?? 1] ?? "error";
}

/** Target "ite-10" compiles to an attestation layout in YAML (comments `#`); every other target to JSON (shown as jsonc, comments `//`). */
const isYaml = (result: CompiledLayoutResult | undefined) => result?.target === "ite-10";

function problemLines(result: CompiledLayoutResult, comment: string): string[] {
  return result.diagnostics.map((d) => {
    const where = `${d.range.start.line + 1}:${d.range.start.character + 1}`;
    return `${comment}   ${where} ${severityName(d.severity)}${d.code === undefined ? "" : ` ${d.code}`}: ${d.message}`;
  });
}

/**
 * One step of an attestation layout as the one writer lays it out (engine attest/layout-yaml.ts: a
 * `  - name: "STEP"` entry under `steps:`, up to the next entry); undefined when it has no such step.
 */
export function stepYaml(yaml: string, name: string): string | undefined {
  const lines = yaml.split("\n");
  const start = lines.indexOf(`  - name: ${JSON.stringify(name)}`);
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && !l.startsWith("    "));
  return `${lines.slice(start, end < 0 ? undefined : end).join("\n")}\n`;
}

/** One step or inspection of a compiled Metablock, as indented JSON; undefined when it has none of that name. */
export function stepJson(json: string, name: string): string | undefined {
  const signed = (JSON.parse(json) as { signed?: { steps?: { name: string }[]; inspect?: { name: string }[] } }).signed;
  const item = [...(signed?.steps ?? []), ...(signed?.inspect ?? [])].find((s) => s.name === name);
  return item === undefined ? undefined : `${JSON.stringify(item, null, 2)}\n`;
}

/**
 * The preview text for a server answer: the JSON; while the policy has errors, the last good JSON
 * (`lastGood`) under a `// STALE` header listing the problems, or only the problems when there is none.
 */
export function previewText(result: CompiledLayoutResult | undefined, lastGood?: { json: string; at: Date }): string {
  if (result === undefined) return "// Totem: the language server is not ready; the preview refreshes when it is.\n";
  if (result.json !== null) return result.json.endsWith("\n") ? result.json : `${result.json}\n`;
  const comment = isYaml(result) ? "#" : "//";
  const count = `${result.diagnostics.length} problem(s)`;
  if (lastGood !== undefined) {
    const at = lastGood.at.toTimeString().slice(0, 8);
    const lines = [`${comment} STALE — the policy does not compile now (${count}); below is the last layout that compiled, at ${at}.`, ...problemLines(result, comment)];
    return `${lines.join("\n")}\n${lastGood.json.endsWith("\n") ? lastGood.json : `${lastGood.json}\n`}`;
  }
  return `${[`${comment} Totem: the policy does not compile yet (${count}):`, ...problemLines(result, comment)].join("\n")}\n`;
}

/** Serves preview documents and refreshes the open ones when their policy changes. */
export class CompiledLayoutPreview implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** The last JSON that compiled, per preview URI. */
  private readonly lastGood = new Map<string, { json: string; at: Date }>();
  /** Previews whose policy is of target "ite-10" (their text is YAML). */
  private readonly yaml = new Set<string>();

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
      const result = await client.sendRequest<CompiledLayoutResult>(COMPILED_LAYOUT, params);
      if (isYaml(result)) this.yaml.add(uri.toString());
      else this.yaml.delete(uri.toString());
      const step = uri.fragment === "" ? undefined : uri.fragment;
      if (result.json !== null && step !== undefined) {
        const json = isYaml(result) ? stepYaml(result.json, step) : stepJson(result.json, step);
        if (json === undefined) return `${isYaml(result) ? "#" : "//"} Totem: the compiled layout has no step or inspection named ${JSON.stringify(step)}.\n`;
        result.json = json;
      }
      if (result.json !== null) this.lastGood.set(uri.toString(), { json: result.json, at: new Date() });
      return previewText(result, this.lastGood.get(uri.toString()));
    } catch (e) {
      if (e instanceof ResponseError && e.code === ErrorCodes.MethodNotFound) {
        return `// Totem: this language server does not implement \`${COMPILED_LAYOUT}\` yet.\n`;
      }
      return `// Totem: the server could not compile this policy: ${e instanceof Error ? e.message : String(e)}\n`;
    }
  }

  /** Opens (or reveals) the preview of the active policy beside it. */
  async show(policyUri?: vscode.Uri, step?: string): Promise<vscode.TextDocument | undefined> {
    const policy = policyUri ?? activePolicy("show its compiled layout")?.uri;
    if (policy === undefined) return undefined;
    const uri = previewUriFor(policy, step);
    const doc = await vscode.workspace.openTextDocument(uri);
    const shown = await vscode.languages.setTextDocumentLanguage(doc, this.yaml.has(uri.toString()) ? "yaml" : "jsonc");
    await vscode.window.showTextDocument(shown, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: false });
    return shown;
  }

  /** Refreshes the preview of a policy shortly after it changes (the server sees the edit first). */
  private policyChanged(doc: vscode.TextDocument): void {
    if (doc.languageId !== "totem") return;
    const policy = doc.uri.toString();
    for (const preview of vscode.workspace.textDocuments.map((d) => d.uri)) {
      if (preview.scheme !== PREVIEW_SCHEME || preview.query !== policy) continue;
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

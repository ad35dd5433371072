// "Totem: Show Step Graph": the policy graph `totem doc` draws (the server's `totem/stepGraph`, built
// by the dsl's policyGraph) in a webview beside the policy: steps and inspections in layout order
// with their signers, MATCH edges as arrows labelled with the pattern, functionaries with the steps
// they sign. Clicking a node, an edge label or a functionary reveals it in the policy. The view
// follows edits of the policy.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import type { StepGraphResult } from "./protocol.js";
import { activePolicy, sendCustomRequest } from "./server-requests.js";

const NODE_W = 260;
const NODE_H = 54;
const GAP = 36;
const LEFT = 40;
const LABEL_H = 15;

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

type Jump = { line: number; character: number };

/** The graph as SVG: nodes top to bottom, each MATCH edge an arc on the right from source to consumer. */
export function graphSvg(g: StepGraphResult): string {
  const y = (i: number) => 20 + i * (NODE_H + GAP);
  const index = new Map(g.nodes.map((n, i) => [n.name, i]));
  const jump = (p: Jump) => `data-line="${p.line}" data-character="${p.character}"`;
  const parts: string[] = [];
  g.nodes.forEach((n, i) => {
    const links = n.signers.length === 0 && n.attestations.length > 0 ? [] : [`by ${n.signers.join(", ") || "nobody"}${n.signers.length > 1 ? ` (${n.threshold} of ${n.signers.length})` : ""}`];
    const who = n.kind === "step" ? [...links, ...n.attestations].join("; ") : "inspection (run by the verifier)";
    parts.push(
      `<g class="node ${n.kind}" ${jump(n.range.start)}><rect x="${LEFT}" y="${y(i)}" width="${NODE_W}" height="${NODE_H}" rx="6"/>` +
        `<text x="${LEFT + 12}" y="${y(i) + 22}" class="name">${esc(n.kind)} ${esc(n.name)}</text>` +
        `<text x="${LEFT + 12}" y="${y(i) + 42}" class="who">${esc(who)}</text></g>`,
    );
  });
  // Labels are bumped down until they overlap no earlier label (about 7 px per character at 12 px).
  const placed: { x0: number; x1: number; y: number }[] = [];
  const place = (x: number, y: number, text: string) => {
    const width = 7 * text.length;
    let at = y;
    while (placed.some((p) => Math.abs(p.y - at) < LABEL_H && p.x0 < x + width && x < p.x1)) at += LABEL_H;
    placed.push({ x0: x, x1: x + width, y: at });
    return at;
  };
  g.edges.forEach((e, k) => {
    const from = index.get(e.from);
    const to = index.get(e.to);
    if (from === undefined || to === undefined) return;
    const x0 = LEFT + NODE_W;
    const y0 = y(from) + NODE_H / 2;
    const y1 = y(to) + NODE_H / 2 + 8;
    const reach = 40 + 28 * (k % 6) + 10 * Math.abs(to - from);
    const label = `${e.fromSide} → ${e.toSide}: ${e.pattern}`;
    parts.push(
      `<g class="edge${e.resolved ? "" : " unresolved"}" ${jump(e.range.start)}><path d="M ${x0} ${y0} C ${x0 + reach} ${y0}, ${x0 + reach} ${y1}, ${x0 + 4} ${y1}" marker-end="url(#arrow)"/>` +
        `<text x="${x0 + reach * 0.75 + 6}" y="${place(x0 + reach * 0.75 + 6, (y0 + y1) / 2, label)}">${esc(label)}</text></g>`,
    );
  });
  const height = Math.max(40 + Math.max(1, g.nodes.length) * (NODE_H + GAP), ...placed.map((p) => p.y + 20));
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="${height}" role="img" aria-label="step graph">` +
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/></marker></defs>` +
    `${parts.join("")}</svg>`
  );
}

function html(policyName: string, g: StepGraphResult, nonce: string): string {
  const signers = g.functionaries
    .map((f) => `<li data-line="${f.range.start.line}" data-character="${f.range.start.character}"><b>${esc(f.name)}</b> signs ${f.steps.map(esc).join(", ") || "no step"}</li>`)
    .join("");
  const empty = g.nodes.length === 0 ? "<p>The policy declares no steps yet.</p>" : "";
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); }
svg text { fill: var(--vscode-foreground); font-size: 12px; }
svg .name { font-weight: bold; font-size: 13px; }
.node rect { fill: var(--vscode-editorWidget-background); stroke: var(--vscode-focusBorder); }
.node.inspection rect { stroke-dasharray: 4 3; }
.edge path { fill: none; stroke: var(--vscode-charts-blue, #3794ff); stroke-width: 1.5; }
.edge.unresolved path { stroke: var(--vscode-errorForeground); }
marker path { fill: var(--vscode-charts-blue, #3794ff); }
[data-line] { cursor: pointer; }
</style></head><body>
<h2 id="title">Step graph of ${esc(g.name ?? policyName)}</h2>
${empty}${graphSvg(g)}
<h3>Functionaries</h3><ul id="signers">${signers}</ul>
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
document.addEventListener("click", (e) => {
  const el = e.target.closest("[data-line]");
  if (el) vscode.postMessage({ line: Number(el.dataset.line), character: Number(el.dataset.character) });
});
</script></body></html>`;
}

/** One webview per policy, refreshed as the policy changes. */
export class StepGraphView implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** The last graph shown per policy URI (read by the extension-host tests). */
  readonly shown = new Map<string, StepGraphResult>();

  constructor(private readonly client: () => LanguageClient | undefined) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        const key = e.document.uri.toString();
        if (!this.panels.has(key)) return;
        clearTimeout(this.timers.get(key));
        this.timers.set(key, setTimeout(() => void this.refresh(e.document.uri), 300));
      }),
    );
  }

  /** Opens (or reveals) the graph of a policy (default: the active one); returns the graph shown. */
  async show(policy?: string | vscode.Uri): Promise<StepGraphResult | undefined> {
    const uri = typeof policy === "string" ? vscode.Uri.parse(policy) : (policy ?? activePolicy("show its step graph")?.uri);
    if (uri === undefined) return undefined;
    const key = uri.toString();
    let panel = this.panels.get(key);
    if (panel === undefined) {
      const name = uri.path.slice(uri.path.lastIndexOf("/") + 1);
      panel = vscode.window.createWebviewPanel("totem.stepGraph", `Step graph: ${name}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: true,
        localResourceRoots: [],
      });
      this.panels.set(key, panel);
      panel.onDidDispose(() => {
        this.panels.delete(key);
        this.shown.delete(key);
      });
      panel.webview.onDidReceiveMessage((m: Jump) => void this.reveal(uri, m));
    } else {
      panel.reveal(undefined, true);
    }
    return this.refresh(uri);
  }

  private async refresh(uri: vscode.Uri): Promise<StepGraphResult | undefined> {
    const panel = this.panels.get(uri.toString());
    if (panel === undefined) return undefined;
    const g = await sendCustomRequest(this.client(), "totem/stepGraph", { uri: uri.toString() }, "show the step graph");
    if (g === undefined) return undefined;
    const nonce = Array.from({ length: 16 }, () => Math.floor(Math.random() * 36).toString(36)).join("");
    panel.webview.html = html(uri.path.slice(uri.path.lastIndexOf("/") + 1), g, nonce);
    this.shown.set(uri.toString(), g);
    return g;
  }

  private async reveal(uri: vscode.Uri, at: Jump): Promise<void> {
    if (!Number.isInteger(at?.line) || !Number.isInteger(at?.character)) return;
    const doc = await vscode.workspace.openTextDocument(uri);
    const pos = new vscode.Position(at.line, at.character);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(pos, pos) });
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const p of this.panels.values()) p.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

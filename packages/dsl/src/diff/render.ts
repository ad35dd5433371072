// Renderers for policy diffs: plain text for terminals, markdown for pull-request comments, and a
// stable JSON document (docs/cli.md, "totem diff").
import type { Change, Classification } from "./change.js";

/** How many changes of each classification. */
export type DiffSummary = Record<Classification, number>;

/** Counts changes by classification. */
export function summarize(changes: readonly Change[]): DiffSummary {
  const out: DiffSummary = { weakens: 0, strengthens: 0, neutral: 0 };
  for (const c of changes) out[c.classification]++;
  return out;
}

function summaryLine(changes: readonly Change[]): string {
  const s = summarize(changes);
  const n = changes.length;
  return `${n} change${n === 1 ? "" : "s"}: ${s.weakens} weakening, ${s.strengthens} strengthening, ${s.neutral} neutral`;
}

/**
 * Plain text: a summary line, then one line per change (`weakens      step build: reason`).
 * `paint` may style the classification label (the CLI colours it on a terminal).
 */
export function renderDiffText(changes: readonly Change[], paint: (c: Classification, label: string) => string = (_, l) => l): string {
  if (changes.length === 0) return "No semantic changes.\n";
  const lines = [summaryLine(changes)];
  for (const c of changes) lines.push(`  ${paint(c.classification, c.classification.padEnd(11))}  ${c.subject}: ${c.reason}`);
  return `${lines.join("\n")}\n`;
}

const MARK: Record<Classification, string> = { weakens: "⚠️ weakens", strengthens: "✅ strengthens", neutral: "neutral" };

function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ").replace(/`/g, "\\`");
}

/** Markdown for a pull-request comment: a heading, a summary, a table with ⚠️ on weakening rows. */
export function renderDiffMarkdown(changes: readonly Change[], title = "Totem policy diff"): string {
  const lines = [`### ${title}`, ""];
  if (changes.length === 0) return `${[...lines, "No semantic changes."].join("\n")}\n`;
  const s = summarize(changes);
  lines.push(s.weakens > 0 ? `**${summaryLine(changes)}.** Review the ⚠️ rows before merging.` : `${summaryLine(changes)}.`, "");
  lines.push("| | Subject | Change |", "|---|---|---|");
  for (const c of changes) lines.push(`| ${MARK[c.classification]} | ${cell(c.subject)} | ${cell(c.reason)} |`);
  return `${lines.join("\n")}\n`;
}

/** The JSON document: `{"version": 1, "summary": {...}, "changes": [{kind, subject, classification, reason}]}`. */
export function renderDiffJson(changes: readonly Change[]): string {
  const doc = {
    version: 1,
    summary: summarize(changes),
    changes: changes.map((c) => ({ kind: c.kind, subject: c.subject, classification: c.classification, reason: c.reason })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

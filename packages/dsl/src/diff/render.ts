// Renderers for policy diffs: plain text for terminals, markdown for pull-request comments, and a
// stable JSON document (docs/cli.md, "totem diff").
import { type Change, CLASSIFICATIONS, type Classification, mayWeaken } from "./change.js";

/** How many changes of each classification. */
export type DiffSummary = Record<Classification, number>;

/** Counts changes by classification. */
export function summarize(changes: readonly Change[]): DiffSummary {
  const out: DiffSummary = { weakens: 0, mixed: 0, undetermined: 0, strengthens: 0, neutral: 0 };
  for (const c of changes) out[c.classification]++;
  return out;
}

const WORD: Record<Classification, string> = {
  weakens: "weakening",
  mixed: "mixed",
  undetermined: "not determined",
  strengthens: "strengthening",
  neutral: "neutral",
};

function summaryLine(changes: readonly Change[]): string {
  const s = summarize(changes);
  const n = changes.length;
  const counts = CLASSIFICATIONS.filter((c) => s[c] > 0 || c === "weakens" || c === "strengthens").map((c) => `${s[c]} ${WORD[c]}`);
  return `${n} change${n === 1 ? "" : "s"}: ${counts.join(", ")}`;
}

/**
 * Plain text: a summary line, then one line per change (`weakens       step build: reason`).
 * `paint` may style the classification label (the CLI colours it on a terminal).
 */
export function renderDiffText(changes: readonly Change[], paint: (c: Classification, label: string) => string = (_, l) => l): string {
  if (changes.length === 0) return "No semantic changes.\n";
  const lines = [summaryLine(changes)];
  for (const c of changes) lines.push(`  ${paint(c.classification, c.classification.padEnd(12))}  ${c.subject}: ${c.reason}`);
  return `${lines.join("\n")}\n`;
}

const MARK: Record<Classification, string> = {
  weakens: "⚠️ weakens",
  mixed: "⚠️ mixed",
  undetermined: "⚠️ not determined",
  strengthens: "✅ strengthens",
  neutral: "neutral",
};

/**
 * Text for a table cell: every character Markdown could read as markup is escaped (so the pattern
 * `"demo-project/*"` keeps its `*` and is not italics), line breaks become spaces.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`);
}

/** Options of the markdown form. */
export interface MarkdownOptions {
  title?: string;
  /** URLs of the old and new policy files: a row with a line links to `URL#L<line>`. */
  links?: { old?: string; new?: string };
  /** Rows shown before the rest are summarized in one line (default 40: a PR comment stays short). */
  maxRows?: number;
}

/** Markdown for a pull-request comment: a heading, a summary, a table with ⚠️ on rows that may weaken. */
export function renderDiffMarkdown(changes: readonly Change[], options: MarkdownOptions | string = {}): string {
  const opts = typeof options === "string" ? { title: options } : options;
  const lines = [`### ${opts.title ?? "Totem policy diff"}`, ""];
  if (changes.length === 0) return `${[...lines, "No semantic changes."].join("\n")}\n`;
  const risky = changes.some((c) => mayWeaken(c.classification));
  lines.push(risky ? `**${summaryLine(changes)}.** Review the ⚠️ rows before merging.` : `${summaryLine(changes)}.`, "");
  lines.push("| | Subject | Change |", "|---|---|---|");
  const max = opts.maxRows ?? 40;
  for (const c of changes.slice(0, max)) {
    const url = c.line ? opts.links?.[c.line.side] : undefined;
    const subject = url && c.line ? `[${escapeMarkdown(c.subject)}](${url}#L${c.line.line})` : escapeMarkdown(c.subject);
    lines.push(`| ${MARK[c.classification]} | ${subject} | ${escapeMarkdown(c.reason)} |`);
  }
  if (changes.length > max) lines.push("", `…and ${changes.length - max} more changes (\`totem diff\` prints all of them).`);
  return `${lines.join("\n")}\n`;
}

/** The JSON document: `{"version": 2, "summary": {...}, "changes": [{kind, subject, classification, reason, line?}]}`. */
export function renderDiffJson(changes: readonly Change[]): string {
  const doc = {
    version: 2,
    summary: summarize(changes),
    changes: changes.map((c) => ({ kind: c.kind, subject: c.subject, classification: c.classification, reason: c.reason, ...(c.line ? { line: c.line } : {}) })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

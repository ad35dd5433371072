// Diagnostics as code frames: `file:line:col`, the source line, `^^^` under the span, the code and a
// hint. Spans are 0-based UTF-16 offsets (dsl/diagnostic.ts); lines and columns printed here and in
// SARIF are 1-based, columns counted in UTF-16 code units like the spans (and the LSP).
import { type Diagnostic, LineIndex, type Severity, type Span } from "@totem/dsl";
import type { Style } from "./terminal.js";

/** A 1-based line and 1-based UTF-16 column. */
export interface LineColumn {
  line: number;
  column: number;
}

/** How a severity is spelled in messages. */
export function severityLabel(severity: Severity): string {
  return severity === "hint" ? "hint" : severity;
}

function paint(severity: Severity, style: Style): (s: string) => string {
  switch (severity) {
    case "error":
      return style.red;
    case "warning":
      return style.yellow;
    default:
      return style.cyan;
  }
}

/** Whether a code point takes two terminal cells (CJK, Hangul, fullwidth forms, emoji). */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Whitespace as wide on screen as `prefix`, keeping its tabs so carets line up under tabs too. */
function padLike(prefix: string): string {
  let out = "";
  for (const ch of prefix) out += ch === "\t" ? "\t" : isWide(ch.codePointAt(0) ?? 0) ? "  " : " ";
  return out;
}

/** Caret count for text: its width in terminal cells, at least one so empty spans stay visible. */
function caretWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += ch === "\t" ? 1 : isWide(ch.codePointAt(0) ?? 0) ? 2 : 1;
  return Math.max(1, width);
}

/** The source line and the caret line under `span` (only the span's first line is underlined). */
function frameLines(index: LineIndex, span: Span, mark: (s: string) => string, style: Style, gutterWidth: number): string[] {
  const start = index.lineColumn(span.start);
  const end = index.lineColumn(Math.max(span.start, span.end));
  const text = index.lineText(start.line - 1);
  const from = start.column - 1;
  const to = end.line === start.line ? end.column - 1 : text.length;
  const gutter = String(start.line).padStart(gutterWidth);
  const blank = " ".repeat(gutterWidth);
  return [
    `${style.dim(` ${gutter} |`)} ${text}`,
    `${style.dim(` ${blank} |`)} ${padLike(text.slice(0, from))}${mark("^".repeat(caretWidth(text.slice(from, to))))}`,
  ];
}

/** Renders one diagnostic as a code frame for `file` (the path as the user should see it). */
export function codeFrame(file: string, text: string, diagnostic: Diagnostic, style: Style, index = new LineIndex(text)): string {
  const mark = paint(diagnostic.severity, style);
  const at = index.lineColumn(diagnostic.span.start);
  const related = diagnostic.related ?? [];
  // One gutter width for the whole diagnostic so the frames of its notes line up with its own.
  const gutterWidth = Math.max(at.line, ...related.map((r) => index.lineColumn(r.span.start).line)).toString().length;
  const lines = [
    `${style.bold(`${file}:${at.line}:${at.column}`)}: ${mark(`${severityLabel(diagnostic.severity)}[${diagnostic.code}]`)} ${style.bold(diagnostic.message)}`,
    ...frameLines(index, diagnostic.span, mark, style, gutterWidth),
  ];
  for (const note of related) {
    const r = index.lineColumn(note.span.start);
    lines.push(`  ${style.cyan("note")}: ${file}:${r.line}:${r.column}: ${note.message}`);
    lines.push(...frameLines(index, note.span, style.cyan, style, gutterWidth));
  }
  if (diagnostic.fix) lines.push(`  ${style.cyan("help")}: ${diagnostic.fix.title}`);
  lines.push(`  ${style.dim(`see ${docsPage(diagnostic.code)}#${diagnostic.code}`)}`);
  return `${lines.join("\n")}\n`;
}

/** The page documenting a code: the policy language's, or (codes `test-…`) policy tests'. */
export function docsPage(code: string): string {
  return code.startsWith("test-") ? "docs/testing.md" : "docs/language.md";
}

/**
 * The published address of a code's documentation under `docsBase` (the URL of the folder holding
 * language.md and testing.md, e.g. https://github.com/ORG/totem/blob/v0.1.0/docs/), or undefined
 * when no base is known: Totem has no fixed public address, and a link that does not resolve is worse
 * than none. Undefined, too, for a base that is not an absolute http(s) URL.
 */
export function docsUrl(code: string, docsBase: string | undefined): string | undefined {
  if (docsBase === undefined || docsBase === "") return undefined;
  const base = docsBase.endsWith("/") ? docsBase : `${docsBase}/`;
  if (!URL.canParse(base) || !/^https?:$/.test(new URL(base).protocol)) return undefined;
  const page = new URL(docsPage(code).replace(/^docs\//, ""), base).href;
  return code === "" ? page : `${page}#${code}`;
}

// Text edits for quick fixes. Fixes keep the author's layout: new lines take the indentation of their
// neighbours, and one-line blocks stay on one line.
import type { TextEdit } from "../diagnostic.js";

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf("\n", offset);
  return nl === -1 ? text.length : nl;
}

/** The leading whitespace of the line holding `offset`. */
export function indentAt(text: string, offset: number): string {
  const start = lineStart(text, offset);
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/** Inserts `line` as a new line after the line holding `offset`, at that line's indentation. */
export function insertLineAfter(text: string, offset: number, line: string): TextEdit {
  const at = lineEnd(text, offset);
  return { span: { start: at, end: at }, newText: `\n${indentAt(text, offset)}${line}` };
}

/**
 * Inserts `content` just before the closing brace at `close` (the offset of `}`): on its own line,
 * one level deeper than the brace, when the brace starts its line; otherwise inline.
 */
export function insertBeforeClose(text: string, close: number, content: string): TextEdit | undefined {
  if (text[close] !== "}") return undefined;
  const start = lineStart(text, close);
  if (/^[ \t]*$/.test(text.slice(start, close))) {
    const indent = text.slice(start, close);
    return { span: { start, end: start }, newText: `${indent}  ${content}\n` };
  }
  const before = text[close - 1] === " " || text[close - 1] === "\t" ? "" : " ";
  return { span: { start: close, end: close }, newText: `${before}${content} ` };
}

/** Deletes the lines from the one holding `start` to the one holding `end`, when nothing else is on them. */
export function deleteLines(text: string, start: number, end: number): TextEdit {
  const from = lineStart(text, start);
  const to = lineEnd(text, end);
  const alone = /^[ \t]*$/.test(text.slice(from, start)) && /^[ \t]*(#.*)?$/.test(text.slice(end, to));
  if (!alone) return { span: { start, end }, newText: "" };
  return { span: { start: from, end: Math.min(to + 1, text.length) }, newText: "" };
}

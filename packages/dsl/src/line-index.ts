// The ONE implementation of offset <-> line/character conversion. Spans are 0-based UTF-16 offsets;
// positions are 0-based lines and UTF-16 characters (the LSP's default `positionEncoding`, so LSP
// positions are these values as they are). The language server converts protocol positions with it,
// the CLI prints code frames and SARIF locations with it.
import type { Span } from "./diagnostic.js";

/** A 0-based line and a 0-based UTF-16 character offset within it (the LSP `Position` shape). */
export interface LineCharacter {
  line: number;
  character: number;
}

/** A start and an end position (the LSP `Range` shape). */
export interface LineRange {
  start: LineCharacter;
  end: LineCharacter;
}

/**
 * Appends to `starts` the line starts produced by line breaks at positions [from, to) of `text`:
 * `\n`, `\r\n` (one break, ending at the `\n`) and a lone `\r` (LSP §3.17 Text Documents). A `\r` at
 * to-1 followed by `\n` is left to the caller (its start is past `to`).
 */
function scanBreaks(text: string, from: number, to: number, starts: number[]): void {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
  }
}

/** Line start offsets of one text; converts offsets ↔ positions in O(log lines). */
export class LineIndex {
  /** Offset at which each line starts; line 0 starts at 0. `\n`, `\r\n` and `\r` end lines (LSP §3.17 Text Documents). */
  private readonly starts: number[];

  /** Indexes `text`; `starts` only from `withEdit`, which computed them. */
  constructor(
    private readonly text: string,
    starts?: number[],
  ) {
    if (starts) {
      this.starts = starts;
      return;
    }
    this.starts = [0];
    scanBreaks(text, 0, text.length, this.starts);
  }

  /**
   * The index of `newText`, which is this index's text with `span` replaced by `inserted`. Reuses
   * the line starts before and after the edit (shifted), rescanning only around it: typing in a
   * 5k-line policy costs microseconds instead of a full scan.
   */
  withEdit(span: Span, inserted: string, newText: string): LineIndex {
    const { start: a, end: b } = span;
    const delta = inserted.length - (b - a);
    // Starts up to a-1 depend only on characters before a (a `\r` at a-1 is rescanned below).
    const starts = [0];
    let k = 1;
    while (k < this.starts.length && (this.starts[k] as number) <= a - 1) starts.push(this.starts[k++] as number);
    // Rescan from a-1 to one past the insertion: a `\r\n` may have been split or joined there.
    const end = Math.min(newText.length, a + inserted.length + 1);
    scanBreaks(newText, Math.max(0, a - 1), end, starts);
    // Starts past b+1 in the old text come from line breaks the edit did not touch.
    while (k < this.starts.length && (this.starts[k] as number) <= b + 1) k++;
    for (; k < this.starts.length; k++) starts.push((this.starts[k] as number) + delta);
    return new LineIndex(newText, starts);
  }

  /** Number of lines (an empty text has one). */
  get lineCount(): number {
    return this.starts.length;
  }

  /** The offset where `line` starts, clamped to the text. */
  lineStart(line: number): number {
    if (line <= 0) return 0;
    if (line >= this.starts.length) return this.text.length;
    return this.starts[line] ?? this.text.length;
  }

  /** The offset just before the line break that ends `line` (or the end of the text). */
  lineEnd(line: number): number {
    if (line + 1 >= this.starts.length) return this.text.length;
    let end = (this.starts[line + 1] ?? this.text.length) - 1;
    if (end > 0 && this.text.charCodeAt(end) === 10 && this.text.charCodeAt(end - 1) === 13) end--;
    return Math.max(end, this.lineStart(line));
  }

  /** The offset of a position; characters past the end of a line clamp to the line's end, as the protocol asks. */
  offsetAt(position: LineCharacter): number {
    if (position.line < 0) return 0;
    if (position.line >= this.starts.length) return this.text.length;
    const start = this.lineStart(position.line);
    return Math.min(start + Math.max(0, position.character), this.lineEnd(position.line));
  }

  /** The position of an offset (clamped to the text). */
  positionAt(offset: number): LineCharacter {
    const at = Math.max(0, Math.min(Number.isFinite(offset) ? offset : 0, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: at - (this.starts[lo] ?? 0) };
  }

  /** A 1-based line and 1-based UTF-16 column, as people read them (code frames, SARIF). */
  lineColumn(offset: number): { line: number; column: number } {
    const p = this.positionAt(offset);
    return { line: p.line + 1, column: p.character + 1 };
  }

  /** The text of a 0-based line without its terminator. */
  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }

  /** The range (start and end positions) of a span. */
  rangeOf(span: Span): LineRange {
    return { start: this.positionAt(span.start), end: this.positionAt(span.end) };
  }

  /** The span of a range. */
  spanOf(range: LineRange): Span {
    const a = this.offsetAt(range.start);
    const b = this.offsetAt(range.end);
    return a <= b ? { start: a, end: b } : { start: b, end: a };
  }
}

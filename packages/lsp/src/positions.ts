// The ONE module that converts between the dsl's 0-based UTF-16 offsets and LSP positions
// ({line, character}, also UTF-16 code units: the protocol's default `positionEncoding`).
// A `LineIndex` is built once per document version and cached with it (see documents.ts).
import type { Span } from "@totem/dsl";
import type { Position, Range } from "vscode-languageserver";

/** Line start offsets of one text; converts offsets ↔ positions in O(log lines). */
export class LineIndex {
  /** Offset at which each line starts; line 0 starts at 0. `\n`, `\r\n` and `\r` end lines (LSP §3.17 Text Documents). */
  private readonly starts: number[];

  constructor(private readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
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
  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.starts.length) return this.text.length;
    const start = this.lineStart(position.line);
    return Math.min(start + Math.max(0, position.character), this.lineEnd(position.line));
  }

  /** The position of an offset (clamped to the text). */
  positionAt(offset: number): Position {
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

  /** The protocol range of a dsl span. */
  rangeOf(span: Span): Range {
    return { start: this.positionAt(span.start), end: this.positionAt(span.end) };
  }

  /** The dsl span of a protocol range. */
  spanOf(range: Range): Span {
    const a = this.offsetAt(range.start);
    const b = this.offsetAt(range.end);
    return a <= b ? { start: a, end: b } : { start: b, end: a };
  }
}

// Folding ranges: every braced declaration and block, and runs of comment lines.
import type { PolicyFile, Span } from "@totem/dsl";
import { type FoldingRange, FoldingRangeKind } from "vscode-languageserver";
import type { LineIndex } from "./positions.js";

/** The folding ranges of a policy. */
export function foldingRanges(file: PolicyFile, lines: LineIndex): FoldingRange[] {
  const out: FoldingRange[] = [];
  const add = (span: Span | undefined, kind?: FoldingRangeKind) => {
    if (!span) return;
    const start = lines.positionAt(span.start).line;
    const end = lines.positionAt(span.end).line;
    if (end > start) out.push({ startLine: start, endLine: end, ...(kind ? { kind } : {}) });
  };
  for (const r of file.ruleSets) add(r.span);
  const layout = file.layout;
  if (layout) {
    add(layout.span);
    for (const f of layout.functionaries) if (f.key?.kind === "inline") add(f.key.span);
    for (const item of layout.items) {
      add(item.span);
      add(item.materials?.span);
      add(item.products?.span);
    }
  }
  // Consecutive own-line comments fold together.
  let runStart = -1;
  let runEnd = -1;
  for (const c of file.comments) {
    const line = lines.positionAt(c.span.start).line;
    if (line === runEnd + 1 && runStart >= 0) runEnd = line;
    else {
      if (runEnd > runStart) out.push({ startLine: runStart, endLine: runEnd, kind: FoldingRangeKind.Comment });
      runStart = line;
      runEnd = line;
    }
  }
  if (runEnd > runStart) out.push({ startLine: runStart, endLine: runEnd, kind: FoldingRangeKind.Comment });
  out.sort((a, b) => a.startLine - b.startLine);
  return out;
}

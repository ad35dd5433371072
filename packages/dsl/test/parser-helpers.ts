// Shared by the parser, formatter and command tests: golden files and diagnostic rendering.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { expect } from "vitest";
import type { Diagnostic } from "../src/index.js";

/** Compares `actual` with the golden file, or rewrites it when UPDATE_GOLDENS=1. */
export function expectGolden(path: string, actual: string): void {
  if (process.env.UPDATE_GOLDENS === "1") {
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`missing golden ${path}: run with UPDATE_GOLDENS=1 and review it`);
  expect(actual).toBe(readFileSync(path, "utf8"));
}

/** 1-based line and column of a UTF-16 offset. */
function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}

/** Renders diagnostics as reviewable text: position, code, message, and the line underlined. */
export function renderDiagnostics(text: string, diagnostics: Diagnostic[]): string {
  const lines = text.split("\n");
  let out = "";
  for (const d of diagnostics) {
    const a = lineCol(text, d.span.start);
    const b = lineCol(text, d.span.end);
    out += `${d.severity} ${d.code} ${a.line}:${a.col}-${b.line}:${b.col}: ${d.message}\n`;
    const source = lines[a.line - 1] ?? "";
    const width = b.line === a.line ? Math.max(1, b.col - a.col) : Math.max(1, source.length - a.col + 1);
    out += `  | ${source}\n  | ${" ".repeat(a.col - 1)}${"^".repeat(width)}\n`;
  }
  return out;
}

/** Removes every `span`-like field so trees can be compared across formatting. */
export function stripSpans(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSpans);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "span" || k === "keywordSpan" || k === "bySpan") continue;
      out[k] = stripSpans(v);
    }
    return out;
  }
  return value;
}

// The one `check` helper: a policy annotated with inline markers under the lines they point at,
//
//   step build { by ghost }
//   #               ^^^^^ error unknown-functionary: No functionary is named "ghost": …
//
// Markers are comment lines whose `^` run sits under the reported span (zero-width spans show one `^`).
// `check` strips the markers, analyzes the policy and writes the markers the diagnostics produce back
// in, so a fixture is its own golden file: the test compares the text, UPDATE_GOLDENS=1 rewrites it.
import { celParser } from "@totem/engine";
import { type AnalyzeOptions, analyze } from "../src/analyze.js";
import type { Diagnostic } from "../src/diagnostic.js";

/** The engine's CEL parser, loaded once: fixtures report `invalid-cel` as `totem check` does. */
const celSyntax = await celParser();

/** The clock every check fixture is analyzed with, so expiry lints are reproducible. */
export const FIXTURE_NOW = new Date("2026-06-01T00:00:00Z");

const MARKER = /^(#[ \t]*)?(\^+ (error|warning|info|hint) [a-z0-9-]+(: .*)?|~ (fix|related) .*)$/;

/** The policy without its marker lines. */
export function stripMarkers(annotated: string): string {
  return annotated
    .split("\n")
    .filter((line) => !MARKER.test(line))
    .join("\n");
}

/**
 * One marker line for a diagnostic that starts at `col` of its line and covers `width` columns. A
 * marker under column 0 has no room for the `#`, so it starts with its carets (it is stripped anyway).
 */
function markerLines(text: string, col: number, width: number, d: Diagnostic): string[] {
  const lead = col === 0 ? "" : `#${" ".repeat(col - 1)}`;
  const lines = [`${lead}${"^".repeat(Math.max(1, width))} ${d.severity} ${d.code}: ${d.message}`];
  // Under the marker: the quick fix's title and edits, and related places, so goldens show them too.
  if (d.fix !== undefined) {
    const edits = d.fix.edits.map((e) => `${JSON.stringify(text.slice(e.span.start, e.span.end))} → ${JSON.stringify(e.newText)}`).join(", ");
    lines.push(`${lead === "" ? "#" : lead}~ fix ${d.fix.title}: ${edits}`);
  }
  for (const r of d.related ?? []) lines.push(`${lead === "" ? "#" : lead}~ related ${JSON.stringify(text.slice(r.span.start, r.span.end))} at ${r.span.start}: ${r.message}`);
  return lines;
}

/** Writes marker lines for `diagnostics` under the lines they point at. */
export function annotate(source: string, diagnostics: Diagnostic[]): string {
  const lines = source.split("\n");
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  const below: string[][] = lines.map(() => []);
  for (const d of diagnostics) {
    let i = 0;
    while (i + 1 < starts.length && starts[i + 1]! <= d.span.start) i++;
    const col = d.span.start - starts[i]!;
    const end = Math.min(d.span.end, starts[i]! + lines[i]!.length);
    below[i]!.push(...markerLines(source, col, end - d.span.start, d));
  }
  return lines.flatMap((line, i) => [line, ...below[i]!]).join("\n");
}

/** Analyzes the policy in an annotated fixture and returns it annotated with the actual diagnostics. */
export function check(annotated: string, opts: AnalyzeOptions = { now: FIXTURE_NOW, celSyntax }): { actual: string; diagnostics: Diagnostic[]; source: string } {
  const source = stripMarkers(annotated);
  const { diagnostics } = analyze(source, opts);
  return { actual: annotate(source, diagnostics), diagnostics, source };
}

// SARIF 2.1.0 output of `totem check` for GitHub code scanning. One run, one rule per diagnostic code
// (id = the code, helpUri = its anchor in docs/language.md under --docs-url, omitted without one), 1-based lines and columns counted in
// UTF-16 code units (run.columnKind), which is exactly how the dsl measures spans.
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { type Diagnostic, LineIndex, type Severity, type Span } from "@totem/dsl";
import { docsUrl } from "./code-frame.js";
import { VERSION } from "./program.js";

/** One checked file: its URI relative to the repository root (forward slashes), text and diagnostics. */
export interface CheckedFile {
  /** Path as reported (relative to the directory `totem check` ran in, which should be the repo root). */
  uri: string;
  /** The file's text the spans index into. */
  text: string;
  /** Everything the checks reported for the file. */
  diagnostics: readonly Diagnostic[];
}

/** Describes a diagnostic code for the SARIF rule table; undefined when the code is unknown. */
export type RuleDescriber = (code: string) => string | undefined;

type SarifLevel = "error" | "warning" | "note";

/** Maps our severities to SARIF result levels (SARIF has no "hint": it becomes "note"). */
export function sarifLevel(severity: Severity): SarifLevel {
  switch (severity) {
    case "error":
      return "error";
    case "warning":
      return "warning";
    default:
      return "note";
  }
}

function region(index: LineIndex, span: Span): Record<string, number> {
  const start = index.lineColumn(span.start);
  const end = index.lineColumn(Math.max(span.start, span.end));
  // SARIF endColumn is the column just past the region, like our exclusive span end.
  return { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column };
}

/**
 * Where a file is, for SARIF: a path relative to the repository root (`%SRCROOT%`, percent-encoded as a
 * URI reference), or a `file:` URI for a path outside the directory check ran in.
 */
export function artifactLocation(path: string): Record<string, string> {
  if (isAbsolute(path)) return { uri: pathToFileURL(path).href };
  return { uri: path.split("/").map(encodeURIComponent).join("/"), uriBaseId: "%SRCROOT%" };
}

function location(uri: string, index: LineIndex, span: Span, message?: string): Record<string, unknown> {
  const loc: Record<string, unknown> = {
    physicalLocation: {
      artifactLocation: artifactLocation(uri),
      region: region(index, span),
    },
  };
  if (message !== undefined) loc.message = { text: message };
  return loc;
}

/** Builds the SARIF 2.1.0 log for a set of checked files (a plain JSON object, stable key order). */
export function toSarif(files: readonly CheckedFile[], describe: RuleDescriber, docsBase?: string): Record<string, unknown> {
  const ruleIndex = new Map<string, number>();
  const rules: Record<string, unknown>[] = [];
  const results: Record<string, unknown>[] = [];
  const codes = [...new Set(files.flatMap((f) => f.diagnostics.map((d) => d.code)))].sort();
  for (const code of codes) {
    const worst = files.flatMap((f) => f.diagnostics).find((d) => d.code === code)?.severity ?? "error";
    ruleIndex.set(code, rules.length);
    const helpUri = docsUrl(code, docsBase);
    rules.push({
      id: code,
      name: code,
      shortDescription: { text: describe(code) ?? code },
      ...(helpUri === undefined ? {} : { helpUri }),
      defaultConfiguration: { level: sarifLevel(worst) },
    });
  }
  for (const file of files) {
    const index = new LineIndex(file.text);
    for (const d of file.diagnostics) {
      const result: Record<string, unknown> = {
        ruleId: d.code,
        ruleIndex: ruleIndex.get(d.code) ?? 0,
        level: sarifLevel(d.severity),
        message: { text: d.message },
        locations: [location(file.uri, index, d.span)],
      };
      if (d.related && d.related.length > 0) {
        result.relatedLocations = d.related.map((r, id) => ({ id, ...location(file.uri, index, r.span, r.message) }));
      }
      if (d.fix) {
        result.fixes = [
          {
            description: { text: d.fix.title },
            artifactChanges: [
              {
                artifactLocation: artifactLocation(file.uri),
                replacements: d.fix.edits.map((e) => ({ deletedRegion: region(index, e.span), insertedContent: { text: e.newText } })),
              },
            ],
          },
        ];
      }
      results.push(result);
    }
  }
  const informationUri = docsUrl("", docsBase);
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "totem",
            semanticVersion: VERSION,
            ...(informationUri === undefined ? {} : { informationUri }),
            rules,
          },
        },
        columnKind: "utf16CodeUnits",
        results,
      },
    ],
  };
}

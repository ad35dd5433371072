// The import guarantee, checked on every import: lower(parse(source)) must give the same payload
// bytes as the layout that was imported. Anything else is reported, never silently accepted.
import { canonicalString, type DssePayloadForm, type Layout, layoutToJson, type Target } from "@totem/engine";
import { dssePayloadForm } from "../checks/dsse-payload.js";
import { lower } from "../lower.js";
import { parse } from "../parse.js";
import type { ImportIssue } from "./issues.js";
import { differences } from "./payload-fidelity.js";

/** What the round trip needs from an import: the source, its key files, target and DSSE payload form. */
export interface RoundTripInput {
  source: string;
  keyFiles: readonly { path: string; text: string }[];
  target: Target;
  /** The non-default DSSE payload form the source must name (`dsse-payload`). */
  dssePayload?: DssePayloadForm;
}

/** Issues when the imported source does not lower to exactly `layout`'s payload; empty when it does. */
export function roundTripIssues(input: RoundTripInput, layout: Layout): ImportIssue[] {
  const parsed = parse(input.source);
  const files = new Map(input.keyFiles.map((k) => [k.path, k.text]));
  // Expiry is absolute in imported policies, so the clock does not matter.
  const lowered = lower(parsed.file, { readKey: (p) => files.get(p), now: new Date(0), target: input.target });
  const errors = [...parsed.diagnostics, ...lowered.diagnostics].filter((d) => d.severity === "error");
  if (errors.length > 0 || lowered.layout === undefined) {
    return errors.slice(0, 10).map((d) => ({
      code: "import-round-trip",
      severity: "error",
      message: `The imported policy does not compile: ${d.code}: ${d.message} (at "${input.source.slice(d.span.start, d.span.end)}")`,
      path: "$",
    }));
  }
  if (dssePayloadForm(parsed.file.layout) !== input.dssePayload) {
    return [{ code: "import-round-trip", severity: "error", message: `The imported policy does not name the DSSE payload form ${input.dssePayload ?? "sorted-json"}; please report this with the layout.`, path: "$.payload" }];
  }
  const before = layoutToJson(layout);
  const after = layoutToJson(lowered.layout);
  if (canonicalString(before) === canonicalString(after)) return [];
  const paths: string[] = [];
  differences(before, after, "$", paths, 10);
  return paths.map((path) => ({
    code: "import-round-trip",
    severity: "error",
    message: `The imported policy compiles to different payload bytes at ${path}; please report this with the layout.`,
    path,
  }));
}

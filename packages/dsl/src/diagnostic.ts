// One Diagnostic shape for every layer: parser, checks, lints, lowering. Codes are stable
// kebab-case ids registered in `codes.ts`; never renumber or reuse one.
import type { Code } from "./codes.js";

/** A half-open range of 0-based UTF-16 offsets into the source text. Only the LSP converts these. */
export interface Span {
  start: number;
  end: number;
}

export type Severity = "error" | "warning" | "info" | "hint";

/** A text edit that is part of a quick fix: replace `span` with `newText`. */
export interface TextEdit {
  span: Span;
  newText: string;
}

/** A quick fix tied to one diagnostic. */
export interface Fix {
  title: string;
  edits: TextEdit[];
}

/** Another place in the source that explains a diagnostic (e.g. the first declaration of a duplicate). */
export interface RelatedInfo {
  span: Span;
  message: string;
}

/** A problem in a policy, with a stable code (registered in codes.ts) and a message that says what to do. */
export interface Diagnostic {
  code: Code;
  severity: Severity;
  message: string;
  span: Span;
  related?: RelatedInfo[];
  fix?: Fix;
}

// @totem/dsl: the Totem language — parser, checks and lints, formatter, lowering to the engine's
// layout model, import (layout → source) and semantic diff. Pure: it does no I/O.
export type * from "./ast.js";
export type { Diagnostic, Fix, RelatedInfo, Severity, Span, TextEdit } from "./diagnostic.js";
// Syntax: parsing (never throws), string literals.
export type { ParseResult } from "./parse.js";
export { parse } from "./parse.js";
export { decodeString, quoteString } from "./string-literal.js";
export type { SplitError } from "./command-split.js";
export { splitCommand } from "./command-split.js";
export { FORMAT_WIDTH, format } from "./format/index.js";

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
export type { ImportIssue } from "./import/issues.js";
export { payloadFidelity } from "./import/payload-fidelity.js";
export type { ImportOptions, ImportResult, KeyFile } from "./import/import-layout.js";
export { importLayout } from "./import/import-layout.js";
export { functionaryNames } from "./import/names.js";
export { guessTarget } from "./import/target-guess.js";
export type { Change, ChangeKind, Classification } from "./diff/change.js";
export { CHANGE_KINDS, CLASSIFICATIONS, mayWeaken } from "./diff/change.js";
export type { DiffOptions, PolicySnapshot } from "./diff/diff-policies.js";
export { diffPolicies } from "./diff/diff-policies.js";
export type { DiffSummary, MarkdownOptions } from "./diff/render.js";
export { escapeMarkdown, renderDiffJson, renderDiffMarkdown, renderDiffText, summarize } from "./diff/render.js";
export type { Analysis, AnalyzeOptions } from "./analyze.js";
export { analyze } from "./analyze.js";
export type { Code, CodeInfo } from "./codes.js";
export { CODES } from "./codes.js";
export type { Namespace, SymbolDeclaration, SymbolKind, SymbolReference, SymbolTable } from "./symbols.js";
export { collectSymbols, namespaceOf, occurrences, renameProblem, symbolAt } from "./symbols.js";
export type { CompileResult, LowerOptions, LowerResult, SourceMap } from "./lower.js";
export { constantResolver } from "./checks/context.js";
export { compilePolicy, compileTarget, DEFAULT_TARGET, lower, lowerAnalysis, mergeDiagnostics } from "./lower.js";
// Target "ite-10": attestation layouts in attestation-verifier's format (docs/attestations.md).
export { ITE10, targetsIte10 } from "./attest/target.js";
export type { AttestationCompileResult, AttestationLowerResult } from "./attest/lower-attestations.js";
export { compileAttestationPolicy, lowerAttestations } from "./attest/lower-attestations.js";
export type { LineCharacter, LineRange } from "./line-index.js";
export { LineIndex } from "./line-index.js";
export type { GraphEdge, GraphFunctionary, GraphNode, GraphRule, PolicyGraph } from "./doc/graph.js";
export { policyGraph } from "./doc/graph.js";
export { escapeMermaid, renderMermaid } from "./doc/mermaid.js";
export type { DocOptions } from "./doc/markdown.js";
export { renderPolicyMarkdown } from "./doc/markdown.js";
export type { ExpectedVerdict, InspectionEvidence, PolicyTest, PolicyTestFile, StepEvidence, TestArtifact } from "./testing/test-file.js";
export { parseTestFile } from "./testing/test-file.js";
export type { InferInput, InferResult, KnownKey, RecordedLink } from "./infer/from-links.js";
export { inferPolicy } from "./infer/from-links.js";
export { isTotemName } from "./import/names.js";
export { didYouMean, editDistance } from "./did-you-mean.js";

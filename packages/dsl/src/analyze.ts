// `analyze`: the whole front end in one pure call — parse, resolve names, run the semantic checks and
// the in-toto lints — for `totem check` and for the language server on every edit.
import type { CelSyntaxCheck } from "@totem/engine";
import type { PolicyFile } from "./ast.js";
import { CHECKS, LINTS } from "./checks/all.js";
import { type CheckContext, collectItemRules, constantResolver, ruleSetsByName } from "./checks/context.js";
import type { Diagnostic } from "./diagnostic.js";
import { parse } from "./parse.js";
import { collectSymbols, type SymbolTable } from "./symbols.js";

/** Options of `analyze`. */
export interface AnalyzeOptions {
  /** The clock for expiry lints (`expired`, `expiry-soon`, `expiry-too-far`); without it they are skipped. */
  now?: Date;
  /** How many days ahead `expiry-soon` warns (default 30). */
  expiryWarningDays?: number;
  /** Values of the policy's `param` declarations, checked where they are used like written strings. */
  params?: Readonly<Record<string, string>>;
  /**
   * The CEL parser for `check` rules (the engine's `celParser()`, loaded by the caller: the checks are
   * synchronous). Without it, `check` rules are not parsed and `invalid-cel` is never reported.
   */
  celSyntax?: CelSyntaxCheck;
}

/** Everything known about one policy text. */
export interface Analysis {
  /** The (possibly partial) tree. */
  file: PolicyFile;
  /** Syntax errors, semantic errors and lints, sorted by offset. */
  diagnostics: Diagnostic[];
  /** Declarations and uses of every name. */
  symbols: SymbolTable;
}

/** Builds the context the checks and lints share. */
export function checkContext(
  text: string,
  file: PolicyFile,
  symbols: SymbolTable,
  parseDiagnostics: readonly Diagnostic[],
  opts: AnalyzeOptions,
  sink: Diagnostic[],
): CheckContext {
  const ctx: CheckContext = {
    text,
    file,
    symbols,
    parseDiagnostics,
    expiryWarningDays: opts.expiryWarningDays ?? 30,
    value: constantResolver(file, opts.params),
    itemRules: collectItemRules(file.layout, ruleSetsByName(file)),
    report: (d) => sink.push(d),
  };
  if (file.layout !== undefined) ctx.layout = file.layout;
  if (opts.now !== undefined) ctx.now = opts.now;
  if (opts.celSyntax !== undefined) ctx.celSyntax = opts.celSyntax;
  return ctx;
}

/** Runs the semantic checks and lints over a parsed file; returns their diagnostics. */
export function checkFile(
  text: string,
  file: PolicyFile,
  symbols: SymbolTable,
  parseDiagnostics: readonly Diagnostic[],
  opts: AnalyzeOptions = {},
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ctx = checkContext(text, file, symbols, parseDiagnostics, opts, out);
  for (const pass of CHECKS) pass(ctx);
  for (const lint of LINTS) lint.run(ctx);
  return out;
}

/** The semantic checks alone (errors; no lints), for a file lowered without an analysis. */
export function semanticChecks(file: PolicyFile, symbols: SymbolTable): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ctx = checkContext("", file, symbols, [], {}, out);
  for (const pass of CHECKS) pass(ctx);
  return out;
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2, hint: 3 } as const;

/** Sorts diagnostics by position, then severity, then code (a stable, reviewable order). */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return list.sort(
    (a, b) =>
      a.span.start - b.span.start ||
      a.span.end - b.span.end ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

/** Parses and checks a policy. Pure and never throws; every problem is a diagnostic. */
export function analyze(text: string, opts: AnalyzeOptions = {}): Analysis {
  const { file, diagnostics } = parse(text);
  const symbols = collectSymbols(file);
  let semantic: Diagnostic[];
  try {
    semantic = checkFile(text, file, symbols, diagnostics, opts);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    semantic = [{ code: "internal-error", severity: "error", message: `The checks failed unexpectedly (${message}); please report this with the file.`, span: { start: 0, end: 0 } }];
  }
  return { file, diagnostics: sortDiagnostics([...diagnostics, ...semantic]), symbols };
}

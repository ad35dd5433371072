// The AST-building half of the parser: node constructors for the grammar actions in parser.ts, and
// the problems only visible once tokens are grouped (bad escapes, unknown duration units, repeated
// clauses). Tokens inserted by error recovery have NaN offsets and count as missing; so do the
// placeholder tokens chevrotain passes while it records the grammar.
import type { IToken } from "chevrotain";
import type { ExpiresClause, Name, PolicyFile, StringExpr, StringLit } from "./ast.js";
import type { Code } from "./codes.js";
import type { Diagnostic, Span } from "./diagnostic.js";
import { ClosedString, Identifier } from "./lexer.js";
import { decodeString } from "./string-literal.js";

/** A token that really is in the text (not inserted by recovery, not a recording placeholder). */
export function isReal(t: IToken | undefined): t is IToken {
  return t !== undefined && t.startOffset >= 0;
}

/** The span of a real token. */
export function tokenSpan(t: IToken): Span {
  return { start: t.startOffset, end: t.startOffset + t.image.length };
}

/** Where a missing piece goes: right after `t` when it is real, else at `fallback`. */
export function after(t: IToken | undefined, fallback: number): number {
  return isReal(t) ? t.startOffset + t.image.length : fallback;
}

const DURATION_UNITS = new Set(["d", "w", "y"]);

/** Collects the AST-level diagnostics of one parse and builds leaf nodes. */
export class AstBuilder {
  readonly diagnostics: Diagnostic[] = [];

  /** An empty file to fill. */
  static emptyFile(length: number): PolicyFile {
    return { kind: "file", consts: [], ruleSets: [], comments: [], span: { start: 0, end: length } };
  }

  report(code: Code, span: Span, message: string): void {
    this.diagnostics.push({ code, severity: "error", message, span });
  }

  /** Reports a clause written twice where the AST holds one. */
  duplicate(span: Span, message: string): void {
    this.report("duplicate-clause", span, message);
  }

  /** A name; empty text at `fallback` when it is missing. */
  name(t: IToken | undefined, fallback: number): Name {
    return isReal(t) ? { text: t.image, span: tokenSpan(t) } : { text: "", span: { start: fallback, end: fallback } };
  }

  stringLit(t: IToken): StringLit {
    const closed = t.tokenType === ClosedString;
    return { kind: "string", value: decodeString(t.image, t.startOffset, closed, this.diagnostics), span: tokenSpan(t) };
  }

  /** A string literal or a constant reference, from the token the parser matched. */
  stringExpr(t: IToken | undefined): StringExpr | undefined {
    if (!isReal(t)) return undefined;
    if (t.tokenType !== Identifier) return this.stringLit(t);
    const span = tokenSpan(t);
    return { kind: "ref", name: { text: t.image, span }, span };
  }

  /** `expires in 180d`; undefined (after a diagnostic) when the unit is unknown. */
  relativeExpiry(duration: IToken | undefined, start: number): ExpiresClause | undefined {
    if (!isReal(duration)) return undefined;
    const m = /^([0-9]+)(.*)$/s.exec(duration.image);
    const digits = m?.[1] ?? "";
    const unit = m?.[2] ?? "";
    if (!DURATION_UNITS.has(unit)) {
      const at = duration.startOffset + digits.length;
      this.report(
        "invalid-duration",
        { start: at, end: at + unit.length },
        `Unknown duration unit '${unit}': use d (days), w (weeks) or y (years of 365 days), as in 'expires in 180d'.`,
      );
      return undefined;
    }
    const end = duration.startOffset + duration.image.length;
    return { kind: "relative", amount: Number(digits), unit: unit as "d" | "w" | "y", text: duration.image, span: { start, end } };
  }
}

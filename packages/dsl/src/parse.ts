// `parse`: text → (possibly partial) AST + syntax diagnostics. Never throws: lexer and parser
// errors become diagnostics, and an unexpected internal failure becomes one `internal-error`
// diagnostic with an empty tree rather than an exception in the caller (the language server).
import type { IRecognitionException, IToken } from "chevrotain";
import type { Comment, PolicyFile } from "./ast.js";
import { AstBuilder } from "./build-ast.js";
import type { Diagnostic } from "./diagnostic.js";
import { totemLexer, UnterminatedString } from "./lexer.js";
import { closeSpans, totemParser } from "./parser.js";
import { explainSyntaxError } from "./syntax-hints.js";

/** The outcome of parsing one file: always a tree, plus syntax diagnostics (empty when clean). */
export interface ParseResult {
  file: PolicyFile;
  diagnostics: Diagnostic[];
}

/** Where a parser error goes: on its token, or (for inserted tokens and EOF) after the previous token. */
function errorSpan(error: IRecognitionException, textLength: number): { start: number; end: number } {
  const token = error.token;
  if (!Number.isNaN(token.startOffset)) return { start: token.startOffset, end: token.startOffset + token.image.length };
  const previous = (error as { previousToken?: IToken }).previousToken;
  const at = previous !== undefined && !Number.isNaN(previous.startOffset) ? previous.startOffset + previous.image.length : textLength;
  return { start: at, end: at };
}

function describeChars(text: string): string {
  const shown = text.length > 20 ? `${text.slice(0, 20)}…` : text;
  return JSON.stringify(shown);
}

function syntaxDiagnostics(text: string, tokens: IToken[], lexErrors: { offset: number; length: number }[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const e of lexErrors) {
    const chars = text.slice(e.offset, e.offset + e.length);
    out.push({
      code: "unexpected-character",
      severity: "error",
      message: `Unexpected character${e.length > 1 ? "s" : ""} ${describeChars(chars)}: remove ${e.length > 1 ? "them" : "it"}, or write ${e.length > 1 ? "them" : "it"} inside a string.`,
      span: { start: e.offset, end: e.offset + e.length },
    });
  }
  for (const t of tokens) {
    if (t.tokenType !== UnterminatedString) continue;
    out.push({
      code: "unterminated-string",
      severity: "error",
      message: 'This string has no closing quote on its line: add a `"` (strings cannot span lines; write \\n for a newline).',
      span: { start: t.startOffset, end: t.startOffset + t.image.length },
    });
  }
  return out;
}

/** Comment text without trailing whitespace, so the formatter can keep it unchanged. */
function comment(t: IToken): Comment {
  const text = t.image.trimEnd();
  return { text, span: { start: t.startOffset, end: t.startOffset + text.length } };
}

/** Parses a `.totem` file. The tree is partial after errors; names may then be empty strings. */
export function parse(text: string): ParseResult {
  try {
    const lexed = totemLexer.tokenize(text);
    const diagnostics = syntaxDiagnostics(text, lexed.tokens, lexed.errors);
    const parser = totemParser();
    const { file, builder, errors } = parser.parseFile(lexed.tokens, text.length);
    for (const e of errors) {
      diagnostics.push(explainSyntaxError({ code: "syntax-error", severity: "error", message: e.message, span: errorSpan(e, text.length) }, lexed.tokens));
    }
    if (errors.length > 0) closeSpans(file);
    file.comments = (lexed.groups.comments ?? []).map(comment);
    diagnostics.push(...builder.diagnostics);
    diagnostics.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
    return { file, diagnostics };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return {
      file: AstBuilder.emptyFile(text.length),
      diagnostics: [
        {
          code: "internal-error",
          severity: "error",
          message: `The parser failed unexpectedly (${message}); please report this with the file.`,
          span: { start: 0, end: 0 },
        },
      ],
    };
  }
}

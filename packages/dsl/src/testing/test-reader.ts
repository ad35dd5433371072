// The tokens and the reader of policy test files (test-file.ts): words, numbers, strings with the
// policy language's escapes, and the punctuation `{ } [ ] , =`; `#` comments. Pure; never throws:
// what cannot be read is a `test-syntax` diagnostic.
import type { Code } from "../codes.js";
import type { Diagnostic, Span } from "../diagnostic.js";
import { decodeString } from "../string-literal.js";

/** One token of a test file. */
export interface Token {
  kind: "word" | "string" | "number" | "punct";
  text: string;
  /** Decoded value of a string. */
  value: string;
  span: Span;
}

const WORD = /[A-Za-z_][A-Za-z0-9_.-]*/y;
const NUMBER = /[0-9]+/y;
const STRING = /"(?:[^"\\\n]|\\.)*"?/y;

/** The tokens of a test file; characters that start none are `test-syntax` diagnostics. */
export function tokenize(text: string, diagnostics: Diagnostic[]): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === "#") {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? text.length : nl;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if ("{}[],=".includes(c)) {
      out.push({ kind: "punct", text: c, value: c, span: { start: i, end: i + 1 } });
      i++;
      continue;
    }
    const token = readToken(text, i, diagnostics);
    if (token !== undefined) {
      out.push(token);
      i = token.span.end;
      continue;
    }
    diagnostics.push(problem("test-syntax", { start: i, end: i + 1 }, `Unexpected character ${JSON.stringify(c)}.`));
    i++;
  }
  return out;
}

function readToken(text: string, i: number, diagnostics: Diagnostic[]): Token | undefined {
  for (const [kind, re] of [["word", WORD], ["number", NUMBER], ["string", STRING]] as const) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (m === null) continue;
    const image = m[0];
    const span = { start: i, end: i + image.length };
    if (kind !== "string") return { kind, text: image, value: image, span };
    const closed = image.length > 1 && /(^|[^\\])(\\\\)*"$/.test(image.slice(1));
    if (!closed) diagnostics.push(problem("test-syntax", span, "This string is not closed: end it with `\"` on the same line."));
    return { kind, text: image, value: decodeString(image, i, closed, diagnostics), span };
  }
  return undefined;
}

/** An error diagnostic of a test file. */
export function problem(code: Code, span: Span, message: string): Diagnostic {
  return { code, severity: "error", message, span };
}

/** A cursor over the tokens that reports what it expected and did not find. */
export class Reader {
  private at = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly diagnostics: Diagnostic[],
    private readonly end: number,
  ) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }

  next(): Token | undefined {
    return this.tokens[this.at++];
  }

  is(text: string): boolean {
    const t = this.peek();
    return t !== undefined && (t.kind === "word" || t.kind === "punct") && t.text === text;
  }

  eat(text: string): boolean {
    if (!this.is(text)) return false;
    this.at++;
    return true;
  }

  here(): Span {
    const t = this.peek();
    return t === undefined ? { start: this.end, end: this.end } : t.span;
  }

  fail(message: string, span: Span = this.here()): undefined {
    this.diagnostics.push(problem("test-syntax", span, message));
    return undefined;
  }

  /** After an unknown word: reports it once and skips to the next of `words` or the block's `}`. */
  skipUnknown(message: string, words: readonly string[]): void {
    this.fail(message);
    this.at++;
    while (this.peek() !== undefined && !this.is("}") && !words.some((w) => this.is(w))) this.at++;
  }

  expect(text: string, what: string): boolean {
    if (this.eat(text)) return true;
    this.fail(`Expected ${what}.`);
    return false;
  }

  take(kind: Token["kind"], what: string): Token | undefined {
    const t = this.peek();
    if (t?.kind === kind) {
      this.at++;
      return t;
    }
    return this.fail(`Expected ${what}.`);
  }

  /** Skips a block whose `{` was just read, its closing `}` included. */
  skipBlockAndClose(): void {
    this.skipBlock();
    this.eat("}");
  }

  /** Skips to the `}` closing the block the reader is in (nested blocks skipped whole). */
  skipBlock(): void {
    let depth = 0;
    for (let t = this.peek(); t !== undefined; t = this.peek()) {
      if (t.text === "}" && t.kind === "punct") {
        if (depth === 0) return;
        depth--;
      } else if (t.text === "{" && t.kind === "punct") depth++;
      this.at++;
    }
  }
}

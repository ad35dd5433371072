// Syntax errors an author makes while learning the language, explained with the fix instead of the
// parser's "expected X but found Y": `expires 180d` without `in`, a `"` inside a string that ends it
// (`run "bash -c "echo ok""`), and a misspelt keyword (`expect comand`, `materails`).
import type { IToken } from "chevrotain";
import type { Diagnostic } from "./diagnostic.js";
import { didYouMean } from "./did-you-mean.js";
import { ClosedString, Duration, Kw, keywordTokens } from "./lexer.js";

const KEYWORDS = new Set(keywordTokens.map((t) => (t.PATTERN as string).toString()));

/** The words the parser's message names as expected: `'command'`, and the list after "which holds". */
function expectedWords(message: string): string[] {
  const quoted = [...message.matchAll(/'([a-z-]+)'/g)].map((m) => m[1] as string);
  const holds = /which holds ([^;]*);/.exec(message)?.[1] ?? "";
  const listed = holds.split(/,\s*|\s+and\s+|\s+/).filter((w) => /^[a-z-]+$/.test(w));
  return [...quoted, ...listed].filter((w) => KEYWORDS.has(w));
}

/** The parser's syntax error, rewritten when it is one of the mistakes above. */
export function explainSyntaxError(d: Diagnostic, tokens: readonly IToken[]): Diagnostic {
  if (d.code !== "syntax-error" || d.span.end <= d.span.start) return d;
  const at = tokens.findIndex((t) => t.startOffset === d.span.start);
  const token = tokens[at];
  if (token === undefined) return d;
  const previous = tokens[at - 1];
  if (previous?.tokenType === Kw.expires && token.tokenType === Duration) {
    return {
      ...d,
      message: `\`expires ${token.image}\` needs \`in\`: write \`expires in ${token.image}\` (or a date: \`expires "2027-01-01T00:00:00Z"\`).`,
      fix: { title: `Write \`expires in ${token.image}\``, edits: [{ span: { start: token.startOffset, end: token.startOffset }, newText: "in " }] },
    };
  }
  if (previous?.tokenType === ClosedString && previous.startOffset + previous.image.length === token.startOffset) {
    return {
      ...d,
      message:
        `The string ${previous.image} ends just before '${token.image}': a \`"\` inside a string ends it. ` +
        'Write `\\"` for a quote inside a string (`"bash -c \\"echo ok\\""`), or give a command as a list (`["bash", "-c", "echo ok"]`).',
    };
  }
  const word = /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(token.image) ? didYouMean(token.image, expectedWords(d.message))[0] : undefined;
  if (word !== undefined) {
    return {
      ...d,
      message: `${d.message} Did you mean \`${word}\`?`,
      fix: { title: `Write \`${word}\``, edits: [{ span: { start: token.startOffset, end: token.startOffset + token.image.length }, newText: word }] },
    };
  }
  return d;
}

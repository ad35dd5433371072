// The Totem lexer: token types shared with the parser, and one lexer instance. Keywords are
// contextual where the grammar allows it: every keyword also belongs to the `Word` category, so a
// declaration name may be `run` or `step` (see docs/language.md, "Lexical structure").
import { createToken, Lexer, type TokenType } from "chevrotain";

/** Any identifier or keyword: what a declaration name may be. */
export const Word = createToken({ name: "Word", pattern: Lexer.NA, label: "a name" });

/** `[A-Za-z_][A-Za-z0-9_.-]*`; in-toto-safe names are checked later, not here. */
export const Identifier = createToken({
  name: "Identifier",
  pattern: /[A-Za-z_][A-Za-z0-9_.-]*/,
  categories: [Word],
  label: "a name",
});

/** Every keyword token, in documentation order. */
export const keywordTokens: TokenType[] = [];

function keyword(word: string): TokenType {
  const token = createToken({
    name: `Kw_${word}`,
    pattern: word,
    longer_alt: Identifier,
    categories: [Word],
    label: `'${word}'`,
  });
  keywordTokens.push(token);
  return token;
}

/** Keywords of the language. */
export const Kw = {
  const: keyword("const"),
  param: keyword("param"),
  rules: keyword("rules"),
  layout: keyword("layout"),
  target: keyword("target"),
  expires: keyword("expires"),
  in: keyword("in"),
  readme: keyword("readme"),
  functionary: keyword("functionary"),
  key: keyword("key"),
  step: keyword("step"),
  by: keyword("by"),
  threshold: keyword("threshold"),
  expect: keyword("expect"),
  command: keyword("command"),
  materials: keyword("materials"),
  products: keyword("products"),
  inspection: keyword("inspection"),
  run: keyword("run"),
  match: keyword("match"),
  with: keyword("with"),
  from: keyword("from"),
  create: keyword("create"),
  delete: keyword("delete"),
  modify: keyword("modify"),
  allow: keyword("allow"),
  disallow: keyword("disallow"),
  require: keyword("require"),
  use: keyword("use"),
  // in-toto-golang's X.509 fields (docs/language.md, "in-toto-golang fields").
  rootCas: keyword("root-cas"),
  intermediateCas: keyword("intermediate-cas"),
  certConstraints: keyword("cert-constraints"),
  dssePayload: keyword("dsse-payload"),
  gpg: keyword("gpg"),
  // Attestations and keyless signers (target "ite-10"; docs/attestations.md).
  sigstore: keyword("sigstore"),
  issuer: keyword("issuer"),
  identity: keyword("identity"),
  identityPattern: keyword("identity-pattern"),
  attestation: keyword("attestation"),
  check: keyword("check"),
  warn: keyword("warn"),
  allowIfAbsent: keyword("allow-if-absent"),
  debug: keyword("debug"),
} as const;

/** Any string literal, terminated or not (the parser accepts both so the tree stays whole). */
export const StringLiteral = createToken({ name: "StringLiteral", pattern: Lexer.NA, label: "a string" });

/** `"…"` on one line, with backslash escapes (decoded and validated when the AST is built). */
export const ClosedString = createToken({
  name: "ClosedString",
  pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*"/,
  categories: [StringLiteral],
  label: "a string",
});

/** A string missing its closing quote before the end of the line: reported as `unterminated-string`. */
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*\\?/,
  categories: [StringLiteral],
  label: "a string",
});

/** `180d`: digits followed by a unit (validated when the AST is built). Before Integer. */
export const Duration = createToken({
  name: "Duration",
  pattern: /[0-9]+[A-Za-z_][A-Za-z0-9_]*/,
  label: "a duration such as 180d",
});

/** A decimal integer. */
export const Integer = createToken({ name: "Integer", pattern: /[0-9]+/, label: "a number" });

export const LCurly = createToken({ name: "LCurly", pattern: "{", label: "'{'" });
export const RCurly = createToken({ name: "RCurly", pattern: "}", label: "'}'" });
export const LBracket = createToken({ name: "LBracket", pattern: "[", label: "'['" });
export const RBracket = createToken({ name: "RBracket", pattern: "]", label: "']'" });
export const Comma = createToken({ name: "Comma", pattern: ",", label: "','" });
export const Equals = createToken({ name: "Equals", pattern: "=", label: "'='" });

/** `#` to the end of the line; kept in the `comments` group for the formatter. */
export const Comment = createToken({ name: "Comment", pattern: /#[^\n\r]*/, group: "comments" });

const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n\f\v\uFEFF]+/, group: Lexer.SKIPPED });

/** All token types in lexing order (categories last; they match nothing themselves). */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  ClosedString,
  UnterminatedString,
  Duration,
  Integer,
  LCurly,
  RCurly,
  LBracket,
  RBracket,
  Comma,
  Equals,
  // Longest first, so `in` does not take the start of `inspection`.
  ...[...keywordTokens].sort((a, b) => String(b.PATTERN).length - String(a.PATTERN).length),
  Identifier,
  Word,
  StringLiteral,
];

/** The one lexer instance. Offsets only: spans are UTF-16 offsets and lines are the LSP's business. */
export const totemLexer = new Lexer(allTokens, {
  positionTracking: "onlyOffset",
  ensureOptimizations: true,
});

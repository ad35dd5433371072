// Syntax error messages in plain words: what was expected, what was found. chevrotain calls these
// while parsing; the parse step turns the resulting exceptions into `syntax-error` diagnostics.
import { EOF, type IParserErrorMessageProvider, type IToken, type TokenType, tokenLabel } from "chevrotain";

/** How a token the parser found is described: its text, or "the end of the file". */
export function describeToken(token: IToken | undefined): string {
  if (token === undefined || token.tokenType === EOF) return "the end of the file";
  const image = token.image.length > 40 ? `${token.image.slice(0, 37)}…` : token.image;
  return `'${image}'`;
}

function expectedList(types: TokenType[]): string {
  const labels = [...new Set(types.map((t) => tokenLabel(t)))];
  if (labels.length <= 1) return labels[0] ?? "something else";
  return `${labels.slice(0, -1).join(", ")} or ${labels[labels.length - 1]}`;
}

/** The first token of every expected path, deduplicated. */
function firstTokens(paths: TokenType[][]): TokenType[] {
  const out: TokenType[] = [];
  for (const path of paths) if (path[0] !== undefined) out.push(path[0]);
  return out;
}

const RULE_WORDS = "match, create, delete, modify, allow, disallow, require and use";

/** Each block's name and what it may hold, for the message when it does not close where expected. */
const BLOCKS: Record<string, [string, string]> = {
  layoutDecl: ["the layout", "target, dsse-payload, expires, readme, functionary, root-cas, intermediate-cas, step and inspection"],
  stepDecl: ["the step", "by, threshold, expect command, materials, products and cert-constraints"],
  caBlock: ["the certificate authority block", "entries such as NAME key { … }"],
  certConstraintsBlock: ["the cert-constraints block", "constraint { … } entries"],
  certConstraint: ["the constraint", 'fields such as common-name "…"'],
  inspectionDecl: ["the inspection", "run, materials and products"],
  ruleBlock: ["the rule block", RULE_WORDS],
  ruleSetDecl: ["the rule set", RULE_WORDS],
  keyLiteral: ["the key", 'fields such as type "ed25519"'],
  stringList: ["the list", "strings or constants separated by ','"],
};

function notTopLevel(token: IToken): string {
  return `Unexpected ${describeToken(token)}: at the top level a file holds only const, rules and layout declarations.`;
}

/** The parser's message provider. */
export const syntaxMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    const found = describeToken(actual);
    if (expected === EOF) return notTopLevel(actual);
    if (ruleName === "constDecl" && expected.name === "Identifier" && actual.tokenType.name.startsWith("Kw_")) {
      return `${found} is a keyword, so it cannot name a constant: choose another name.`;
    }
    const block = BLOCKS[ruleName];
    if (block !== undefined && (expected.name === "RCurly" || expected.name === "RBracket")) {
      const close = tokenLabel(expected);
      if (actual.tokenType === EOF) return `The file ends inside ${block[0]}: add ${close} to close it.`;
      return `Unexpected ${found} in ${block[0]}, which holds ${block[1]}; or ${close} is missing before it.`;
    }
    return `Expected ${tokenLabel(expected)} but found ${found}.`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return notTopLevel(firstRedundant);
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual }) {
    const expected = firstTokens(expectedPathsPerAlt.flat());
    return `Expected ${expectedList(expected)} but found ${describeToken(actual[0])}.`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual }) {
    return `Expected at least one ${expectedList(firstTokens(expectedIterationPaths))} but found ${describeToken(actual[0])}.`;
  },
};

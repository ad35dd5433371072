// The Totem grammar as a chevrotain CST parser with error recovery. One instance, created on first
// use and reset through `parser.input`. The grammar is written out in EBNF in docs/language.md;
// keep the two in step. build-ast.ts turns the (possibly partial) CST into the AST.
import { CstParser, type CstNode, type IToken, type TokenType } from "chevrotain";
import {
  allTokens,
  Comma,
  Duration,
  Equals,
  Identifier,
  Integer,
  Kw,
  LBracket,
  LCurly,
  RBracket,
  RCurly,
  StringLiteral,
  Word,
} from "./lexer.js";
import { syntaxMessages } from "./syntax-messages.js";

/** Simple rule kinds: a keyword followed by one pattern. */
const SIMPLE_RULE_KEYWORDS: TokenType[] = [Kw.create, Kw.delete, Kw.modify, Kw.allow, Kw.disallow, Kw.require];

/** The grammar. Rule names are the CST node names build-ast.ts reads. */
export class TotemParser extends CstParser {
  constructor() {
    super(allTokens, {
      recoveryEnabled: true,
      nodeLocationTracking: "onlyOffset",
      maxLookahead: 2,
      errorMessageProvider: syntaxMessages,
    });
    this.performSelfAnalysis();
  }

  file = this.RULE("file", () => {
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.constDecl) },
        { ALT: () => this.SUBRULE(this.ruleSetDecl) },
        { ALT: () => this.SUBRULE(this.layoutDecl) },
      ]);
    });
  });

  /** A declaration name: an identifier or any keyword. */
  name = this.RULE("name", () => {
    this.CONSUME(Word);
  });

  /** A string literal or a reference to a constant. */
  stringExpr = this.RULE("stringExpr", () => {
    this.OR([{ ALT: () => this.CONSUME(StringLiteral) }, { ALT: () => this.CONSUME(Identifier) }]);
  });

  /** `[ expr, expr, … ]` with an optional trailing comma. */
  stringList = this.RULE("stringList", () => {
    this.CONSUME(LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.stringExpr);
      this.MANY(() => {
        this.CONSUME(Comma);
        this.OPTION2(() => this.SUBRULE2(this.stringExpr));
      });
    });
    this.CONSUME(RBracket);
  });

  constDecl = this.RULE("constDecl", () => {
    this.CONSUME(Kw.const);
    this.CONSUME(Identifier);
    this.CONSUME(Equals);
    this.SUBRULE(this.stringExpr);
  });

  ruleSetDecl = this.RULE("ruleSetDecl", () => {
    this.CONSUME(Kw.rules);
    this.SUBRULE(this.name);
    this.CONSUME(LCurly);
    this.MANY(() => this.SUBRULE(this.rule));
    this.CONSUME(RCurly);
  });

  layoutDecl = this.RULE("layoutDecl", () => {
    this.CONSUME(Kw.layout);
    this.OPTION(() => this.CONSUME(StringLiteral));
    this.CONSUME(LCurly);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.targetClause) },
        { ALT: () => this.SUBRULE(this.expiresClause) },
        { ALT: () => this.SUBRULE(this.readmeClause) },
        { ALT: () => this.SUBRULE(this.functionaryDecl) },
        { ALT: () => this.SUBRULE(this.stepDecl) },
        { ALT: () => this.SUBRULE(this.inspectionDecl) },
      ]);
    });
    this.CONSUME(RCurly);
  });

  targetClause = this.RULE("targetClause", () => {
    this.CONSUME(Kw.target);
    this.CONSUME(StringLiteral);
  });

  expiresClause = this.RULE("expiresClause", () => {
    this.CONSUME(Kw.expires);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Kw.in);
          this.CONSUME(Duration);
        },
      },
      { ALT: () => this.SUBRULE(this.stringExpr) },
    ]);
  });

  readmeClause = this.RULE("readmeClause", () => {
    this.CONSUME(Kw.readme);
    this.SUBRULE(this.stringExpr);
  });

  functionaryDecl = this.RULE("functionaryDecl", () => {
    this.CONSUME(Kw.functionary);
    this.SUBRULE(this.name);
    this.CONSUME(Kw.key);
    this.OR([{ ALT: () => this.SUBRULE(this.stringExpr) }, { ALT: () => this.SUBRULE(this.keyLiteral) }]);
  });

  keyLiteral = this.RULE("keyLiteral", () => {
    this.CONSUME(LCurly);
    this.MANY(() => this.SUBRULE(this.keyField));
    this.CONSUME(RCurly);
  });

  keyField = this.RULE("keyField", () => {
    this.SUBRULE(this.name);
    this.OR([{ ALT: () => this.SUBRULE(this.stringExpr) }, { ALT: () => this.SUBRULE(this.stringList) }]);
  });

  stepDecl = this.RULE("stepDecl", () => {
    this.CONSUME(Kw.step);
    this.SUBRULE(this.name);
    this.CONSUME(LCurly);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.byClause) },
        { ALT: () => this.SUBRULE(this.thresholdClause) },
        { ALT: () => this.SUBRULE(this.expectClause) },
        { ALT: () => this.SUBRULE(this.ruleBlock) },
      ]);
    });
    this.CONSUME(RCurly);
  });

  byClause = this.RULE("byClause", () => {
    this.CONSUME(Kw.by);
    this.SUBRULE(this.name);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.SUBRULE2(this.name);
    });
  });

  thresholdClause = this.RULE("thresholdClause", () => {
    this.CONSUME(Kw.threshold);
    this.CONSUME(Integer);
  });

  expectClause = this.RULE("expectClause", () => {
    this.CONSUME(Kw.expect);
    this.CONSUME(Kw.command);
    this.SUBRULE(this.command);
  });

  /** A command as one string (split by shell-like rules) or as a list of arguments. */
  command = this.RULE("command", () => {
    this.OR([{ ALT: () => this.SUBRULE(this.stringExpr) }, { ALT: () => this.SUBRULE(this.stringList) }]);
  });

  inspectionDecl = this.RULE("inspectionDecl", () => {
    this.CONSUME(Kw.inspection);
    this.SUBRULE(this.name);
    this.CONSUME(LCurly);
    this.MANY(() => {
      this.OR([{ ALT: () => this.SUBRULE(this.runClause) }, { ALT: () => this.SUBRULE(this.ruleBlock) }]);
    });
    this.CONSUME(RCurly);
  });

  runClause = this.RULE("runClause", () => {
    this.CONSUME(Kw.run);
    this.SUBRULE(this.command);
  });

  ruleBlock = this.RULE("ruleBlock", () => {
    this.OR([{ ALT: () => this.CONSUME(Kw.materials) }, { ALT: () => this.CONSUME(Kw.products) }]);
    this.CONSUME(LCurly);
    this.MANY(() => this.SUBRULE(this.rule));
    this.CONSUME(RCurly);
  });

  rule = this.RULE("rule", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.matchRule) },
      { ALT: () => this.SUBRULE(this.simpleRule) },
      { ALT: () => this.SUBRULE(this.useRule) },
    ]);
  });

  matchRule = this.RULE("matchRule", () => {
    this.CONSUME(Kw.match);
    this.SUBRULE(this.stringExpr, { LABEL: "pattern" });
    this.OPTION(() => {
      this.CONSUME(Kw.in, { LABEL: "sourceIn" });
      this.SUBRULE2(this.stringExpr, { LABEL: "sourcePrefix" });
    });
    this.CONSUME(Kw.with);
    this.OR([
      { ALT: () => this.CONSUME(Kw.materials, { LABEL: "side" }) },
      { ALT: () => this.CONSUME(Kw.products, { LABEL: "side" }) },
    ]);
    this.OPTION2(() => {
      this.CONSUME2(Kw.in, { LABEL: "destinationIn" });
      this.SUBRULE3(this.stringExpr, { LABEL: "destinationPrefix" });
    });
    this.CONSUME(Kw.from);
    this.SUBRULE(this.name);
  });

  simpleRule = this.RULE("simpleRule", () => {
    this.OR(SIMPLE_RULE_KEYWORDS.map((kw) => ({ ALT: () => this.CONSUME(kw, { LABEL: "ruleKind" }) })));
    this.SUBRULE(this.stringExpr);
  });

  useRule = this.RULE("useRule", () => {
    this.CONSUME(Kw.use);
    this.SUBRULE(this.name);
  });
}

let instance: TotemParser | undefined;

/** The shared parser instance (grammar analysis is costly, so it runs once per process). */
export function totemParser(): TotemParser {
  instance ??= new TotemParser();
  return instance;
}

/** Parses tokens into a CST; the returned node is partial when `parser.errors` is not empty. */
export function parseTokens(tokens: IToken[]): { cst: CstNode; errors: TotemParser["errors"] } {
  const parser = totemParser();
  // The lexer tracks start offsets only (cheaper); node locations need each token's end.
  for (const t of tokens) t.endOffset = t.startOffset + t.image.length - 1;
  parser.input = tokens;
  const cst = parser.file();
  return { cst, errors: parser.errors };
}

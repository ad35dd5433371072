// The Totem grammar as a chevrotain parser with error recovery that builds the AST directly (no
// CST: half the allocations, which matters for 10k-step policies). The grammar is written out in
// EBNF in docs/language.md; keep the two in step.
//
// Partial trees: every declaration, block and rule is attached to its parent as soon as its first
// token is read, then filled in. When recovery abandons a rule midway, what was read stays in the
// tree (a half-typed step keeps its name); spans left open are closed by `closeSpans` afterwards.
// While chevrotain records the grammar (once, at construction) the actions run on placeholder
// tokens that `isReal` rejects, so they build nothing.
import { EmbeddedActionsParser, type IOrAlt, type IRecognitionException, type IToken, type TokenType } from "chevrotain";
import type {
  AttestationBlock,
  CaBlock,
  CertConstraintDecl,
  CertConstraintsBlock,
  CheckClause,
  CommandExpr,
  ConstDecl,
  FunctionaryDecl,
  IdentityItem,
  InspectionDecl,
  KeyField,
  KeyFileRef,
  LayoutDecl,
  MatchRule,
  PolicyFile,
  RuleBlock,
  RuleNode,
  RuleSetDecl,
  SigstoreFunctionary,
  SimpleRule,
  StepDecl,
  StringExpr,
  StringListExpr,
} from "./ast.js";
import { AstBuilder, after, isReal, tokenSpan } from "./build-ast.js";
import type { Span } from "./diagnostic.js";
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

/** Span end of a node that recovery left unfinished; `closeSpans` replaces it. */
const OPEN = -1;

const SIMPLE_RULE_KEYWORDS: TokenType[] = [Kw.create, Kw.delete, Kw.modify, Kw.allow, Kw.disallow, Kw.require];

type RuleOwner = { materials?: RuleBlock; products?: RuleBlock };

/** What `by` and `threshold` fill: a step, or an attestation block inside one. */
type Signers = Pick<StepDecl, "by" | "bySpan" | "threshold">;

/** The grammar and its actions. One instance serves every parse (`parseTokens` resets it). */
export class TotemParser extends EmbeddedActionsParser {
  private ast = new AstBuilder();
  private tree: PolicyFile = AstBuilder.emptyFile(0);
  /** The layout being read (a second layout is read into a detached one). */
  private layout = this.newLayout(0);
  /** The step or inspection being read. */
  private owner: StepDecl | InspectionDecl = this.newStep(0);
  /** Where rules being read go: a rule block's or a rule set's list. */
  private ruleList: RuleNode[] = [];
  /** Where fields of the inline key being read go. */
  private keyFields: KeyField[] = [];

  constructor() {
    super(allTokens, { recoveryEnabled: true, maxLookahead: 2, errorMessageProvider: syntaxMessages });
    this.performSelfAnalysis();
  }

  /** Parses `tokens` of a text of `length` UTF-16 units; comments are the caller's to add. */
  parseFile(tokens: IToken[], length: number): { file: PolicyFile; builder: AstBuilder; errors: IRecognitionException[] } {
    this.ast = new AstBuilder();
    this.tree = AstBuilder.emptyFile(length);
    this.input = tokens;
    this.file();
    const result = { file: this.tree, builder: this.ast, errors: this.errors };
    // Let go of this parse's tokens and tree: the one shared instance must not keep them alive.
    this.input = [];
    this.tree = AstBuilder.emptyFile(0);
    this.layout = this.newLayout(0);
    this.owner = this.newStep(0);
    this.ruleList = [];
    this.keyFields = [];
    this.caEntries = [];
    this.constraints = [];
    this.functionary = undefined;
    this.attestation = this.newAttestation(0);
    return result;
  }

  /**
   * Recovery may pretend a missing token was there, except `from`: the name after it accepts
   * keywords, so `match "*" with products` followed by `disallow "*"` would read `disallow` as the
   * step's name and report the pattern instead. Without insertion the rule ends and `disallow` parses.
   */
  override canTokenTypeBeInsertedInRecovery(tokType: TokenType): boolean {
    return tokType !== Kw.from;
  }

  /** End offset of the last token read (recovery-skipped tokens included). */
  private lastEnd(fallback: number): number {
    return after(this.LA(0), fallback);
  }

  private close(node: { span: Span }): void {
    node.span.end = this.lastEnd(node.span.start);
  }

  private newStep(start: number): StepDecl {
    return { kind: "step", name: { text: "", span: { start, end: start } }, by: [], span: { start, end: OPEN } };
  }

  private newLayout(start: number): LayoutDecl {
    return { kind: "layout", functionaries: [], steps: [], inspections: [], items: [], span: { start, end: OPEN } };
  }

  private readonly stringAlts: IOrAlt<IToken>[] = [
    { ALT: () => this.CONSUME(StringLiteral) },
    { ALT: () => this.CONSUME(Identifier) },
  ];

  /** A string literal or a reference to a constant. */
  stringExpr = this.RULE("stringExpr", (): StringExpr | undefined => this.ast.stringExpr(this.OR(this.stringAlts)));

  /** `[ expr, expr, … ]` with an optional trailing comma. */
  stringList = this.RULE("stringList", (): StringListExpr => {
    const open = this.CONSUME(LBracket);
    const list: StringListExpr = { kind: "list", items: [], span: { start: open.startOffset, end: OPEN } };
    const push = (e: StringExpr | undefined): void => {
      if (e !== undefined) list.items.push(e);
    };
    this.OPTION(() => {
      push(this.SUBRULE(this.stringExpr));
      this.MANY(() => {
        this.CONSUME(Comma);
        this.OPTION2(() => push(this.SUBRULE2(this.stringExpr)));
      });
    });
    this.CONSUME(RBracket);
    this.close(list);
    return list;
  });

  private readonly commandAlts: IOrAlt<CommandExpr | undefined>[] = [
    {
      ALT: () => {
        const e = this.SUBRULE(this.stringExpr);
        return e === undefined ? undefined : { form: "string", parts: [e], span: e.span };
      },
    },
    {
      ALT: () => {
        const l = this.SUBRULE(this.stringList);
        return { form: "list", parts: l.items, span: l.span };
      },
    },
  ];

  /** A command as one string (split by shell-like rules) or as a list of arguments. */
  command = this.RULE("command", (): CommandExpr | undefined => this.OR(this.commandAlts));

  /** The kinds of artifact rule, for rule blocks and rule sets. */
  private readonly ruleAlts: IOrAlt<void>[] = [
    { ALT: () => this.SUBRULE(this.matchRule) },
    { ALT: () => this.SUBRULE(this.simpleRule) },
    { ALT: () => this.SUBRULE(this.useRule) },
  ];

  private readonly topAlts: IOrAlt<void>[] = [
    { ALT: () => this.SUBRULE(this.constDecl) },
    { ALT: () => this.SUBRULE(this.paramDecl) },
    { ALT: () => this.SUBRULE(this.ruleSetDecl) },
    { ALT: () => this.SUBRULE(this.layoutDecl) },
  ];

  file = this.RULE("file", () => {
    this.MANY(() => this.OR(this.topAlts));
  });

  constDecl = this.RULE("constDecl", () => {
    const kw = this.CONSUME(Kw.const);
    const decl: ConstDecl = { kind: "const", name: this.ast.name(undefined, after(kw, 0)), span: { start: kw.startOffset, end: OPEN } };
    if (isReal(kw)) this.tree.consts.push(decl);
    decl.name = this.ast.name(this.CONSUME(Identifier), decl.name.span.start);
    this.CONSUME(Equals);
    const value = this.SUBRULE(this.stringExpr);
    if (value !== undefined) decl.value = value;
    this.close(decl);
  });

  /** `param NAME [= "default"]`: a constant the caller gives a value at compile time. */
  paramDecl = this.RULE("paramDecl", () => {
    const kw = this.CONSUME(Kw.param);
    const decl: ConstDecl = { kind: "const", param: true, name: this.ast.name(undefined, after(kw, 0)), span: { start: kw.startOffset, end: OPEN } };
    if (isReal(kw)) this.tree.consts.push(decl);
    decl.name = this.ast.name(this.CONSUME(Identifier), decl.name.span.start);
    this.OPTION(() => {
      this.CONSUME(Equals);
      const value = this.SUBRULE(this.stringExpr);
      if (value !== undefined) decl.value = value;
    });
    this.close(decl);
  });

  ruleSetDecl = this.RULE("ruleSetDecl", () => {
    const kw = this.CONSUME(Kw.rules);
    const set: RuleSetDecl = { kind: "rules", name: this.ast.name(undefined, after(kw, 0)), rules: [], span: { start: kw.startOffset, end: OPEN } };
    if (isReal(kw)) this.tree.ruleSets.push(set);
    set.name = this.ast.name(this.CONSUME(Word), set.name.span.start);
    this.ruleList = set.rules;
    this.CONSUME(LCurly);
    this.MANY(() => this.OR(this.ruleAlts));
    this.CONSUME(RCurly);
    this.close(set);
  });

  private readonly layoutAlts: IOrAlt<void>[] = [
    { ALT: () => this.SUBRULE(this.targetClause) },
    { ALT: () => this.SUBRULE(this.dssePayloadClause) },
    { ALT: () => this.SUBRULE(this.expiresClause) },
    { ALT: () => this.SUBRULE(this.readmeClause) },
    { ALT: () => this.SUBRULE(this.functionaryDecl) },
    { ALT: () => this.SUBRULE(this.caBlock) },
    { ALT: () => this.SUBRULE(this.stepDecl) },
    { ALT: () => this.SUBRULE(this.inspectionDecl) },
  ];

  layoutDecl = this.RULE("layoutDecl", () => {
    const kw = this.CONSUME(Kw.layout);
    const layout = this.newLayout(kw.startOffset);
    if (isReal(kw)) {
      if (this.tree.layout === undefined) this.tree.layout = layout;
      else this.ast.report("duplicate-layout", tokenSpan(kw), "A file holds one layout; move this one into its own file.");
    }
    this.layout = layout;
    this.OPTION(() => {
      const name = this.CONSUME(StringLiteral);
      if (isReal(name)) layout.name = this.ast.stringLit(name);
    });
    this.CONSUME(LCurly);
    this.MANY(() => this.OR(this.layoutAlts));
    this.CONSUME(RCurly);
    this.close(layout);
  });

  targetClause = this.RULE("targetClause", () => {
    const kw = this.CONSUME(Kw.target);
    const value = this.CONSUME(StringLiteral);
    if (!isReal(value)) return;
    const lit = this.ast.stringLit(value);
    if (this.layout.target !== undefined) this.ast.duplicate({ start: kw.startOffset, end: lit.span.end }, "This layout already has a target; remove one of them.");
    else this.layout.target = { value: lit.value, span: lit.span };
  });

  /** `dsse-payload "FORM"`: how the DSSE payload text is written (checked later, like `target`). */
  dssePayloadClause = this.RULE("dssePayloadClause", () => {
    const kw = this.CONSUME(Kw.dssePayload);
    const value = this.CONSUME(StringLiteral);
    if (!isReal(value)) return;
    const lit = this.ast.stringLit(value);
    if (this.layout.dssePayload !== undefined) this.ast.duplicate({ start: kw.startOffset, end: lit.span.end }, "This layout already has a dsse-payload; remove one of them.");
    else this.layout.dssePayload = { value: lit.value, span: lit.span };
  });

  expiresClause = this.RULE("expiresClause", () => {
    const kw = this.CONSUME(Kw.expires);
    const clause = this.OR([
      {
        ALT: () => {
          this.CONSUME(Kw.in);
          return this.ast.relativeExpiry(this.CONSUME(Duration), kw.startOffset);
        },
      },
      {
        ALT: () => {
          const value = this.SUBRULE(this.stringExpr);
          const span = { start: kw.startOffset, end: this.lastEnd(kw.startOffset) };
          return value === undefined ? { kind: "absolute" as const, span } : { kind: "absolute" as const, value, span };
        },
      },
    ]);
    if (clause === undefined || !isReal(kw)) return;
    if (this.layout.expires !== undefined) this.ast.duplicate(clause.span, "This layout already has an expiry; remove one of them.");
    else this.layout.expires = clause;
  });

  readmeClause = this.RULE("readmeClause", () => {
    const kw = this.CONSUME(Kw.readme);
    const value = this.SUBRULE(this.stringExpr);
    if (value === undefined) return;
    if (this.layout.readme !== undefined) this.ast.duplicate({ start: kw.startOffset, end: value.span.end }, "This layout already has a readme; remove one of them.");
    else this.layout.readme = value;
  });

  /** The functionary being read (its `sigstore { … }` block goes there). */
  private functionary: FunctionaryDecl | undefined;

  functionaryDecl = this.RULE("functionaryDecl", () => {
    const kw = this.CONSUME(Kw.functionary);
    const decl: FunctionaryDecl = { kind: "functionary", name: this.ast.name(undefined, after(kw, 0)), span: { start: kw.startOffset, end: OPEN } };
    if (isReal(kw)) this.layout.functionaries.push(decl);
    decl.name = this.ast.name(this.CONSUME(Word), decl.name.span.start);
    this.functionary = decl;
    this.OR2([
      { ALT: () => this.keyAfterName(decl) },
      {
        ALT: () => {
          this.SUBRULE(this.sigstoreBlock);
          this.close(decl);
        },
      },
    ]);
  });

  /** `sigstore { issuer "…" identity "…" }` after a functionary's name. */
  sigstoreBlock = this.RULE("sigstoreBlock", () => {
    const kw = this.CONSUME(Kw.sigstore);
    const block: SigstoreFunctionary = { kind: "sigstore", items: [], keywordSpan: isReal(kw) ? tokenSpan(kw) : { start: 0, end: 0 }, span: { start: kw.startOffset, end: OPEN } };
    if (isReal(kw) && this.functionary !== undefined) this.functionary.sigstore = block;
    this.CONSUME(LCurly);
    this.MANY(() => this.SUBRULE(this.identityItem));
    this.CONSUME(RCurly);
    this.close(block);
  });

  private readonly identityAlts: IOrAlt<IToken>[] = [
    { ALT: () => this.CONSUME(Kw.issuer) },
    { ALT: () => this.CONSUME(Kw.identity) },
    { ALT: () => this.CONSUME(Kw.identityPattern) },
  ];

  /** `issuer "…"`, `identity "…"` or `identity-pattern "…"`. */
  identityItem = this.RULE("identityItem", () => {
    const kw = this.OR(this.identityAlts);
    const item: IdentityItem = { kind: kw.image as IdentityItem["kind"], keywordSpan: isReal(kw) ? tokenSpan(kw) : { start: 0, end: 0 }, span: { start: kw.startOffset, end: OPEN } };
    if (isReal(kw)) this.functionary?.sigstore?.items.push(item);
    const value = this.SUBRULE(this.stringExpr);
    if (value !== undefined) item.value = value;
    this.close(item);
  });

  /** `key "path"`, `key gpg "FINGERPRINT" from "path"` or `key { field… }` after a functionary's (or certificate authority's) name. */
  private keyAfterName(decl: FunctionaryDecl): void {
    const key = this.CONSUME(Kw.key);
    const keySpan = { start: key.startOffset, end: OPEN };
    this.OR([
      {
        ALT: () => {
          const gpg = this.CONSUME(Kw.gpg);
          const ref: KeyFileRef = { kind: "file", span: keySpan, gpgSpan: tokenSpan(gpg) };
          if (isReal(key) && isReal(gpg)) decl.key = ref;
          const fingerprint = this.SUBRULE2(this.stringExpr);
          if (fingerprint !== undefined) ref.fingerprint = fingerprint;
          this.CONSUME(Kw.from);
          const path = this.SUBRULE3(this.stringExpr);
          if (path !== undefined) ref.path = path;
        },
      },
      {
        ALT: () => {
          const path = this.SUBRULE(this.stringExpr);
          if (!isReal(key)) return;
          decl.key = path === undefined ? { kind: "file", span: keySpan } : { kind: "file", path, span: keySpan };
        },
      },
      {
        ALT: () => {
          const fields: KeyField[] = [];
          if (isReal(key)) decl.key = { kind: "inline", fields, span: keySpan };
          this.keyFields = fields;
          this.CONSUME(LCurly);
          this.MANY(() => this.SUBRULE(this.keyField));
          this.CONSUME2(RCurly);
        },
      },
    ]);
    this.close(decl);
    keySpan.end = decl.span.end;
  }

  private readonly caAlts: IOrAlt<IToken>[] = [
    { ALT: () => this.CONSUME(Kw.rootCas) },
    { ALT: () => this.CONSUME(Kw.intermediateCas) },
  ];

  /** Where the entries of the certificate authority block being read go. */
  private caEntries: FunctionaryDecl[] = [];

  /** `root-cas { NAME key { … } … }` or `intermediate-cas { … }` (in-toto-golang). */
  caBlock = this.RULE("caBlock", () => {
    const kw = this.OR(this.caAlts);
    const kind = kw.tokenType === Kw.rootCas ? "root-cas" : "intermediate-cas";
    const block: CaBlock = { kind, entries: [], keywordSpan: isReal(kw) ? tokenSpan(kw) : { start: 0, end: 0 }, span: { start: kw.startOffset, end: OPEN } };
    const slot = kind === "root-cas" ? "rootCas" : "intermediateCas";
    const duplicate = this.layout[slot] !== undefined;
    if (!duplicate && isReal(kw)) this.layout[slot] = block;
    this.caEntries = block.entries;
    this.CONSUME(LCurly);
    this.MANY(() => this.SUBRULE(this.caEntry));
    this.CONSUME(RCurly);
    this.close(block);
    if (duplicate && isReal(kw)) this.ast.duplicate(block.span, `This layout already has a ${kind} block; merge the two.`);
  });

  /** `NAME key { … }` inside a certificate authority block. */
  caEntry = this.RULE("caEntry", () => {
    const name = this.CONSUME(Word);
    const decl: FunctionaryDecl = { kind: "functionary", name: this.ast.name(name, 0), span: { start: name.startOffset, end: OPEN } };
    if (isReal(name)) this.caEntries.push(decl);
    this.keyAfterName(decl);
  });

  keyField = this.RULE("keyField", () => {
    const name = this.CONSUME(Word);
    const field: KeyField = { name: this.ast.name(name, 0), span: { start: name.startOffset, end: OPEN } };
    if (isReal(name)) this.keyFields.push(field);
    const value = this.OR([{ ALT: () => this.SUBRULE(this.stringExpr) }, { ALT: () => this.SUBRULE(this.stringList) }]);
    if (value !== undefined) field.value = value;
    this.close(field);
  });

  private readonly stepAlts: IOrAlt<void>[] = [
    { ALT: () => this.SUBRULE(this.byClause) },
    { ALT: () => this.SUBRULE(this.thresholdClause) },
    { ALT: () => this.SUBRULE(this.expectClause) },
    { ALT: () => this.SUBRULE(this.ruleBlock) },
    { ALT: () => this.SUBRULE(this.certConstraintsBlock) },
    { ALT: () => this.SUBRULE(this.attestationBlock) },
  ];

  stepDecl = this.RULE("stepDecl", () => {
    const kw = this.CONSUME(Kw.step);
    const step: StepDecl = { kind: "step", name: this.ast.name(undefined, after(kw, 0)), by: [], span: { start: kw.startOffset, end: OPEN } };
    if (isReal(kw)) {
      this.layout.steps.push(step);
      this.layout.items.push(step);
    }
    this.owner = step;
    step.name = this.ast.name(this.CONSUME(Word), step.name.span.start);
    this.CONSUME(LCurly);
    this.MANY(() => this.OR(this.stepAlts));
    this.CONSUME(RCurly);
    this.close(step);
  });

  byClause = this.RULE("byClause", () => this.readBy(this.owner as StepDecl, "step"));

  thresholdClause = this.RULE("thresholdClause", () => this.readThreshold(this.owner as StepDecl, "step"));

  /** `by NAME, NAME…` into a step or an attestation block (`what` names it in messages). */
  private readBy(step: Signers, what: string): void {
    const kw = this.CONSUME(Kw.by);
    const span = { start: kw.startOffset, end: after(kw, 0) };
    const duplicate = step.bySpan !== undefined;
    const names = duplicate ? [] : step.by;
    if (!duplicate && isReal(kw)) step.bySpan = span;
    const add = (t: IToken): void => {
      if (!isReal(t)) return;
      names.push(this.ast.name(t, 0));
      span.end = t.startOffset + t.image.length;
    };
    add(this.CONSUME(Word));
    this.MANY(() => {
      this.CONSUME(Comma);
      add(this.CONSUME2(Word));
    });
    if (duplicate && isReal(kw)) this.ast.duplicate(span, `This ${what} already has a 'by' clause; list every functionary in one.`);
  }

  /** `threshold N` into a step or an attestation block. */
  private readThreshold(step: Signers, what: string): void {
    const kw = this.CONSUME(Kw.threshold);
    const value = this.CONSUME(Integer);
    if (!isReal(value)) return;
    const span = tokenSpan(value);
    if (step.threshold !== undefined) this.ast.duplicate({ start: kw.startOffset, end: span.end }, `This ${what} already has a threshold; remove one of them.`);
    else step.threshold = { value: Number(value.image), span };
  }

  private newAttestation(start: number): AttestationBlock {
    return { kind: "attestation", by: [], checks: [], keywordSpan: { start, end: start }, span: { start, end: OPEN } };
  }

  /** The attestation block being read. */
  private attestation = this.newAttestation(0);

  private readonly attestationAlts: IOrAlt<void>[] = [
    { ALT: () => this.SUBRULE(this.attestationBy) },
    { ALT: () => this.SUBRULE(this.attestationThreshold) },
    { ALT: () => this.SUBRULE(this.checkClause) },
  ];

  /** `attestation "PREDICATE-TYPE" { by … threshold N check … }` inside a step. */
  attestationBlock = this.RULE("attestationBlock", () => {
    const kw = this.CONSUME(Kw.attestation);
    const block = this.newAttestation(kw.startOffset);
    if (isReal(kw)) {
      block.keywordSpan = tokenSpan(kw);
      const step = this.owner as StepDecl;
      (step.attestations ??= []).push(block);
    }
    this.attestation = block;
    const type = this.SUBRULE(this.stringExpr);
    if (type !== undefined) block.predicateType = type;
    this.CONSUME(LCurly);
    this.MANY(() => this.OR(this.attestationAlts));
    this.CONSUME(RCurly);
    this.close(block);
  });

  attestationBy = this.RULE("attestationBy", () => this.readBy(this.attestation, "attestation"));

  attestationThreshold = this.RULE("attestationThreshold", () => this.readThreshold(this.attestation, "attestation"));

  /** `check "CEL" { warn | allow-if-absent | debug "…" }` (modifiers in any order). */
  checkClause = this.RULE("checkClause", () => {
    const kw = this.CONSUME(Kw.check);
    const clause: CheckClause = { kind: "check", span: { start: kw.startOffset, end: OPEN } };
    if (isReal(kw)) this.attestation.checks.push(clause);
    const rule = this.SUBRULE(this.stringExpr);
    if (rule !== undefined) clause.rule = rule;
    const again = (span: Span, word: string): void => this.ast.duplicate(span, `This check already says '${word}'; remove one of them.`);
    this.MANY(() =>
      this.OR([
        {
          ALT: () => {
            const t = this.CONSUME(Kw.warn);
            if (!isReal(t)) return;
            if (clause.warn !== undefined) again(tokenSpan(t), "warn");
            else clause.warn = { span: tokenSpan(t) };
          },
        },
        {
          ALT: () => {
            const t = this.CONSUME(Kw.allowIfAbsent);
            if (!isReal(t)) return;
            if (clause.allowIfAbsent !== undefined) again(tokenSpan(t), "allow-if-absent");
            else clause.allowIfAbsent = { span: tokenSpan(t) };
          },
        },
        {
          ALT: () => {
            const t = this.CONSUME(Kw.debug);
            const message = this.SUBRULE2(this.stringExpr);
            if (!isReal(t) || message === undefined) return;
            if (clause.debug !== undefined) again({ start: t.startOffset, end: message.span.end }, "debug");
            else clause.debug = message;
          },
        },
      ]),
    );
    this.close(clause);
  });

  expectClause = this.RULE("expectClause", () => {
    const kw = this.CONSUME(Kw.expect);
    this.CONSUME(Kw.command);
    const command = this.SUBRULE(this.command);
    if (command === undefined) return;
    const step = this.owner as StepDecl;
    if (step.command !== undefined) this.ast.duplicate({ start: kw.startOffset, end: command.span.end }, "This step already has an expected command; remove one of them.");
    else step.command = command;
  });

  /** Where the constraints of the `cert-constraints` block being read go. */
  private constraints: CertConstraintDecl[] = [];

  /** `cert-constraints { constraint { … } … }` (in-toto-golang) inside a step. */
  certConstraintsBlock = this.RULE("certConstraintsBlock", () => {
    const kw = this.CONSUME(Kw.certConstraints);
    const block: CertConstraintsBlock = { constraints: [], keywordSpan: isReal(kw) ? tokenSpan(kw) : { start: 0, end: 0 }, span: { start: kw.startOffset, end: OPEN } };
    const step = this.owner as StepDecl;
    const duplicate = step.certConstraints !== undefined;
    if (!duplicate && isReal(kw)) step.certConstraints = block;
    this.constraints = block.constraints;
    this.CONSUME(LCurly);
    this.MANY(() => this.SUBRULE(this.certConstraint));
    this.CONSUME(RCurly);
    this.close(block);
    if (duplicate && isReal(kw)) this.ast.duplicate(block.span, "This step already has a cert-constraints block; merge the two.");
  });

  /** `constraint { field… }`: the fields take the shape of inline key fields. */
  certConstraint = this.RULE("certConstraint", () => {
    const word = this.CONSUME(Word);
    const decl: CertConstraintDecl = { keyword: this.ast.name(word, 0), fields: [], span: { start: word.startOffset, end: OPEN } };
    if (isReal(word)) this.constraints.push(decl);
    this.keyFields = decl.fields;
    this.CONSUME(LCurly);
    this.MANY(() => this.SUBRULE(this.keyField));
    this.CONSUME(RCurly);
    this.close(decl);
  });

  private readonly inspectionAlts: IOrAlt<void>[] = [
    { ALT: () => this.SUBRULE(this.runClause) },
    { ALT: () => this.SUBRULE(this.ruleBlock) },
  ];

  inspectionDecl = this.RULE("inspectionDecl", () => {
    const kw = this.CONSUME(Kw.inspection);
    const inspection: InspectionDecl = { kind: "inspection", name: this.ast.name(undefined, after(kw, 0)), span: { start: kw.startOffset, end: OPEN } };
    if (isReal(kw)) {
      this.layout.inspections.push(inspection);
      this.layout.items.push(inspection);
    }
    this.owner = inspection;
    inspection.name = this.ast.name(this.CONSUME(Word), inspection.name.span.start);
    this.CONSUME(LCurly);
    this.MANY(() => this.OR(this.inspectionAlts));
    this.CONSUME(RCurly);
    this.close(inspection);
  });

  runClause = this.RULE("runClause", () => {
    const kw = this.CONSUME(Kw.run);
    const command = this.SUBRULE(this.command);
    if (command === undefined) return;
    const inspection = this.owner as InspectionDecl;
    if (inspection.run !== undefined) this.ast.duplicate({ start: kw.startOffset, end: command.span.end }, "This inspection already has a 'run' command; remove one of them.");
    else inspection.run = command;
  });

  private readonly sideAlts: IOrAlt<IToken>[] = [
    { ALT: () => this.CONSUME(Kw.materials) },
    { ALT: () => this.CONSUME(Kw.products) },
  ];

  ruleBlock = this.RULE("ruleBlock", () => {
    const kw = this.OR(this.sideAlts);
    const side = kw.tokenType === Kw.products ? "products" : "materials";
    const block: RuleBlock = { side, rules: [], keywordSpan: isReal(kw) ? tokenSpan(kw) : { start: 0, end: 0 }, span: { start: kw.startOffset, end: OPEN } };
    const owner: RuleOwner = this.owner;
    const duplicate = owner[side] !== undefined;
    if (!duplicate && isReal(kw)) owner[side] = block;
    this.ruleList = block.rules;
    this.CONSUME(LCurly);
    this.MANY(() => this.OR2(this.ruleAlts));
    this.CONSUME(RCurly);
    this.close(block);
    if (duplicate && isReal(kw)) this.ast.duplicate(block.span, `This ${this.owner.kind} already has a ${side} block; merge the two.`);
  });

  matchRule = this.RULE("matchRule", () => {
    const kw = this.CONSUME(Kw.match);
    const rule: MatchRule = { kind: "match", span: { start: kw.startOffset, end: OPEN } };
    if (isReal(kw)) this.ruleList.push(rule);
    const pattern = this.SUBRULE(this.stringExpr);
    if (pattern !== undefined) rule.pattern = pattern;
    this.OPTION(() => {
      this.CONSUME(Kw.in);
      const prefix = this.SUBRULE2(this.stringExpr);
      if (prefix !== undefined) rule.sourcePrefix = prefix;
    });
    this.CONSUME(Kw.with);
    const side = this.OR(this.sideAlts);
    if (isReal(side)) rule.destinationType = side.tokenType === Kw.products ? "products" : "materials";
    this.OPTION2(() => {
      this.CONSUME2(Kw.in);
      const prefix = this.SUBRULE3(this.stringExpr);
      if (prefix !== undefined) rule.destinationPrefix = prefix;
    });
    const from = this.CONSUME(Kw.from);
    if (isReal(from)) rule.from = this.ast.name(undefined, after(from, 0));
    const name = this.CONSUME(Word);
    if (isReal(name)) rule.from = this.ast.name(name, 0);
    this.close(rule);
  });

  private readonly simpleAlts: IOrAlt<IToken>[] = SIMPLE_RULE_KEYWORDS.map((kw) => ({ ALT: () => this.CONSUME(kw) }));

  simpleRule = this.RULE("simpleRule", () => {
    const kw = this.OR(this.simpleAlts);
    const rule: SimpleRule = { kind: kw.image as SimpleRule["kind"], span: { start: kw.startOffset, end: OPEN } };
    if (isReal(kw)) this.ruleList.push(rule);
    const pattern = this.SUBRULE(this.stringExpr);
    if (pattern !== undefined) rule.pattern = pattern;
    this.close(rule);
  });

  useRule = this.RULE("useRule", () => {
    const kw = this.CONSUME(Kw.use);
    const rule: RuleNode = { kind: "use", name: this.ast.name(undefined, after(kw, 0)), span: { start: kw.startOffset, end: OPEN } };
    if (isReal(kw)) this.ruleList.push(rule);
    rule.name = this.ast.name(this.CONSUME(Word), rule.name.span.start);
    this.close(rule);
  });
}

let instance: TotemParser | undefined;

/** The shared parser instance (grammar analysis is costly, so it runs once per process). */
export function totemParser(): TotemParser {
  instance ??= new TotemParser();
  return instance;
}

/**
 * Closes the spans recovery left open (end = OPEN): a node then ends where its last finished
 * part ends, or at its start. Returns the largest end found under `node`.
 */
export function closeSpans(node: object): number {
  let maxEnd = -1;
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) {
      for (const item of value) if (item !== null && typeof item === "object") maxEnd = Math.max(maxEnd, closeSpans(item));
    } else if (value !== null && typeof value === "object" && "span" in value) {
      maxEnd = Math.max(maxEnd, closeSpans(value));
    }
  }
  const span = (node as { span?: Span }).span;
  if (span === undefined) return maxEnd;
  if (span.end === OPEN) span.end = Math.max(span.start, maxEnd);
  return Math.max(span.end, maxEnd);
}

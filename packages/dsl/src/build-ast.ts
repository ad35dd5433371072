// CST → AST. The CST may be partial after syntax errors (chevrotain marks such nodes
// `recoveredNode`, and tokens inserted by recovery have NaN offsets); every reader here copes with
// missing children, so a half-typed step still appears with its name. Also reports the problems
// only visible once tokens are grouped: bad escapes, unknown duration units, repeated clauses.
import type { ArtifactSide } from "@totem/engine";
import type { CstNode, IToken } from "chevrotain";
import type {
  CommandExpr,
  Comment,
  ConstDecl,
  ExpiresClause,
  FunctionaryDecl,
  InspectionDecl,
  KeyField,
  KeyFileRef,
  KeyLiteral,
  LayoutDecl,
  Name,
  PolicyFile,
  RuleBlock,
  RuleNode,
  RuleSetDecl,
  SimpleRule,
  StepDecl,
  StringExpr,
  StringListExpr,
  StringLit,
} from "./ast.js";
import type { Diagnostic, Span } from "./diagnostic.js";
import { ClosedString, Identifier } from "./lexer.js";
import { decodeString } from "./string-literal.js";

type Element = CstNode | IToken;

function isNode(e: Element | undefined): e is CstNode {
  return e !== undefined && "children" in e;
}

function realToken(e: Element | undefined): IToken | undefined {
  return e !== undefined && !isNode(e) && !Number.isNaN(e.startOffset) ? e : undefined;
}

function tokenSpan(t: IToken): Span {
  return { start: t.startOffset, end: t.startOffset + t.image.length };
}

/** The first real (not recovery-inserted) token under `key`. */
function tok(n: CstNode, key: string): IToken | undefined {
  return realToken(n.children[key]?.[0]);
}

function sub(n: CstNode, key: string): CstNode | undefined {
  const e = n.children[key]?.[0];
  return isNode(e) ? e : undefined;
}

function subs(n: CstNode, key: string): CstNode[] {
  return (n.children[key] ?? []).filter(isNode);
}

/** A node's span, or an empty span at `fallback` when recovery left it without real tokens. */
function nodeSpan(n: CstNode, fallback: number): Span {
  const loc = n.location;
  if (loc === undefined || Number.isNaN(loc.startOffset)) return { start: fallback, end: fallback };
  const end = loc.endOffset === undefined || Number.isNaN(loc.endOffset) ? loc.startOffset : loc.endOffset + 1;
  return { start: loc.startOffset, end };
}

/** Where a missing name goes: right after the keyword `key` of `n`, else at the node's start. */
function after(n: CstNode, key: string): number {
  const t = tok(n, key);
  return t === undefined ? nodeSpan(n, 0).start : t.startOffset + t.image.length;
}

function sortBySpan<T extends { span: Span }>(items: T[]): T[] {
  return items.sort((a, b) => a.span.start - b.span.start);
}

const DURATION_UNITS = new Set(["d", "w", "y"]);

/** Builds one file's AST; create one per parse. */
export class AstBuilder {
  readonly diagnostics: Diagnostic[] = [];

  file(root: CstNode, comments: IToken[], length: number): PolicyFile {
    const layouts = subs(root, "layoutDecl").map((n) => this.layout(n));
    for (const extra of layouts.slice(1)) {
      this.report("duplicate-layout", extra.span.start, "layout".length, "A file holds one layout; move this one into its own file.");
    }
    const file: PolicyFile = {
      kind: "file",
      consts: subs(root, "constDecl").map((n) => this.constDecl(n)),
      ruleSets: subs(root, "ruleSetDecl").map((n) => this.ruleSet(n)),
      comments: comments.map((t) => this.comment(t)),
      span: { start: 0, end: length },
    };
    if (layouts[0] !== undefined) file.layout = layouts[0];
    return file;
  }

  private report(code: string, start: number, length: number, message: string): void {
    this.diagnostics.push({ code, severity: "error", message, span: { start, end: start + length } });
  }

  private comment(t: IToken): Comment {
    const text = t.image.trimEnd();
    return { text, span: { start: t.startOffset, end: t.startOffset + text.length } };
  }

  /** A name; empty text at `fallback` when recovery inserted it. */
  private name(n: CstNode | undefined, fallback: number): Name {
    const t = n === undefined ? undefined : tok(n, "Word");
    return t === undefined ? { text: "", span: { start: fallback, end: fallback } } : { text: t.image, span: tokenSpan(t) };
  }

  private stringLit(t: IToken): StringLit {
    const closed = t.tokenType === ClosedString;
    return { kind: "string", value: decodeString(t.image, t.startOffset, closed, this.diagnostics), span: tokenSpan(t) };
  }

  private stringExpr(n: CstNode | undefined): StringExpr | undefined {
    if (n === undefined) return undefined;
    const lit = tok(n, "StringLiteral");
    if (lit !== undefined) return this.stringLit(lit);
    const id = tok(n, Identifier.name);
    if (id === undefined) return undefined;
    const span = tokenSpan(id);
    return { kind: "ref", name: { text: id.image, span }, span };
  }

  private stringList(n: CstNode, fallback: number): StringListExpr {
    const items: StringExpr[] = [];
    for (const item of subs(n, "stringExpr")) {
      const expr = this.stringExpr(item);
      if (expr !== undefined) items.push(expr);
    }
    return { kind: "list", items, span: nodeSpan(n, fallback) };
  }

  private constDecl(n: CstNode): ConstDecl {
    const span = nodeSpan(n, 0);
    const id = tok(n, Identifier.name);
    const name: Name = id ? { text: id.image, span: tokenSpan(id) } : { text: "", span: { start: span.end, end: span.end } };
    const decl: ConstDecl = { kind: "const", name, span };
    const value = this.stringExpr(sub(n, "stringExpr"));
    if (value !== undefined) decl.value = value;
    return decl;
  }

  private ruleSet(n: CstNode): RuleSetDecl {
    const span = nodeSpan(n, 0);
    return { kind: "rules", name: this.name(sub(n, "name"), after(n, "Kw_rules")), rules: this.rules(n), span };
  }

  private rules(n: CstNode): RuleNode[] {
    const out: RuleNode[] = [];
    for (const r of subs(n, "rule")) {
      const rule = this.rule(r);
      if (rule !== undefined) out.push(rule);
    }
    return out;
  }

  private rule(n: CstNode): RuleNode | undefined {
    const m = sub(n, "matchRule");
    if (m !== undefined) return this.matchRule(m);
    const u = sub(n, "useRule");
    if (u !== undefined) {
      const span = nodeSpan(u, 0);
      return { kind: "use", name: this.name(sub(u, "name"), after(u, "Kw_use")), span };
    }
    const s = sub(n, "simpleRule");
    const kind = s === undefined ? undefined : tok(s, "ruleKind");
    if (s === undefined || kind === undefined) return undefined;
    const rule: SimpleRule = { kind: kind.image as SimpleRule["kind"], span: nodeSpan(s, kind.startOffset) };
    const pattern = this.stringExpr(sub(s, "stringExpr"));
    if (pattern !== undefined) rule.pattern = pattern;
    return rule;
  }

  private matchRule(n: CstNode): RuleNode {
    const span = nodeSpan(n, 0);
    const rule: RuleNode = { kind: "match", span };
    const pattern = this.stringExpr(sub(n, "pattern"));
    if (pattern !== undefined) rule.pattern = pattern;
    const sourcePrefix = this.stringExpr(sub(n, "sourcePrefix"));
    if (sourcePrefix !== undefined) rule.sourcePrefix = sourcePrefix;
    const side = tok(n, "side");
    if (side !== undefined) rule.destinationType = side.image as ArtifactSide;
    const destinationPrefix = this.stringExpr(sub(n, "destinationPrefix"));
    if (destinationPrefix !== undefined) rule.destinationPrefix = destinationPrefix;
    if (tok(n, "Kw_from") !== undefined || sub(n, "name") !== undefined) rule.from = this.name(sub(n, "name"), after(n, "Kw_from"));
    return rule;
  }

  /** The first of a repeated clause; later ones are reported, since the AST holds one. */
  private single(n: CstNode, key: string, what: string, where: string): CstNode | undefined {
    const all = subs(n, key);
    for (const extra of all.slice(1)) {
      const span = nodeSpan(extra, 0);
      this.report("duplicate-clause", span.start, span.end - span.start, `This ${where} already has ${what}; remove one of them.`);
    }
    return all[0];
  }

  private layout(n: CstNode): LayoutDecl {
    const span = nodeSpan(n, 0);
    const steps = subs(n, "stepDecl").map((s) => this.step(s));
    const inspections = subs(n, "inspectionDecl").map((s) => this.inspection(s));
    const layout: LayoutDecl = {
      kind: "layout",
      functionaries: subs(n, "functionaryDecl").map((f) => this.functionary(f)),
      steps,
      inspections,
      items: sortBySpan<StepDecl | InspectionDecl>([...steps, ...inspections]),
      span,
    };
    const name = tok(n, "StringLiteral");
    if (name !== undefined) layout.name = this.stringLit(name);
    const target = this.single(n, "targetClause", "a target", "layout");
    const targetTok = target === undefined ? undefined : tok(target, "StringLiteral");
    if (targetTok !== undefined) {
      const lit = this.stringLit(targetTok);
      layout.target = { value: lit.value, span: lit.span };
    }
    const expires = this.single(n, "expiresClause", "an expiry", "layout");
    const expiry = expires === undefined ? undefined : this.expires(expires);
    if (expiry !== undefined) layout.expires = expiry;
    const readme = this.single(n, "readmeClause", "a readme", "layout");
    const readmeExpr = readme === undefined ? undefined : this.stringExpr(sub(readme, "stringExpr"));
    if (readmeExpr !== undefined) layout.readme = readmeExpr;
    return layout;
  }

  private expires(n: CstNode): ExpiresClause | undefined {
    const span = nodeSpan(n, 0);
    if (n.children["Kw_in"] === undefined) {
      const value = this.stringExpr(sub(n, "stringExpr"));
      return value === undefined ? { kind: "absolute", span } : { kind: "absolute", value, span };
    }
    const duration = tok(n, "Duration");
    if (duration === undefined) return undefined;
    const m = /^([0-9]+)(.*)$/s.exec(duration.image)!;
    const unit = m[2]!;
    if (!DURATION_UNITS.has(unit)) {
      const start = duration.startOffset + m[1]!.length;
      this.report("invalid-duration", start, unit.length, `Unknown duration unit '${unit}': use d (days), w (weeks) or y (years of 365 days), as in 'expires in 180d'.`);
      return undefined;
    }
    return { kind: "relative", amount: Number(m[1]), unit: unit as "d" | "w" | "y", text: duration.image, span };
  }

  private functionary(n: CstNode): FunctionaryDecl {
    const span = nodeSpan(n, 0);
    const decl: FunctionaryDecl = { kind: "functionary", name: this.name(sub(n, "name"), after(n, "Kw_functionary")), span };
    const keyword = tok(n, "Kw_key");
    if (keyword === undefined) return decl;
    const keySpan = { start: keyword.startOffset, end: span.end };
    const literal = sub(n, "keyLiteral");
    if (literal !== undefined) {
      const key: KeyLiteral = { kind: "inline", fields: subs(literal, "keyField").map((f) => this.keyField(f)), span: keySpan };
      decl.key = key;
    } else {
      const key: KeyFileRef = { kind: "file", span: keySpan };
      const path = this.stringExpr(sub(n, "stringExpr"));
      if (path !== undefined) key.path = path;
      decl.key = key;
    }
    return decl;
  }

  private keyField(n: CstNode): KeyField {
    const span = nodeSpan(n, 0);
    const field: KeyField = { name: this.name(sub(n, "name"), span.start), span };
    const list = sub(n, "stringList");
    const value = list !== undefined ? this.stringList(list, span.end) : this.stringExpr(sub(n, "stringExpr"));
    if (value !== undefined) field.value = value;
    return field;
  }

  private command(n: CstNode | undefined, fallback: number): CommandExpr | undefined {
    if (n === undefined) return undefined;
    const list = sub(n, "stringList");
    if (list !== undefined) {
      const parsed = this.stringList(list, fallback);
      return { form: "list", parts: parsed.items, span: parsed.span };
    }
    const expr = this.stringExpr(sub(n, "stringExpr"));
    return expr === undefined ? undefined : { form: "string", parts: [expr], span: expr.span };
  }

  private ruleBlocks(n: CstNode, where: string, target: { materials?: RuleBlock; products?: RuleBlock }): void {
    for (const block of subs(n, "ruleBlock")) {
      const keyword = tok(block, "Kw_materials") ?? tok(block, "Kw_products");
      if (keyword === undefined) continue;
      const side = keyword.image as ArtifactSide;
      const span = nodeSpan(block, keyword.startOffset);
      if (target[side] !== undefined) {
        this.report("duplicate-clause", span.start, span.end - span.start, `This ${where} already has a ${side} block; merge the two.`);
        continue;
      }
      target[side] = { side, rules: this.rules(block), keywordSpan: tokenSpan(keyword), span };
    }
  }

  private step(n: CstNode): StepDecl {
    const span = nodeSpan(n, 0);
    const step: StepDecl = { kind: "step", name: this.name(sub(n, "name"), after(n, "Kw_step")), by: [], span };
    const by = this.single(n, "byClause", "a 'by' clause", "step");
    if (by !== undefined) {
      step.bySpan = nodeSpan(by, span.end);
      for (const name of subs(by, "name")) {
        const parsed = this.name(name, step.bySpan.end);
        if (parsed.text !== "") step.by.push(parsed);
      }
    }
    const threshold = this.single(n, "thresholdClause", "a threshold", "step");
    const value = threshold === undefined ? undefined : tok(threshold, "Integer");
    if (value !== undefined) step.threshold = { value: Number(value.image), span: tokenSpan(value) };
    const expect = this.single(n, "expectClause", "an expected command", "step");
    const command = expect === undefined ? undefined : this.command(sub(expect, "command"), span.end);
    if (command !== undefined) step.command = command;
    this.ruleBlocks(n, "step", step);
    return step;
  }

  private inspection(n: CstNode): InspectionDecl {
    const span = nodeSpan(n, 0);
    const inspection: InspectionDecl = { kind: "inspection", name: this.name(sub(n, "name"), after(n, "Kw_inspection")), span };
    const run = this.single(n, "runClause", "a 'run' command", "inspection");
    const command = run === undefined ? undefined : this.command(sub(run, "command"), span.end);
    if (command !== undefined) inspection.run = command;
    this.ruleBlocks(n, "inspection", inspection);
    return inspection;
  }
}

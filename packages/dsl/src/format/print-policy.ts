// AST + comments → Doc. The canonical layout (docs/language.md, "Formatting"):
// - one declaration, clause or rule per line, two-space indentation, nothing aligned, never reordered;
// - a blank line before every `rules`, `layout`, `step` and `inspection` that is not first in its
//   block; elsewhere a blank line of the source is kept (several become one);
// - a rule block stays on one line, rules two spaces apart, when the source had its first rule on
//   the `{` line, it holds no comment and it fits in 100 columns; otherwise one rule per line;
// - command and hash lists stay on one line when they fit, else one item per line with a trailing comma;
// - string literals are printed as written (escapes kept); trailing commas and spacing are not.
// Comments: an own-line comment stays above what follows it; a comment after code on the same line
// stays there, two spaces after the code; a comment inside a one-line construct moves above it.
import type {
  AttestationBlock,
  CaBlock,
  CertConstraintsBlock,
  CheckClause,
  CommandExpr,
  Comment,
  ConstDecl,
  ExpiresClause,
  FunctionaryDecl,
  InspectionDecl,
  KeyField,
  LayoutDecl,
  Name,
  PolicyFile,
  RuleBlock,
  RuleNode,
  RuleSetDecl,
  StepDecl,
  StringExpr,
  StringListExpr,
} from "../ast.js";
import type { Span } from "../diagnostic.js";
import { type Doc, group, hardline, ifBreak, indent, join, line, lineOr, softline } from "./doc.js";

/** One line-level entry of a block: a clause, a declaration, a rule. */
interface Item {
  span: Span;
  /** Leaves print on one line; comments inside them move above them. Blocks print their own insides. */
  leaf: boolean;
  /** A blank line always separates this item from the one before it. */
  blankBefore: boolean;
  print: () => Doc;
}

const COMMENT_GAP = "  ";

function bySource(items: Item[]): Item[] {
  return items.sort((a, b) => a.span.start - b.span.start);
}

/** Prints one parsed file; comments are consumed in source order as the tree is walked. */
export class PolicyPrinter {
  private next = 0;

  constructor(
    private readonly text: string,
    private readonly comments: Comment[],
  ) {}

  file(file: PolicyFile): Doc {
    const items: Item[] = [
      ...file.consts.map((c) => this.leaf(c.span, () => this.constDecl(c))),
      ...file.ruleSets.map((r) => this.block(r.span, true, () => this.ruleSet(r))),
    ];
    const layout = file.layout;
    if (layout !== undefined) items.push(this.block(layout.span, true, () => this.layout(layout)));
    const entries = this.entries(bySource(items), this.text.length);
    return entries.length === 0 ? "" : [entries, hardline];
  }

  private leaf(span: Span, print: () => Doc): Item {
    return { span, leaf: true, blankBefore: false, print };
  }

  private block(span: Span, blankBefore: boolean, print: () => Doc): Item {
    return { span, leaf: false, blankBefore, print };
  }

  private peek(): Comment | undefined {
    return this.comments[this.next];
  }

  /** Whether the source has an empty line between two offsets (a scan: this runs per item). */
  private blankLineBetween(from: number, to: number): boolean {
    let newlines = 0;
    for (let i = Math.max(from, 0); from >= 0 && i < to; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 10) {
        if (++newlines === 2) return true;
      } else if (c !== 32 && c !== 9 && c !== 13) newlines = 0;
    }
    return false;
  }

  /** The lines of a block's body: items with their comments, separated by hard lines. */
  private entries(items: Item[], end: number): Doc[] {
    const out: Doc[] = [];
    let previousEnd = -1;
    const separate = (start: number, forceBlank: boolean): void => {
      if (out.length === 0) return;
      out.push(hardline);
      if (forceBlank || this.blankLineBetween(previousEnd, start)) out.push(hardline);
    };
    const ownLine = (c: Comment, forceBlank: boolean): void => {
      separate(c.span.start, forceBlank);
      out.push(c.text);
      previousEnd = c.span.end;
      this.next++;
    };
    items.forEach((item, i) => {
      const leadingLimit = item.leaf ? item.span.end : item.span.start;
      let first = true;
      for (let c = this.peek(); c !== undefined && c.span.start < leadingLimit; c = this.peek()) {
        ownLine(c, first && item.blankBefore);
        first = false;
      }
      separate(item.span.start, first && item.blankBefore);
      out.push(item.print());
      previousEnd = item.span.end;
      // A comment after the item on its line, unless another item or the block's end comes first.
      const trailing = this.peek();
      const limit = items[i + 1]?.span.start ?? end;
      if (trailing !== undefined && trailing.span.start < limit && this.sameLine(item.span.end, trailing.span.start)) {
        out.push(COMMENT_GAP, trailing.text);
        previousEnd = trailing.span.end;
        this.next++;
      }
    });
    for (let c = this.peek(); c !== undefined && c.span.start < end; c = this.peek()) ownLine(c, false);
    return out;
  }

  private sameLine(from: number, to: number): boolean {
    if (from > to) return false;
    for (let i = from; i < to; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 10 || c === 13) return false;
    }
    return true;
  }

  /** `header {`, the items one per line, `}`; a comment on the header's line stays there. */
  private braces(header: Doc, span: Span, items: Item[]): Doc {
    const parts: Doc[] = [header, " {"];
    const first = this.peek();
    if (first !== undefined && first.span.start < span.end && this.sameLine(span.start, first.span.start)) {
      const firstItem = items[0];
      if (firstItem === undefined || first.span.start < firstItem.span.start) {
        parts.push(COMMENT_GAP, first.text);
        this.next++;
      }
    }
    const body = this.entries(bySource(items), span.end);
    if (body.length === 0) return parts.length === 2 ? [header, " {}"] : [...parts, hardline, "}"];
    return [...parts, indent([hardline, body]), hardline, "}"];
  }

  private source(span: Span): string {
    return this.text.slice(span.start, span.end);
  }

  private expr(e: StringExpr | undefined): Doc {
    if (e === undefined) return "";
    return e.kind === "string" ? this.source(e.span) : e.name.text;
  }

  private list(items: StringExpr[]): Doc {
    if (items.length === 0) return "[]";
    const docs = items.map((i) => this.expr(i));
    return group(["[", indent([softline, join([",", line], docs)]), ifBreak(","), softline, "]"]);
  }

  private name(n: Name): string {
    return n.text;
  }

  private constDecl(c: ConstDecl): Doc {
    if (c.param === true) return c.value === undefined ? ["param ", this.name(c.name)] : ["param ", this.name(c.name), " = ", this.expr(c.value)];
    return ["const ", this.name(c.name), " = ", this.expr(c.value)];
  }

  private ruleSet(r: RuleSetDecl): Doc {
    return this.braces(["rules ", this.name(r.name)], r.span, r.rules.map((rule) => this.ruleItem(rule)));
  }

  private ruleItem(rule: RuleNode): Item {
    return this.leaf(rule.span, () => this.rule(rule));
  }

  private rule(rule: RuleNode): Doc {
    switch (rule.kind) {
      case "use":
        return ["use ", this.name(rule.name)];
      case "match": {
        const parts: Doc[] = ["match ", this.expr(rule.pattern)];
        if (rule.sourcePrefix !== undefined) parts.push(" in ", this.expr(rule.sourcePrefix));
        parts.push(" with ", rule.destinationType ?? "");
        if (rule.destinationPrefix !== undefined) parts.push(" in ", this.expr(rule.destinationPrefix));
        parts.push(" from ", rule.from === undefined ? "" : this.name(rule.from));
        return parts;
      }
      default:
        return [rule.kind, " ", this.expr(rule.pattern)];
    }
  }

  private layout(l: LayoutDecl): Doc {
    const items: Item[] = [];
    const target = l.target;
    if (target !== undefined) items.push(this.leaf(target.span, () => ["target ", this.source(target.span)]));
    const dssePayload = l.dssePayload;
    if (dssePayload !== undefined) items.push(this.leaf(dssePayload.span, () => ["dsse-payload ", this.source(dssePayload.span)]));
    const expires = l.expires;
    if (expires !== undefined) items.push(this.leaf(expires.span, () => this.expires(expires)));
    const readme = l.readme;
    if (readme !== undefined) items.push(this.leaf(readme.span, () => ["readme ", this.expr(readme)]));
    for (const f of l.functionaries) items.push(this.functionaryItem(f));
    for (const b of [l.rootCas, l.intermediateCas]) if (b !== undefined) items.push(this.block(b.span, false, () => this.caBlock(b)));
    for (const s of l.items) items.push(this.block(s.span, true, () => (s.kind === "step" ? this.step(s) : this.inspection(s))));
    const header: Doc = l.name === undefined ? "layout" : ["layout ", this.source(l.name.span)];
    return this.braces(header, l.span, items);
  }

  private expires(e: ExpiresClause): Doc {
    return e.kind === "relative" ? ["expires in ", e.text] : ["expires ", this.expr(e.value)];
  }

  private caBlock(b: CaBlock): Doc {
    return this.braces(b.kind, b.span, b.entries.map((e) => this.functionaryItem(e, "")));
  }

  private certConstraints(b: CertConstraintsBlock): Doc {
    const constraints = b.constraints.map((c) =>
      this.block(c.span, false, () => this.braces(this.name(c.keyword), c.span, c.fields.map((k) => this.keyFieldItem(k)))),
    );
    return this.braces("cert-constraints", b.span, constraints);
  }

  /** `functionary NAME key …`, or `NAME key …` inside a certificate authority block (`prefix` ""). */
  private functionaryItem(f: FunctionaryDecl, prefix = "functionary "): Item {
    const sigstore = f.sigstore;
    if (sigstore !== undefined) {
      const items = sigstore.items.map((i) => this.leaf(i.span, () => [i.kind, " ", this.expr(i.value)]));
      return this.block(f.span, false, () => this.braces([prefix, this.name(f.name), " sigstore"], f.span, items));
    }
    const header = [prefix, this.name(f.name), " key"];
    const key = f.key;
    if (key?.kind === "file" && key.gpgSpan !== undefined) return this.leaf(f.span, () => [header, " gpg ", this.expr(key.fingerprint), " from ", this.expr(key.path)]);
    if (key?.kind !== "inline") return this.leaf(f.span, () => [header, " ", this.expr(key?.path)]);
    return this.block(f.span, false, () => this.braces(header, f.span, key.fields.map((k) => this.keyFieldItem(k))));
  }

  private keyFieldItem(k: KeyField): Item {
    const value = k.value;
    const print = (): Doc => [this.name(k.name), " ", value?.kind === "list" ? this.list((value as StringListExpr).items) : this.expr(value)];
    return this.leaf(k.span, print);
  }

  private command(c: CommandExpr): Doc {
    return c.form === "list" ? this.list(c.parts) : this.expr(c.parts[0]);
  }

  /** `by …` and `threshold N` of a step or an attestation block. */
  private signers(items: Item[], s: Pick<StepDecl, "by" | "bySpan" | "threshold">): void {
    const bySpan = s.bySpan;
    if (bySpan !== undefined) items.push(this.leaf(bySpan, () => ["by ", s.by.map((n) => n.text).join(", ")]));
    const threshold = s.threshold;
    if (threshold !== undefined) items.push(this.leaf(threshold.span, () => ["threshold ", String(threshold.value)]));
  }

  private attestation(a: AttestationBlock): Doc {
    const items: Item[] = [];
    this.signers(items, a);
    for (const c of a.checks) items.push(this.leaf(c.span, () => this.check(c)));
    return this.braces(["attestation ", this.expr(a.predicateType)], a.span, items);
  }

  /** `check "CEL"` and its modifiers in the order written. */
  private check(c: CheckClause): Doc {
    const modifiers: { at: number; doc: Doc }[] = [];
    if (c.warn !== undefined) modifiers.push({ at: c.warn.span.start, doc: " warn" });
    if (c.allowIfAbsent !== undefined) modifiers.push({ at: c.allowIfAbsent.span.start, doc: " allow-if-absent" });
    if (c.debug !== undefined) modifiers.push({ at: c.debug.span.start, doc: [" debug ", this.expr(c.debug)] });
    return ["check ", this.expr(c.rule), ...modifiers.sort((a, b) => a.at - b.at).map((m) => m.doc)];
  }

  private step(s: StepDecl): Doc {
    const items: Item[] = [];
    this.signers(items, s);
    const command = s.command;
    if (command !== undefined) items.push(this.leaf(command.span, () => ["expect command ", this.command(command)]));
    for (const a of s.attestations ?? []) items.push(this.block(a.span, false, () => this.attestation(a)));
    this.pushBlocks(items, s);
    const constraints = s.certConstraints;
    if (constraints !== undefined) items.push(this.block(constraints.span, false, () => this.certConstraints(constraints)));
    return this.braces(["step ", this.name(s.name)], s.span, items);
  }

  private inspection(i: InspectionDecl): Doc {
    const items: Item[] = [];
    const run = i.run;
    if (run !== undefined) items.push(this.leaf(run.span, () => ["run ", this.command(run)]));
    this.pushBlocks(items, i);
    return this.braces(["inspection ", this.name(i.name)], i.span, items);
  }

  private pushBlocks(items: Item[], owner: { materials?: RuleBlock; products?: RuleBlock }): void {
    for (const block of [owner.materials, owner.products]) {
      if (block !== undefined) items.push(this.block(block.span, false, () => this.ruleBlock(block)));
    }
  }

  private ruleBlock(b: RuleBlock): Doc {
    const first = b.rules[0];
    // Comments before the block were taken as its leading comments, so the next one tells.
    const next = this.peek();
    const hasComment = next !== undefined && next.span.start < b.span.end;
    const writtenInline = first !== undefined && this.sameLine(b.keywordSpan.end, first.span.start);
    if (!writtenInline || hasComment) return this.braces(b.side, b.span, b.rules.map((r) => this.ruleItem(r)));
    const rules = b.rules.map((r) => this.rule(r));
    return group([b.side, " {", indent([line, join(lineOr("  "), rules)]), line, "}"]);
  }
}

// Name resolution: every declaration (steps, inspections, functionaries, constants, rule sets) and
// every use of a name, with spans. The checks read it to report unknown and duplicate names; the
// language server reads it for go-to-definition, find-references and rename.
import type { CommandExpr, PolicyFile, RuleNode, StringExpr, StringListExpr } from "./ast.js";
import type { Span } from "./diagnostic.js";

/** What a declared name is. Steps and inspections share one namespace (in-toto requires it). */
export type SymbolKind = "step" | "inspection" | "functionary" | "constant" | "rule-set";

/** The namespaces names live in: `item` holds steps and inspections. */
export type Namespace = "item" | "functionary" | "constant" | "rule-set";

/** One declaration of a name. */
export interface SymbolDeclaration {
  kind: SymbolKind;
  name: string;
  /** The span of the name where it is declared. */
  span: Span;
  /** The span of the whole declaration. */
  declarationSpan: Span;
}

/** One use of a name. */
export interface SymbolReference {
  namespace: Namespace;
  name: string;
  span: Span;
  /** The step or inspection the use sits in, if any (for `match … from` order lints). */
  inItem?: string;
  /** The first declaration with this name in the namespace; undefined when the name is unknown. */
  declaration?: SymbolDeclaration;
}

/** All declarations and references of one file, in source order. */
export interface SymbolTable {
  declarations: SymbolDeclaration[];
  references: SymbolReference[];
  /** The first declaration of each name, per namespace. */
  byName: Record<Namespace, Map<string, SymbolDeclaration>>;
}

/** The namespace a kind of declaration lives in. */
export function namespaceOf(kind: SymbolKind): Namespace {
  return kind === "step" || kind === "inspection" ? "item" : kind;
}

class Collector {
  readonly declarations: SymbolDeclaration[] = [];
  readonly references: SymbolReference[] = [];
  item: string | undefined;

  declare(kind: SymbolKind, name: { text: string; span: Span }, declarationSpan: Span): void {
    if (name.text === "") return;
    this.declarations.push({ kind, name: name.text, span: name.span, declarationSpan });
  }

  use(namespace: Namespace, name: { text: string; span: Span } | undefined): void {
    if (name === undefined || name.text === "") return;
    const ref: SymbolReference = { namespace, name: name.text, span: name.span };
    if (this.item !== undefined) ref.inItem = this.item;
    this.references.push(ref);
  }

  string(expr: StringExpr | StringListExpr | undefined): void {
    if (expr === undefined) return;
    if (expr.kind === "ref") this.use("constant", expr.name);
    else if (expr.kind === "list") for (const item of expr.items) this.string(item);
  }

  command(cmd: CommandExpr | undefined): void {
    if (cmd !== undefined) for (const part of cmd.parts) this.string(part);
  }

  rules(rules: RuleNode[] | undefined): void {
    for (const rule of rules ?? []) {
      if (rule.kind === "use") {
        this.use("rule-set", rule.name);
        continue;
      }
      this.string(rule.pattern);
      if (rule.kind === "match") {
        this.string(rule.sourcePrefix);
        this.string(rule.destinationPrefix);
        this.use("item", rule.from);
      }
    }
  }
}

/** Collects every declaration and reference of a (possibly partial) file. Never throws. */
export function collectSymbols(file: PolicyFile): SymbolTable {
  const c = new Collector();
  for (const k of file.consts) {
    c.declare("constant", k.name, k.span);
    c.string(k.value);
  }
  for (const set of file.ruleSets) {
    c.declare("rule-set", set.name, set.span);
    c.rules(set.rules);
  }
  const layout = file.layout;
  if (layout !== undefined) {
    if (layout.expires?.kind === "absolute") c.string(layout.expires.value);
    c.string(layout.readme);
    for (const f of layout.functionaries) {
      c.declare("functionary", f.name, f.span);
      if (f.key?.kind === "file") {
        c.string(f.key.fingerprint);
        c.string(f.key.path);
      }
      else if (f.key?.kind === "inline") for (const field of f.key.fields) c.string(field.value);
      for (const item of f.sigstore?.items ?? []) c.string(item.value);
    }
    for (const item of layout.items) {
      c.declare(item.kind, item.name, item.span);
      c.item = item.name.text;
      if (item.kind === "step") {
        for (const by of item.by) c.use("functionary", by);
        c.command(item.command);
        for (const a of item.attestations ?? []) {
          c.string(a.predicateType);
          for (const by of a.by) c.use("functionary", by);
          for (const check of a.checks) {
            c.string(check.rule);
            c.string(check.debug);
          }
        }
      } else {
        c.command(item.run);
      }
      c.rules(item.materials?.rules);
      c.rules(item.products?.rules);
      c.item = undefined;
    }
  }
  const byName: SymbolTable["byName"] = { item: new Map(), functionary: new Map(), constant: new Map(), "rule-set": new Map() };
  for (const d of c.declarations) {
    const map = byName[namespaceOf(d.kind)];
    if (!map.has(d.name)) map.set(d.name, d);
  }
  for (const r of c.references) {
    const d = byName[r.namespace].get(r.name);
    if (d !== undefined) r.declaration = d;
  }
  return { declarations: c.declarations, references: c.references, byName };
}

function contains(span: Span, offset: number): boolean {
  return span.start <= offset && offset <= span.end;
}

/**
 * The declaration under `offset`, whether the offset sits on the declaration's name or on a use of
 * it (for go-to-definition and rename). Undefined off any name or on an unknown name.
 */
export function symbolAt(table: SymbolTable, offset: number): SymbolDeclaration | undefined {
  for (const d of table.declarations) if (contains(d.span, offset)) return d;
  for (const r of table.references) if (contains(r.span, offset)) return r.declaration;
  return undefined;
}

/** Every span where `decl`'s name occurs: its declarations (duplicates too) and its uses. */
export function occurrences(table: SymbolTable, decl: SymbolDeclaration): Span[] {
  const ns = namespaceOf(decl.kind);
  const spans: Span[] = [];
  for (const d of table.declarations) if (d.name === decl.name && namespaceOf(d.kind) === ns) spans.push(d.span);
  for (const r of table.references) if (r.name === decl.name && r.namespace === ns) spans.push(r.span);
  return spans.sort((a, b) => a.start - b.start);
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Why `newName` cannot replace `decl`'s name (not a name, or already taken in its namespace), or
 * undefined when the rename is valid. Link-file safety is checked by `analyze` afterwards.
 */
export function renameProblem(table: SymbolTable, decl: SymbolDeclaration, newName: string): string | undefined {
  if (!NAME.test(newName)) return `"${newName}" is not a name: start with a letter or _, then letters, digits, _, . or -.`;
  if (newName !== decl.name && table.byName[namespaceOf(decl.kind)].has(newName)) {
    return `"${newName}" is already declared; choose another name.`;
  }
  return undefined;
}

// What every check and lint receives: the tree, the symbols, constants resolved to their values and
// every rule block with its rule sets spliced in. Lowering resolves strings and rules the same way,
// so a lint and the compiled layout never disagree about what a rule says.
import type { ArtifactSide, CelSyntaxCheck } from "@totem/engine";
import type {
  InspectionDecl,
  LayoutDecl,
  MatchRule,
  PolicyFile,
  RuleBlock,
  RuleNode,
  RuleSetDecl,
  SimpleRule,
  StepDecl,
  StringExpr,
} from "../ast.js";
import type { Code } from "../codes.js";
import type { Diagnostic, Span } from "../diagnostic.js";
import type { SymbolTable } from "../symbols.js";

/** A rule after splicing rule sets: the rule as written, and where it sits in the item's block. */
export interface ExpandedRule {
  rule: MatchRule | SimpleRule;
  /** The rule itself when written in the block; otherwise the outermost `use` that brought it in. */
  site: Span;
}

/** One `materials` or `products` list of one step or inspection, rule sets spliced. */
export interface ItemRules {
  item: StepDecl | InspectionDecl;
  /** The item's position in the layout (steps and inspections in source order). */
  position: number;
  side: ArtifactSide;
  /** Undefined when the item has no block for this side (in-toto then accepts anything). */
  block?: RuleBlock;
  rules: ExpandedRule[];
}

/** Everything a check or lint may read, plus the sink for its diagnostics. */
export interface CheckContext {
  text: string;
  file: PolicyFile;
  layout?: LayoutDecl;
  symbols: SymbolTable;
  /** The parser's diagnostics (a clause the parser dropped must not be reported as missing). */
  parseDiagnostics: readonly Diagnostic[];
  /** The clock for expiry lints; undefined skips them (tests and callers without a clock). */
  now?: Date;
  expiryWarningDays: number;
  /** The value of a string expression, or undefined when it is missing, unknown or cyclic. */
  value(expr: StringExpr | undefined): string | undefined;
  /** The CEL parser for `check` rules; undefined skips `invalid-cel`. */
  celSyntax?: CelSyntaxCheck;
  /** Every rule list of every item, in layout order, materials before products. */
  itemRules: ItemRules[];
  report(d: Diagnostic): void;
}

/**
 * Resolves constants by name; cycles and unknown names resolve to undefined. A `param` resolves to
 * its value in `params` when given there, else to its default (undefined without one).
 */
export function constantResolver(file: PolicyFile, params?: Readonly<Record<string, string>>): (expr: StringExpr | undefined) => string | undefined {
  const decls = new Map<string, StringExpr | undefined>();
  for (const k of file.consts) {
    if (decls.has(k.name.text)) continue;
    const given = k.param === true && params !== undefined && Object.hasOwn(params, k.name.text) ? params[k.name.text] : undefined;
    decls.set(k.name.text, given === undefined ? k.value : { kind: "string", value: given, span: k.name.span });
  }
  const cache = new Map<string, string | undefined>();
  const visiting = new Set<string>();
  const byName = (name: string): string | undefined => {
    if (cache.has(name)) return cache.get(name);
    if (visiting.has(name) || !decls.has(name)) return undefined;
    visiting.add(name);
    const v = resolve(decls.get(name));
    visiting.delete(name);
    cache.set(name, v);
    return v;
  };
  const resolve = (expr: StringExpr | undefined): string | undefined => {
    if (expr === undefined) return undefined;
    return expr.kind === "string" ? expr.value : byName(expr.name.text);
  };
  return resolve;
}

/**
 * An in-toto lint: the one code it reports (a "lint"-phase code of the registry, codes.ts) and the
 * pass that reports it. checks/all.ts lists every lint; a lint never imports that list.
 */
export interface Lint {
  readonly code: Code;
  run(ctx: CheckContext): void;
}

/** Splices `use` rules (depth first, in order); cyclic or unknown rule sets contribute nothing. */
export function expandRules(rules: RuleNode[], ruleSets: Map<string, RuleSetDecl>): ExpandedRule[] {
  const out: ExpandedRule[] = [];
  const active = new Set<string>();
  const walk = (list: RuleNode[], site: Span | undefined): void => {
    for (const rule of list) {
      if (rule.kind !== "use") {
        out.push({ rule, site: site ?? rule.span });
        continue;
      }
      const set = ruleSets.get(rule.name.text);
      if (set === undefined || active.has(set.name.text)) continue;
      active.add(set.name.text);
      walk(set.rules, site ?? rule.span);
      active.delete(set.name.text);
    }
  };
  walk(rules, undefined);
  return out;
}

/** The first rule set of each name. */
export function ruleSetsByName(file: PolicyFile): Map<string, RuleSetDecl> {
  const map = new Map<string, RuleSetDecl>();
  for (const set of file.ruleSets) if (!map.has(set.name.text)) map.set(set.name.text, set);
  return map;
}

/** Every rule list of every item of the layout, rule sets spliced. */
export function collectItemRules(layout: LayoutDecl | undefined, ruleSets: Map<string, RuleSetDecl>): ItemRules[] {
  const out: ItemRules[] = [];
  layout?.items.forEach((item, position) => {
    for (const side of ["materials", "products"] as const) {
      const block = item[side];
      const entry: ItemRules = { item, position, side, rules: block === undefined ? [] : expandRules(block.rules, ruleSets) };
      if (block !== undefined) entry.block = block;
      out.push(entry);
    }
  });
  return out;
}

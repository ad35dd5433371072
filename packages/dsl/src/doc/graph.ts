// The policy graph: what a reviewer wants to see of a policy at a glance — its steps and inspections
// in layout order, who signs each step and how many must agree, and the artifact flow its MATCH rules
// describe. Built from the (possibly partial) tree, with constants resolved and rule sets spliced the
// way the checks and lowering do (checks/context.ts), so `totem doc` and the editor's graph view show
// what the compiled layout enforces. Pure; never throws, also for a tree with syntax errors.
import type { ArtifactRule, ArtifactSide } from "@totem/engine";
import type { CommandExpr, FunctionaryDecl, PolicyFile, StepDecl } from "../ast.js";
import { collectItemRules, constantResolver, ruleSetsByName } from "../checks/context.js";
import { splitCommand } from "../command-split.js";
import type { Span } from "../diagnostic.js";

/** A functionary: its name, where its key comes from, and the steps it may sign. */
export interface GraphFunctionary {
  name: string;
  /**
   * `file`: the key file path as written (constants resolved), with the fingerprint when it is a GPG
   * key from a keyring; `inline`: a key literal with its type; `sigstore`: a keyless identity.
   */
  key:
    | { kind: "file"; path: string; fingerprint?: string }
    | { kind: "inline"; keytype: string }
    | { kind: "sigstore"; issuer: string; identity: string; pattern: boolean }
    | { kind: "missing" };
  /** The steps whose `by` (or one of whose attestation blocks' `by`) names this functionary, in layout order. */
  steps: string[];
  span: Span;
}

/** One artifact rule of a step or inspection, after constants and rule sets are resolved. */
export interface GraphRule {
  /** The rule as the layout will hold it (a MATCH's `destinationName` may name no item). */
  rule: ArtifactRule;
  /** The rule as written, or the `use` that spliced it in from a rule set. */
  span: Span;
}

/** An attestation a step expects (target "ite-10"): its predicate type, who may make it, how many must, its CEL checks. */
export interface GraphAttestation {
  predicateType: string;
  signers: string[];
  threshold: number;
  /** Its CEL rules; `warn`: a false result only warns; `allowIfAbsent`: skipped when the claim lacks the field. */
  checks: { rule: string; warn: boolean; allowIfAbsent: boolean }[];
  span: Span;
}

/** A step (signed by functionaries) or an inspection (run by the verifier). */
export interface GraphNode {
  kind: "step" | "inspection";
  name: string;
  /** Steps: functionary names as written in `by` (empty for inspections). */
  signers: string[];
  /** Steps: how many signers' links must agree (1 when not written); inspections: 0. */
  threshold: number;
  /** Steps: the attestations it expects besides (or instead of) links; empty for inspections and most policies. */
  attestations: GraphAttestation[];
  /** The expected command of a step or the run command of an inspection, split; empty when absent. */
  command: string[];
  materials: GraphRule[];
  products: GraphRule[];
  /** Whether the item has a `materials`/`products` block at all (without one, in-toto accepts anything). */
  hasBlock: { materials: boolean; products: boolean };
  /** The span of the item's name. */
  span: Span;
}

/**
 * A MATCH edge: artifacts flow from `from` (the item named after `from`) to `to` (the item whose
 * rule it is). `fromSide` is the side of the `from` link compared with, `toSide` the side of `to`
 * that the rule sits in. `resolved` is false when `from` names no step or inspection.
 */
export interface GraphEdge {
  from: string;
  fromSide: ArtifactSide;
  to: string;
  toSide: ArtifactSide;
  pattern: string;
  sourcePrefix?: string;
  destinationPrefix?: string;
  resolved: boolean;
  span: Span;
}

/** The whole graph of one policy. */
export interface PolicyGraph {
  /** The layout name, when written. */
  name?: string;
  target?: string;
  /** The expiry as written: an RFC 3339 date, or `in 180d`. */
  expires?: string;
  readme?: string;
  functionaries: GraphFunctionary[];
  /** Steps and inspections in layout order. */
  nodes: GraphNode[];
  /** MATCH edges in layout order (by item, materials before products, rule order). */
  edges: GraphEdge[];
}

/**
 * Builds the graph of a parsed policy (also a partial tree: what is missing is left out). A `param`
 * takes its value in `params`, else its default, else shows as `{NAME}`.
 */
export function policyGraph(file: PolicyFile, params: Readonly<Record<string, string>> = {}): PolicyGraph {
  const unset = file.consts.filter((c) => c.param === true && c.value === undefined).map((c) => [c.name.text, `{${c.name.text}}`]);
  const value = constantResolver(file, { ...Object.fromEntries(unset), ...params });
  const layout = file.layout;
  const graph: PolicyGraph = { functionaries: [], nodes: [], edges: [] };
  if (layout === undefined) return graph;
  if (layout.name !== undefined) graph.name = layout.name.value;
  if (layout.target !== undefined) graph.target = layout.target.value;
  const expires = layout.expires;
  if (expires !== undefined) {
    const text = expires.kind === "relative" ? `in ${expires.text}` : value(expires.value);
    if (text !== undefined) graph.expires = text;
  }
  const readme = value(layout.readme);
  if (readme !== undefined) graph.readme = readme;

  const command = (cmd: CommandExpr | undefined): string[] => {
    if (cmd === undefined) return [];
    if (cmd.form === "list") return cmd.parts.map((p) => value(p) ?? "");
    const split = splitCommand(value(cmd.parts[0]) ?? "");
    return split.ok ? split.value : [];
  };
  for (const item of layout.items) {
    const step = item.kind === "step" ? (item as StepDecl) : undefined;
    graph.nodes.push({
      kind: item.kind,
      name: item.name.text,
      signers: step ? step.by.map((b) => b.text) : [],
      threshold: step ? (step.threshold?.value ?? 1) : 0,
      attestations: (step?.attestations ?? []).map((a) => ({
        predicateType: value(a.predicateType) ?? "",
        signers: a.by.map((b) => b.text),
        threshold: a.threshold?.value ?? 1,
        checks: a.checks.map((c) => ({ rule: value(c.rule) ?? "", warn: c.warn !== undefined, allowIfAbsent: c.allowIfAbsent !== undefined })),
        span: a.keywordSpan,
      })),
      command: command(step ? step.command : item.kind === "inspection" ? item.run : undefined),
      materials: [],
      products: [],
      hasBlock: { materials: item.materials !== undefined, products: item.products !== undefined },
      span: item.name.span,
    });
  }
  const names = new Set(graph.nodes.map((n) => n.name));
  for (const entry of collectItemRules(layout, ruleSetsByName(file))) {
    const node = graph.nodes[entry.position];
    if (node === undefined) continue;
    for (const { rule, site } of entry.rules) {
      const pattern = value(rule.pattern) ?? "";
      if (rule.kind !== "match") {
        node[entry.side].push({ rule: { type: rule.kind, pattern }, span: site });
        continue;
      }
      const from = rule.from?.text ?? "";
      const fromSide = rule.destinationType ?? "products";
      const out: ArtifactRule = { type: "match", pattern, destinationType: fromSide, destinationName: from };
      const edge: GraphEdge = { from, fromSide, to: node.name, toSide: entry.side, pattern, resolved: names.has(from), span: site };
      const source = value(rule.sourcePrefix);
      const destination = value(rule.destinationPrefix);
      if (source !== undefined) out.sourcePrefix = edge.sourcePrefix = source;
      if (destination !== undefined) out.destinationPrefix = edge.destinationPrefix = destination;
      graph.edges.push(edge);
      node[entry.side].push({ rule: out, span: site });
    }
  }
  const seen = new Set<string>();
  for (const f of layout.functionaries) {
    if (seen.has(f.name.text)) continue;
    seen.add(f.name.text);
    const signs = (n: GraphNode) => n.signers.includes(f.name.text) || n.attestations.some((a) => a.signers.includes(f.name.text));
    const steps = graph.nodes.filter(signs).map((n) => n.name);
    graph.functionaries.push({ name: f.name.text, key: keySource(f, value), steps, span: f.name.span });
  }
  return graph;
}

function keySource(f: FunctionaryDecl, value: ReturnType<typeof constantResolver>): GraphFunctionary["key"] {
  const key = f.key;
  if (f.sigstore !== undefined) {
    const item = (kind: string) => f.sigstore?.items.find((i) => i.kind === kind);
    const pattern = item("identity") === undefined && item("identity-pattern") !== undefined;
    return { kind: "sigstore", issuer: value(item("issuer")?.value) ?? "", identity: value((item("identity") ?? item("identity-pattern"))?.value) ?? "", pattern };
  }
  if (key === undefined) return { kind: "missing" };
  if (key.kind === "file") {
    const fingerprint = key.fingerprint === undefined ? undefined : value(key.fingerprint);
    return { kind: "file", path: value(key.path) ?? "", ...(fingerprint === undefined ? {} : { fingerprint }) };
  }
  const type = key.fields.find((field) => field.name.text === "type");
  const keytype = type?.value !== undefined && type.value.kind !== "list" ? (value(type.value) ?? "") : "";
  return { kind: "inline", keytype };
}

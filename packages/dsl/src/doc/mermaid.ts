// The policy graph as a Mermaid flowchart: one box per step (its name, who signs it and how many must
// agree, and the attestations it expects with their signers), one hexagon per inspection, and one arrow per pair of items joined by MATCH rules, labelled
// with the patterns it carries. Every label is quoted and entity-escaped, so a pattern can never end a
// label early or inject HTML into a renderer that allows it.
import type { GraphEdge, GraphNode, PolicyGraph } from "./graph.js";

/** Mermaid's entity form (`#quot;`) for the characters that could end a label or open markup. */
export function escapeMermaid(text: string): string {
  return text.replace(/[#"<>&|\\`]|[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `#${c.codePointAt(0)};`);
}

function label(lines: readonly string[]): string {
  return `"${lines.map(escapeMermaid).join("<br/>")}"`;
}

/** `by ci`, `2 of dana, erin, frank`. */
function whoText(signers: readonly string[], threshold: number): string {
  const names = signers.join(", ");
  return threshold > 1 || signers.length > 1 ? `${threshold} of ${names}` : `by ${names}`;
}

/** A predicate type short enough for a box: its last two path segments (`provenance/v1`, `test-result/v0.1`). */
export function shortPredicateType(uri: string): string {
  const parts = uri.replace(/[?#].*$/, "").split("/").filter((p) => p !== "");
  return parts.length > 2 ? parts.slice(-2).join("/") : uri;
}

/** Who signs a step, as one line: `by ci`, `2 of dana, erin, frank`, `no signer` (its links; attestations are {@link attestationLines}). */
export function signerLine(node: GraphNode): string {
  if (node.signers.length === 0) return node.attestations.length > 0 ? "no link" : "no signer";
  return whoText(node.signers, node.threshold);
}

/** One line per attestation a step expects: `provenance/v1 by release-workflow`. */
export function attestationLines(node: GraphNode): string[] {
  return node.attestations.map((a) => `${shortPredicateType(a.predicateType)} ${a.signers.length === 0 ? "by nobody" : whoText(a.signers, a.threshold)}`);
}

/** The side pair of an edge when it is not the usual products → materials flow. */
function sides(edge: GraphEdge): string {
  return edge.fromSide === "products" && edge.toSide === "materials" ? "" : `${edge.fromSide} → ${edge.toSide}: `;
}

function edgeText(edge: GraphEdge): string {
  const source = edge.sourcePrefix === undefined ? "" : ` in ${edge.sourcePrefix}`;
  const destination = edge.destinationPrefix === undefined ? "" : ` (from ${edge.destinationPrefix})`;
  return `${sides(edge)}${edge.pattern}${source}${destination}`;
}

/**
 * The Mermaid source (`flowchart LR`) of a policy graph, without the Markdown fence. Deterministic:
 * nodes in layout order, edges grouped by (from, to) in order of their first rule.
 */
export function renderMermaid(graph: PolicyGraph): string {
  const lines = ["flowchart LR"];
  const ids = new Map<string, string>();
  graph.nodes.forEach((node, i) => {
    if (ids.has(node.name)) return;
    const id = `n${i}`;
    ids.set(node.name, id);
    if (node.kind === "step") {
      const who = node.attestations.length > 0 && node.signers.length === 0 ? [] : [signerLine(node)];
      lines.push(`  ${id}[${label([node.name, ...who, ...attestationLines(node)])}]`);
    }
    else lines.push(`  ${id}{{${label([node.name, "inspection"])}}}`);
  });
  const missing = new Map<string, string>();
  const groups = new Map<string, { from: string; to: string; texts: string[] }>();
  for (const edge of graph.edges) {
    let from = ids.get(edge.from);
    if (from === undefined || !edge.resolved) {
      from = missing.get(edge.from);
      if (from === undefined) {
        from = `m${missing.size}`;
        missing.set(edge.from, from);
        lines.push(`  ${from}[${label([edge.from === "" ? "?" : edge.from, "not declared"])}]`);
        lines.push(`  style ${from} stroke-dasharray: 5 5`);
      }
    }
    const to = ids.get(edge.to);
    if (to === undefined) continue;
    const key = `${from} ${to}`;
    const group = groups.get(key) ?? { from, to, texts: [] };
    if (!group.texts.includes(edgeText(edge))) group.texts.push(edgeText(edge));
    groups.set(key, group);
  }
  for (const g of groups.values()) lines.push(`  ${g.from} -->|${label(g.texts)}| ${g.to}`);
  return `${lines.join("\n")}\n`;
}

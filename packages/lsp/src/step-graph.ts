// `totem/stepGraph`: the dsl's policy graph (the one `totem doc` renders) of an open policy, with
// document ranges instead of offsets so a client can jump from a node or edge to its source.
import { attestationLines, policyGraph } from "@totem/dsl";
import type { DocumentSnapshot } from "./documents.js";
import type { DocAnalysis } from "./analysis.js";
import type { StepGraphResult } from "./protocol.js";

/** The graph of one document's current analysis. */
export function stepGraph(doc: DocumentSnapshot, a: DocAnalysis): StepGraphResult {
  const g = policyGraph(a.file);
  const range = doc.lines.rangeOf.bind(doc.lines);
  return {
    ...(g.name !== undefined ? { name: g.name } : {}),
    nodes: g.nodes.map((n) => ({ kind: n.kind, name: n.name, signers: n.signers, threshold: n.threshold, attestations: attestationLines(n), command: n.command, range: range(n.span) })),
    edges: g.edges.map((e) => ({
      from: e.from,
      fromSide: e.fromSide,
      to: e.to,
      toSide: e.toSide,
      pattern: e.pattern,
      resolved: e.resolved,
      range: range(e.span),
    })),
    functionaries: g.functionaries.map((f) => ({ name: f.name, steps: f.steps, range: range(f.span) })),
  };
}

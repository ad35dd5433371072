// Constants defined through each other and rule sets that `use` each other have no value: report
// each cycle once, on the use that closes it.
import type { PolicyFile, RuleNode, StringExpr } from "../ast.js";
import { diagnostic } from "../codes.js";
import type { Span } from "../diagnostic.js";
import type { CheckContext } from "./context.js";

interface Edge {
  to: string;
  span: Span;
}

/** Depth-first search that reports each back edge (a cycle) once. */
function findCycles(graph: Map<string, Edge[]>, report: (path: string[], edge: Edge) => void): void {
  const state = new Map<string, "active" | "done">();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, "active");
    stack.push(node);
    for (const edge of graph.get(node) ?? []) {
      const s = state.get(edge.to);
      if (s === "active") report([...stack.slice(stack.indexOf(edge.to)), edge.to], edge);
      else if (s === undefined && graph.has(edge.to)) visit(edge.to);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
}

function constantGraph(file: PolicyFile): Map<string, Edge[]> {
  const graph = new Map<string, Edge[]>();
  for (const k of file.consts) {
    if (graph.has(k.name.text)) continue;
    const v: StringExpr | undefined = k.value;
    graph.set(k.name.text, v?.kind === "ref" ? [{ to: v.name.text, span: v.name.span }] : []);
  }
  return graph;
}

function ruleSetGraph(file: PolicyFile): Map<string, Edge[]> {
  const graph = new Map<string, Edge[]>();
  for (const set of file.ruleSets) {
    if (graph.has(set.name.text)) continue;
    const uses = set.rules.filter((r: RuleNode) => r.kind === "use");
    graph.set(
      set.name.text,
      uses.map((u) => ({ to: u.name.text, span: u.name.span })),
    );
  }
  return graph;
}

/** Reports constant cycles and rule-set cycles. */
export function checkCycles(ctx: CheckContext): void {
  findCycles(constantGraph(ctx.file), (path, edge) => {
    ctx.report(diagnostic("constant-cycle", edge.span, `Constants ${path.join(" → ")} refer to each other in a cycle: give one of them a string value.`));
  });
  findCycles(ruleSetGraph(ctx.file), (path, edge) => {
    ctx.report(diagnostic("rule-set-cycle", edge.span, `Rule sets ${path.join(" → ")} use each other in a cycle: remove one of the \`use\` rules.`));
  });
}

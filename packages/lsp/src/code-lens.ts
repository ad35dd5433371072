// Code lenses: above the layout, "Verify against links", "Simulate with inspections", "Run policy tests" (when the policy has a
// `.totem-test` file beside it), "Show compiled JSON" and "Step graph"; above each step and
// inspection, "Show compiled JSON" of that item. The commands are the client's
// (the VS Code extension registers them; docs/lsp.md lists their arguments for other editors).
import type { PolicyFile } from "@totem/dsl";
import type { CodeLens } from "vscode-languageserver";
import type { DocumentSnapshot } from "./documents.js";

/** Client commands the lenses run, with the arguments they pass. */
export const LENS_COMMANDS = {
  /** No arguments: verifies the active policy against a links folder the user picks. */
  verify: "totem.verifyLinks",
  /** No arguments: the same, running the inspections too (in a scratch copy of the folder). */
  simulate: "totem.simulateWithInspections",
  /** [policy URI] or [policy URI, step or inspection name]. */
  compiled: "totem.showCompiledLayout",
  /** [policy URI]. */
  graph: "totem.showStepGraph",
  /** [test file URI]: runs `totem test` on it. */
  tests: "totem.runPolicyTests",
} as const;

/** The lenses of a policy (none without a layout); `testFile` is the URI of its policy tests, if any. */
export function codeLenses(doc: DocumentSnapshot, file: PolicyFile, testFile?: string): CodeLens[] {
  const layout = file.layout;
  if (layout === undefined) return [];
  const at = (offset: number) => {
    const line = doc.lines.positionAt(offset).line;
    return { start: { line, character: 0 }, end: { line, character: 0 } };
  };
  const top = at(layout.span.start);
  const lenses: CodeLens[] = [
    { range: top, command: { title: "Verify against links", command: LENS_COMMANDS.verify, arguments: [] } },
    { range: top, command: { title: "Simulate with inspections", command: LENS_COMMANDS.simulate, arguments: [] } },
    ...(testFile === undefined ? [] : [{ range: top, command: { title: "Run policy tests", command: LENS_COMMANDS.tests, arguments: [testFile] } }]),
    { range: top, command: { title: "Show compiled JSON", command: LENS_COMMANDS.compiled, arguments: [doc.uri] } },
    { range: top, command: { title: "Step graph", command: LENS_COMMANDS.graph, arguments: [doc.uri] } },
  ];
  for (const item of layout.items) {
    const r = at(item.span.start);
    lenses.push({
      range: r,
      command: { title: `Show compiled JSON of ${item.kind} ${item.name.text}`, command: LENS_COMMANDS.compiled, arguments: [doc.uri, item.name.text] },
    });
    if (item.kind === "step") {
      lenses.push({ range: r, command: { title: "Verify against links", command: LENS_COMMANDS.verify, arguments: [] } });
    }
  }
  return lenses;
}

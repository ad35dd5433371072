// `totem doc POLICY [-o FILE] [--format markdown|mermaid|json]`: documentation of a policy for
// reviewers — Markdown with a Mermaid graph of the steps, the MATCH artifact flow and the signers
// (the dsl's policyGraph, renderPolicyMarkdown, renderMermaid). A policy with syntax or semantic errors
// is reported and documented not at all: documentation of a policy that does not mean anything yet
// would mislead. Key files need not be readable.
import { policyGraph, renderMermaid, renderPolicyMarkdown } from "@totem/dsl";
import { type Command, Option } from "commander";
import { EXIT } from "../errors.js";
import { userPath } from "../io.js";
import { ioOf, resolveNow, setExit } from "../program.js";
import { collectParam } from "../params.js";
import { colorEnabled } from "../terminal.js";
import { refuseOverwritingInput, writeFileAtomic } from "../write-files.js";
import { checkPolicy, writeCodeFrames } from "./check.js";

const EXAMPLES = `
Examples:
  $ totem doc root.totem                     Markdown on stdout
  $ totem doc root.totem -o POLICY.md        written atomically
  $ totem doc root.totem --format mermaid    the graph alone (flowchart source)
  $ totem doc root.totem --format json       the graph as data (steps, signers, MATCH edges, spans)

Exit codes: 0 written, 1 the policy has errors (nothing written), 2 bad flag or unreadable input.
`;

interface DocFlags {
  output?: string;
  format: "markdown" | "mermaid" | "json";
  param?: Record<string, string>;
}

/** Registers `totem doc`. */
export function register(program: Command): void {
  program
    .command("doc")
    .description("document a policy in Markdown with a Mermaid graph of its steps, artifact flow and signers")
    .argument("<policy>", "the .totem policy to document")
    .option("-o, --output <file>", "write to this file instead of stdout")
    .addOption(new Option("--format <format>", "output format").choices(["markdown", "mermaid", "json"]).default("markdown"))
    .option("--param <name=value>", "a value for the policy's `param NAME` (repeatable); a param without one shows as {NAME}", collectParam)
    .addHelpText("after", EXAMPLES)
    .action((policy: string, opts: DocFlags, cmd: Command) => {
      const io = ioOf(cmd);
      const checked = checkPolicy(policy, io, { now: resolveNow(undefined, io), paramsOptional: true, params: opts.param ?? {} });
      // Syntax and semantic errors only: documentation does not need the key files to be readable.
      const errors = checked.lowered.analysis.diagnostics.filter((d) => d.severity === "error");
      if (errors.length > 0) {
        writeCodeFrames([{ ...checked, diagnostics: errors }], io.stderr, colorEnabled(io.stderrIsTTY, io.env));
        io.stderr.write(`totem: ${checked.uri} has errors; no documentation was written\n`);
        setExit(cmd, EXIT.FAILED);
        return;
      }
      const graph = policyGraph(checked.lowered.analysis.file, opts.param);
      const text =
        opts.format === "json"
          ? `${JSON.stringify(graph, null, 2)}\n`
          : opts.format === "mermaid"
            ? renderMermaid(graph)
            : renderPolicyMarkdown(graph, { source: checked.uri });
      if (opts.output === undefined) {
        io.stdout.write(text);
        return;
      }
      const { path: out, shown } = userPath(io.cwd, opts.output);
      refuseOverwritingInput(out, `-o ${opts.output}`, [{ path: checked.path, what: "policy" }]);
      writeFileAtomic(out, text, undefined, shown);
      io.stderr.write(`documented ${checked.uri} → ${shown}\n`);
    });
}

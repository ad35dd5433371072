// in-toto compares each link's command with `expected_command` and warns on any difference
// (SPEC-NOTES §7, step 7). An explicitly empty expected command therefore warns on every real link,
// and tells reviewers nothing: write the command, or omit the clause.
import type { CheckContext, Lint } from "../checks/context.js";
import { diagnostic } from "../codes.js";

/** Reports `expect command ""` and `expect command []`. */
function run(ctx: CheckContext): void {
  for (const step of ctx.layout?.steps ?? []) {
    const cmd = step.command;
    if (cmd === undefined) continue;
    const values = cmd.parts.map((p) => ctx.value(p));
    if (values.some((v) => v === undefined)) continue;
    if (values.join("").trim() !== "") continue;
    ctx.report(
      diagnostic(
        "empty-command",
        cmd.span,
        `Step "${step.name.text}" expects an empty command, so every link with a real command triggers a warning: write the command the functionary runs, or remove \`expect command\`.`,
      ),
    );
  }
}

export const lintEmptyCommand: Lint = { code: "empty-command", run };

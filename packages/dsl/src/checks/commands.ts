// A command written as one string is split by shell-like rules (docs/language.md, "Commands"); a
// string those rules cannot split (an unclosed quote, a trailing backslash) has no argv to emit.
import type { CommandExpr } from "../ast.js";
import { diagnostic } from "../codes.js";
import { splitCommand } from "../command-split.js";
import type { CheckContext } from "./context.js";

function checkCommand(ctx: CheckContext, cmd: CommandExpr | undefined): void {
  if (cmd === undefined || cmd.form !== "string") return;
  const part = cmd.parts[0];
  const text = ctx.value(part);
  if (part === undefined || text === undefined) return;
  const split = splitCommand(text);
  if (split.ok) return;
  ctx.report(diagnostic("invalid-command", part.span, `This command cannot be split into arguments. ${split.error.message.replace(/\.$/, "")}, or write the arguments as a list ["…", "…"].`));
}

/** Reports string commands (`expect command`, `run`) that do not split into arguments. */
export function checkCommands(ctx: CheckContext): void {
  for (const item of ctx.layout?.items ?? []) checkCommand(ctx, item.kind === "step" ? item.command : item.run);
}

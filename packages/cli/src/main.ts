/**
 * The `totem` command's dispatcher: argv in, exit code out.
 *
 * How to add a command (the pattern every command file follows):
 *
 *   // packages/cli/src/commands/frob.ts; it imports `Command` (commander), `ioOf` and `setExit`
 *   // (program.ts) and `EXIT`, `InputError`, `UsageError` (errors.ts).
 *   /** Registers `totem frob`. *\/
 *   export function register(program: Command): void {
 *     program.command("frob").argument("<file>").option("--json")
 *       .description("one line").addHelpText("after", "\nExamples:\n  $ totem frob a.totem\n")
 *       .action(async (file: string, opts, cmd: Command) => {
 *         const io = ioOf(cmd);            // stdout/stderr/cwd/env/isTTY of this run (program.ts)
 *         ...                              // throw UsageError / InputError for bad input (exit 2)
 *         setExit(cmd, EXIT.FAILED);       // policy or chain failed (exit 1); default is 0
 *       });
 *   }
 *
 * then add one line below: `import { register as registerFrob } from "./commands/frob.js";` and one
 * entry in COMMANDS. Write output only through `ioOf(cmd)` so tests can capture it with main(argv, io).
 */
import { register as registerCheck } from "./commands/check.js";
import { register as registerCompile } from "./commands/compile.js";
import { register as registerFmt } from "./commands/fmt.js";
import { register as registerKeygen } from "./commands/keygen.js";
import { register as registerImport } from "./commands/import.js";
import { register as registerDiff } from "./commands/diff.js";
import { register as registerSign } from "./commands/sign.js";
import { register as registerVerify } from "./commands/verify.js";
import { register as registerRun } from "./commands/run.js";
import { register as registerRecord } from "./commands/record.js";
import { register as registerLsp } from "./commands/lsp.js";
import { type Io, processIo, runProgram } from "./program.js";

/** Every command's register function, in `totem --help` order. Other commands add their line here. */
const COMMANDS = [
  registerCheck,
  registerFmt,
  registerCompile,
  registerSign,
  registerKeygen,
  registerImport,
  registerDiff,
  registerVerify,
  registerRun,
  registerRecord,
  registerLsp,
];

/** Runs `totem` with argv (without node and script) against io (default: the real process); resolves to the exit code. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  return runProgram(argv, io, COMMANDS);
}

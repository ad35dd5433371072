/**
 * The `totem` command's dispatcher: argv in, exit code out.
 *
 * Start-up time: a command's module (and everything it pulls in: the DSL parser, the language
 * server, ajv schemas, crypto) is imported only when that command runs. COMMANDS below names each
 * module's commands so the dispatcher can pick one from argv without loading the others; `--help`,
 * `help` without a command, and unknown commands (for "did you mean") load them all. In the bundle
 * (scripts/build.mjs) every command is its own chunk, so `totem --version` parses almost no code.
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
 * then add one entry to COMMANDS: the command names the file registers, and a loader that imports
 * "./commands/frob.js" dynamically. Write output only through `ioOf(cmd)` so tests can capture it
 * with main(argv, io). test/main.test.ts checks that every entry's names match what it registers.
 */
import type { Io, Register } from "./program.js";
import { VERSION } from "./version.js";

/** One command module: the top-level command names it registers, and how to import it. */
export interface LazyCommand {
  /** Every top-level command the module's `register` adds (hidden ones too), first the visible one. */
  readonly names: readonly string[];
  /** Imports the module; only called when argv needs it. */
  readonly load: () => Promise<{ register: Register }>;
}

/** Every command module, in `totem --help` order. Other commands add their entry here. */
export const COMMANDS: readonly LazyCommand[] = [
  { names: ["check"], load: () => import("./commands/check.js") },
  { names: ["fmt"], load: () => import("./commands/fmt.js") },
  { names: ["compile"], load: () => import("./commands/compile.js") },
  { names: ["sign"], load: () => import("./commands/sign.js") },
  { names: ["keygen"], load: () => import("./commands/keygen.js") },
  { names: ["gpg-key"], load: () => import("./commands/gpg-key.js") },
  { names: ["import"], load: () => import("./commands/import.js") },
  { names: ["diff"], load: () => import("./commands/diff.js") },
  { names: ["doc"], load: () => import("./commands/doc.js") },
  { names: ["test"], load: () => import("./commands/test.js") },
  { names: ["init"], load: () => import("./commands/init.js") },
  { names: ["verify"], load: () => import("./commands/verify.js") },
  { names: ["verify-bundle"], load: () => import("./commands/verify-bundle.js") },
  { names: ["run"], load: () => import("./commands/run.js") },
  { names: ["record"], load: () => import("./commands/record.js") },
  { names: ["lsp"], load: () => import("./commands/lsp.js") },
];

/**
 * The command modules a run with these arguments needs: the named command's alone (also for
 * `help <command>`), none for a bare `--version`, and all of them otherwise (the command list of
 * `--help`, and suggestions for a mistyped command). The program's own options (-h, -V) take no
 * value, so the first argument not starting with `-` is the command name.
 */
export function commandsFor(argv: readonly string[]): readonly LazyCommand[] {
  if (isBareVersion(argv)) return [];
  const at = argv.findIndex((a) => !a.startsWith("-"));
  const name = argv[at] === "help" ? argv[at + 1] : argv[at];
  const named = name === undefined ? undefined : COMMANDS.find((c) => c.names.includes(name));
  return named ? [named] : COMMANDS;
}

/** Whether argv is just `--version` (or `-V`). */
function isBareVersion(argv: readonly string[]): boolean {
  return argv.length === 1 && (argv[0] === "-V" || argv[0] === "--version");
}

/**
 * Runs `totem` with argv (without node and script) against io (default: the real process); resolves
 * to the exit code. A bare `--version` is answered before commander (program.ts) is even loaded.
 */
export async function main(argv: string[], io?: Io): Promise<number> {
  if (isBareVersion(argv)) {
    if (!io) {
      // As processIo does: a reader that is already gone (`totem --version | true`) is no error.
      process.stdout.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code !== "EPIPE") throw error;
      });
    }
    (io ?? process).stdout.write(`${VERSION}\n`);
    return 0;
  }
  const { processIo, reportError, runProgram } = await import("./program.js");
  const out = io ?? processIo();
  let registers: Register[];
  try {
    registers = await Promise.all(commandsFor(argv).map(async (c) => (await c.load()).register));
  } catch (error) {
    return reportError(error, out); // a broken install (missing chunk): reported, never a stack
  }
  return runProgram(argv, out, registers);
}

// The commander program every command registers on, the per-run I/O it writes through, and the
// top-level handler that maps errors to exit codes without ever printing a stack for user input.
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { EXIT, FailedError, InputError, UsageError } from "./errors.js";
import { promptHidden } from "./terminal.js";
import { VERSION } from "./version.js";

/** Something text is written to (process.stdout, or a capture buffer in tests). */
export interface Writer {
  /** Writes text as-is. */
  write(text: string): unknown;
}

/** Everything a command may touch of the outside process; tests pass their own. */
export interface Io {
  /** Normal output (reports, json, sarif, formatted text). */
  readonly stdout: Writer;
  /** Messages, summaries, warnings and errors. */
  readonly stderr: Writer;
  /** Directory relative paths resolve against. */
  readonly cwd: string;
  /** Environment (TOTEM_KEY_PASSWORD, SOURCE_DATE_EPOCH, NO_COLOR, TOTEM_DEBUG, ...). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether stdout is a terminal (colour and code-frame decoration only then). */
  readonly stdoutIsTTY: boolean;
  /** Whether stderr is a terminal. */
  readonly stderrIsTTY: boolean;
  /** Reads a password without echo, or undefined when there is no terminal to ask on. */
  readonly promptPassword?: (prompt: string) => Promise<string | undefined>;
  /** The current time (for --now defaults); tests fix it. */
  readonly now?: () => Date;
}

/**
 * Io bound to the real process. A reader that goes away (`totem check … | head`) closes the pipe:
 * that is the reader's choice, not an error, so the process ends quietly instead of with a stack.
 */
export function processIo(): Io {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    promptPassword: promptHidden,
    now: () => new Date(),
  };
}

/** A function that adds one command to the program (each commands/*.ts exports one as `register`). */
export type Register = (program: Command) => void;

/** The version `totem --version` prints (version.ts; kept equal to packages/cli/package.json "version"). */
export { VERSION } from "./version.js";

interface RunState {
  io: Io;
  exitCode: number;
}

const runs = new WeakMap<Command, RunState>();

function rootOf(cmd: Command): Command {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c;
}

function stateOf(cmd: Command): RunState {
  const state = runs.get(rootOf(cmd));
  if (!state) throw new Error("command is not part of a program started by runProgram");
  return state;
}

/** The Io of the run the given command (or sub-command) belongs to. */
export function ioOf(cmd: Command): Io {
  return stateOf(cmd).io;
}

/** Records an exit code for this run; the highest code set wins (so FAILED is never lowered to OK). */
export function setExit(cmd: Command, code: number): void {
  const state = stateOf(cmd);
  state.exitCode = Math.max(state.exitCode, code);
}

/** Builds the `totem` program with the given commands registered and output routed to io. */
export function buildProgram(io: Io, commands: readonly Register[]): Command {
  const program = new Command("totem")
    .description("Policy-as-code for in-toto: write layouts in a small language, compile, sign and verify them.")
    .version(VERSION, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(s.startsWith("error:") ? `totem: ${s}` : s),
    });
  program.addHelpText(
    "after",
    "\nExit codes: 0 success, 1 policy or supply chain failed, 2 usage or unreadable input.\nRun `totem <command> --help` for a command's options and examples.\n",
  );
  runs.set(program, { io, exitCode: EXIT.OK });
  for (const register of commands) register(program);
  program.showHelpAfterError("(see totem --help)");
  for (const sub of program.commands) routeErrors(sub, program, `totem ${sub.name()}`);
  return program;
}

/** Gives a command and its sub-commands the program's output, exit handling and help pointer. */
function routeErrors(cmd: Command, program: Command, path: string): void {
  cmd.showHelpAfterError(`(see ${path} --help)`);
  cmd.exitOverride();
  cmd.configureOutput(program.configureOutput());
  for (const sub of cmd.commands) routeErrors(sub, program, `${path} ${sub.name()}`);
}

/** Prints an error raised while running a command and returns its exit code. */
export function reportError(error: unknown, io: Io): number {
  const write = (s: string) => io.stderr.write(s);
  if (error instanceof CommanderError) {
    // commander already printed its message; help and --version end with code 0.
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.exitCode === 0) {
      return EXIT.OK;
    }
    return EXIT.USAGE; // unknown command or option, missing or invalid argument

  }
  if (error instanceof UsageError) {
    write(`totem: ${error.message}\n`);
    if (error.hint) write(`${error.hint}\n`);
    return error.exitCode;
  }
  if (error instanceof InputError) {
    write(`totem: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof FailedError) {
    if (error.message) write(`totem: ${error.message}\n`);
    return error.exitCode;
  }
  // A bug in Totem, not bad input: say so plainly; the stack only on request.
  const message = error instanceof Error ? error.message : String(error);
  write(`totem: internal error: ${message}\n`);
  if (io.env.TOTEM_DEBUG === "1" && error instanceof Error && error.stack) write(`${error.stack}\n`);
  else write("(set TOTEM_DEBUG=1 to see the stack trace, and please report it)\n");
  return EXIT.USAGE;
}

/** Parses argv, runs the chosen command, and resolves to its exit code (never rejects). */
export async function runProgram(argv: string[], io: Io, commands: readonly Register[]): Promise<number> {
  let program: Command;
  try {
    program = buildProgram(io, commands);
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return EXIT.USAGE;
    }
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    return reportError(error, io);
  }
  return stateOf(program).exitCode;
}

/**
 * The time a command treats as now: `--now` (an RFC 3339 date-time such as 2026-01-01T00:00:00Z, or
 * `@<unix seconds>`), else — for what a command writes ("output": compiled timestamps, resolved
 * relative expiries) — SOURCE_DATE_EPOCH (reproducible builds), else the clock. A verdict ("verdict":
 * whether a layout has expired) never reads SOURCE_DATE_EPOCH: that variable dates outputs, and a
 * build environment that sets it must not make an expired layout valid. Throws UsageError.
 */
export function resolveNow(flag: string | undefined, io: Io, use: "output" | "verdict" = "output"): Date {
  if (flag !== undefined) {
    const epoch = /^@(\d{1,12})$/.exec(flag);
    const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
    const date = epoch ? new Date(Number(epoch[1]) * 1000) : rfc3339.test(flag) ? new Date(flag) : undefined;
    if (!date || Number.isNaN(date.getTime())) {
      throw new UsageError(
        `--now '${flag}' is not a time: give an RFC 3339 date-time like 2026-01-01T00:00:00Z or @<unix seconds>`,
      );
    }
    return date;
  }
  const sde = use === "output" ? io.env.SOURCE_DATE_EPOCH : undefined;
  if (sde !== undefined && sde !== "") {
    if (!/^\d{1,12}$/.test(sde)) {
      throw new UsageError(`SOURCE_DATE_EPOCH '${sde}' is not a number of seconds since 1970`);
    }
    return new Date(Number(sde) * 1000);
  }
  return io.now ? io.now() : new Date();
}

/** The longest timeout a flag takes, in seconds (24 days: Node's timers hold at most 2^31 - 1 ms). */
export const MAX_TIMEOUT_SECONDS = 24 * 24 * 60 * 60;

/**
 * Parses a timeout in seconds: a positive number (decimals allowed), at most MAX_TIMEOUT_SECONDS.
 * 0 is refused rather than read as "no timeout" (a commander argParser: bad values are exit 2).
 */
export function secondsOption(flag: string): (value: string) => number {
  return (value) => {
    const n = /^\d{1,9}(\.\d{1,6})?$/.test(value) ? Number(value) : Number.NaN;
    if (!(n > 0)) throw new InvalidArgumentError(`${flag} expects a positive number of seconds, such as 10 or 0.5.`);
    if (n > MAX_TIMEOUT_SECONDS) throw new InvalidArgumentError(`${flag} is at most ${MAX_TIMEOUT_SECONDS} seconds (24 days); got ${value}.`);
    return n;
  };
}

/** Parses a non-negative integer option value (a commander argParser: bad values are usage errors, exit 2). */
export function intOption(flag: string, max?: number): (value: string) => number {
  return (value) => {
    if (!/^\d{1,9}$/.test(value)) throw new InvalidArgumentError(`${flag} expects a whole number.`);
    const n = Number(value);
    if (max !== undefined && n > max) throw new InvalidArgumentError(`${flag} is at most ${max}; got ${n}.`);
    return n;
  };
}

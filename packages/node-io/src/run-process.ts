// The one way Totem runs a command: `totem verify`'s inspections, `totem run`'s command and the
// language server's simulate all come here. Commands are chosen by whoever signed a layout, or typed
// by a user, so the runner bounds what a command can do to Totem itself:
// - each command runs in a process group of its own (detached), so a timeout reaches everything it
//   started, not just the first process;
// - on a timeout the group gets SIGTERM, then SIGKILL after KILL_GRACE_MS;
// - once the command's own process exits, whatever it left running in its group is killed and the
//   pipes are read for at most DRAIN_MS more: a background child holding stdout never hangs Totem;
// - captured output is kept up to CAPTURE_LIMIT_BYTES per stream, the rest counted and dropped;
// - SIGINT, SIGTERM and SIGHUP that reach Totem while commands run are passed on to their groups
//   (a group of its own no longer gets the terminal's Ctrl-C), then Totem dies of the signal as before.
// Nothing here throws for a command that cannot run: the result says what happened.
import type { ChildProcess } from "node:child_process";
import { constants } from "node:os";
import type { Readable } from "node:stream";

/** The bytes of each captured stream (stdout, stderr) that are kept; the rest is counted and dropped. */
export const CAPTURE_LIMIT_BYTES = 16 * 1024 * 1024;
/** How long a timed-out command's process group has between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 2000;
/** How long output may still drain from the pipes after the command's own process exited. */
export const DRAIN_MS = 200;
/** The longest timeout a timer can hold (2^31 - 1 ms, about 24.8 days); longer ones are clamped. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Where the command's standard streams go. */
export type StreamMode =
  /** stdin, stdout and stderr are /dev/null (inspections, as in-toto 1.3.1 runs them; the language server). */
  | "ignore"
  /** The streams are Totem's own (the terminal): nothing is captured. */
  | "inherit"
  /** stdin is Totem's (or `RunOptions.input`); stdout and stderr are read, kept up to the cap, and passed to `echo`. */
  | "capture";

/** How to run a command. */
export interface RunOptions {
  /** The working directory. */
  cwd: string;
  streams: StreamMode;
  /** Seconds before the command's group is stopped; absent: no timeout. Must be a positive number. */
  timeoutSeconds?: number;
  /** With "capture": receives every chunk as it arrives, kept or not (to show the output live). */
  echo?: { stdout(chunk: Uint8Array): void; stderr(chunk: Uint8Array): void };
  /** Bytes kept per captured stream (default CAPTURE_LIMIT_BYTES). */
  captureLimitBytes?: number;
  /** Milliseconds between SIGTERM and SIGKILL on a timeout (default KILL_GRACE_MS). */
  killGraceMs?: number;
  /** With "capture": bytes written to the command's standard input (then closed) instead of Totem's stdin. */
  input?: Uint8Array;
}

/** A captured stream: its bytes and text (UTF-8) up to the cap, and how many bytes past the cap were dropped. */
export interface CapturedStream {
  text: string;
  bytes: Uint8Array;
  droppedBytes: number;
}

/** What running a command came to. */
export type ProcessResult =
  | {
      kind: "exited";
      /** The exit code; a process killed by signal N gives -N, as Python's subprocess (and in-toto-run) records it. */
      returnValue: number;
      stdout: CapturedStream;
      stderr: CapturedStream;
    }
  | {
      /** The timeout passed: the group got SIGTERM, and SIGKILL if it outlived the grace. */
      kind: "timed-out";
      timeoutSeconds: number;
      /** Whether SIGKILL was needed (the command ignored or outlived SIGTERM). */
      killed: boolean;
      stdout: CapturedStream;
      stderr: CapturedStream;
    }
  /** The command could not be started: empty, not found, not executable, bad working directory. */
  | { kind: "not-started"; message: string };

const NOTHING: CapturedStream = { text: "", bytes: new Uint8Array(0), droppedBytes: 0 };

/**
 * node:child_process, loaded on first use: most commands never start a process, and loading it (with
 * net, stream and more of Node's own modules) costs every `totem` start several milliseconds.
 */
let childProcess: typeof import("node:child_process") | undefined;

/** Runs argv (no shell) and resolves when its own process has exited; never rejects. */
export async function runProcess(argv: readonly string[], opts: RunOptions): Promise<ProcessResult> {
  const [file, ...args] = argv;
  if (file === undefined) return { kind: "not-started", message: "the command is empty" };
  const timeout = opts.timeoutSeconds;
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) {
    return { kind: "not-started", message: `the timeout must be a positive number of seconds, not ${timeout}` };
  }
  childProcess ??= await import("node:child_process");
  let child: ChildProcess;
  try {
    child = childProcess.spawn(file, args, {
      cwd: opts.cwd,
      detached: true,
      windowsHide: true,
      stdio: opts.streams === "capture" ? [opts.input ? "pipe" : "inherit", "pipe", "pipe"] : opts.streams,
    });
  } catch (error) {
    // spawn throws synchronously for arguments it cannot pass (e.g. a NUL byte).
    return { kind: "not-started", message: error instanceof Error ? error.message : String(error) };
  }
  if (opts.input && child.stdin) {
    // A command that exits without reading its input closes the pipe: that is its answer, not ours to report.
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.input);
  }
  return new Promise((resolve) => {
    const limit = opts.captureLimitBytes ?? CAPTURE_LIMIT_BYTES;
    const stdout = child.stdout ? capture(child.stdout, limit, opts.echo?.stdout) : undefined;
    const stderr = child.stderr ? capture(child.stderr, limit, opts.echo?.stderr) : undefined;
    let settled = false;
    let timedOut = false;
    let killed = false;
    let graceTimer: NodeJS.Timeout | undefined;
    const timer =
      timeout === undefined
        ? undefined
        : setTimeout(
            () => {
              timedOut = true;
              signalGroup(child, "SIGTERM");
              graceTimer = setTimeout(() => {
                killed = true;
                signalGroup(child, "SIGKILL");
              }, opts.killGraceMs ?? KILL_GRACE_MS);
            },
            Math.min(timeout * 1000, MAX_TIMER_MS),
          );
    if (child.pid !== undefined) running.add(child);
    watchSignals();
    const finish = (result: ProcessResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      running.delete(child);
      watchSignals();
      resolve(result);
    };
    child.on("error", (error: NodeJS.ErrnoException) => {
      // Emitted when the process could not be spawned (no 'exit' follows then).
      if (child.pid === undefined) finish({ kind: "not-started", message: startError(file, error) });
    });
    child.on("exit", (code, signal) => {
      // Leftovers of the group (background children) are killed; they may hold the pipes open.
      signalGroup(child, "SIGKILL");
      void drained([child.stdout, child.stderr]).then(() => {
        const out = stdout?.() ?? NOTHING;
        const err = stderr?.() ?? NOTHING;
        if (timedOut && timeout !== undefined) return finish({ kind: "timed-out", timeoutSeconds: timeout, killed, stdout: out, stderr: err });
        const returnValue = code ?? -(signal ? (constants.signals[signal] ?? 0) : 0);
        finish({ kind: "exited", returnValue, stdout: out, stderr: err });
      });
    });
  });
}

/** A sentence for a spawn error. */
function startError(file: string, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "ENOENT":
      return `command not found: ${file} (or the working directory does not exist)`;
    case "EACCES":
      return `permission denied: ${file} is not executable`;
    default:
      return error.message;
  }
}

/** Reads a stream to its end, keeping up to `limit` bytes; returns what was kept once asked. */
function capture(stream: Readable, limit: number, echo?: (chunk: Uint8Array) => void): () => CapturedStream {
  const chunks: Buffer[] = [];
  let kept = 0;
  let dropped = 0;
  stream.on("data", (chunk: Buffer) => {
    echo?.(chunk);
    const room = limit - kept;
    if (chunk.length <= room) {
      chunks.push(chunk);
      kept += chunk.length;
    } else {
      if (room > 0) chunks.push(chunk.subarray(0, room));
      kept += Math.max(room, 0);
      dropped += chunk.length - Math.max(room, 0);
    }
  });
  stream.on("error", () => {
    // a destroyed pipe: what was read is kept
  });
  return () => {
    // A cut in the middle of a UTF-8 sequence leaves the partial character out (stream mode holds it back).
    const bytes = Buffer.concat(chunks);
    const text = new TextDecoder("utf-8").decode(bytes, { stream: dropped > 0 });
    return { text, bytes, droppedBytes: dropped };
  };
}

/** Resolves when every stream has ended, or after DRAIN_MS, destroying those still open. */
function drained(streams: (Readable | null)[]): Promise<void> {
  const open = streams.filter((s): s is Readable => s !== null && !s.readableEnded && !s.destroyed);
  if (open.length === 0) return Promise.resolve();
  return new Promise((done) => {
    let left = open.length;
    const timer = setTimeout(() => {
      for (const s of open) s.destroy();
      done();
    }, DRAIN_MS);
    for (const s of open) {
      s.once("close", () => {
        if (--left === 0) {
          clearTimeout(timer);
          done();
        }
      });
    }
  });
}

/** Sends a signal to the child's whole process group (the child alone on Windows); a group already gone is fine. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    if (process.platform === "win32") child.kill(signal);
    else process.kill(-child.pid, signal);
  } catch {
    // ESRCH: nothing is left in the group
  }
}

/** Children whose process has not exited yet. */
const running = new Set<ChildProcess>();
const FORWARDED: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
let watching = false;

/**
 * While commands run, a signal to Totem goes to their groups too (they are not in Totem's group, so
 * the terminal's Ctrl-C does not reach them). Then the listener is gone and the signal is raised
 * again: Totem dies of it as it would have without the listener, or, where other code listens for
 * it (cli/write-files.ts removes its temporary files, then ends the process the same way), that code
 * decides. Raised again even then: such a listener may have stood back while this one was there.
 */
function forward(signal: NodeJS.Signals): void {
  for (const child of running) signalGroup(child, signal);
  stopWatching();
  process.kill(process.pid, signal);
}

function watchSignals(): void {
  if (running.size > 0 && !watching && process.platform !== "win32") {
    watching = true;
    for (const s of FORWARDED) process.on(s, forward);
  } else if (running.size === 0) {
    stopWatching();
  }
}

function stopWatching(): void {
  if (!watching) return;
  watching = false;
  for (const s of FORWARDED) process.off(s, forward);
}

// Errors that carry an exit code. Commands throw UsageError/InputError for bad user input, or return
// EXIT.FAILED when a policy or chain did not pass; main.ts turns them into a message and a code,
// never a stack trace (stack only with TOTEM_DEBUG=1).

/** The process exit codes every command uses (DESIGN.md: 0 ok, 1 failed, 2 usage/unreadable input). */
export const EXIT = {
  /** The command did what was asked and everything passed. */
  OK: 0,
  /** A policy has errors, a chain failed verification, files are unformatted. */
  FAILED: 1,
  /** The command line was wrong or an input could not be read or parsed. */
  USAGE: 2,
} as const;

/** An exit code a command returns. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A wrong command line: bad flag value, conflicting options. Exit 2. */
export class UsageError extends Error {
  /** Exit code for this error. */
  readonly exitCode = EXIT.USAGE;
  /** Extra line printed after the message (e.g. "see totem compile --help"). */
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = "UsageError";
    this.hint = hint;
  }
}

/** An input that cannot be read or parsed: missing file, malformed JSON, bad key, wrong password. Exit 2. */
export class InputError extends Error {
  /** Exit code for this error. */
  readonly exitCode = EXIT.USAGE;
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/**
 * A failure whose details were already printed (policy with errors, chain failed). Exit 1.
 * Commands may instead return EXIT.FAILED from their action; this is for deep call sites.
 */
export class FailedError extends Error {
  /** Exit code for this error. */
  readonly exitCode = EXIT.FAILED;
  constructor(message = "") {
    super(message);
    this.name = "FailedError";
  }
}

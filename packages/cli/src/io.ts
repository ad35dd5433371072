// File I/O for commands: reads that fail with a clear InputError instead of a Node stack, and the
// paths users type. Writes are write-files.ts.
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { type FileKind, readFileBounded, readTextBounded } from "@totem/node-io";
import { InputError } from "./errors.js";

export { describeFsError } from "@totem/node-io";

/**
 * Reads a file's bytes with node-io's bounded reader: only a regular file (a FIFO, device or
 * directory is refused before any read, so /dev/zero or a pipe never hangs Totem), at most `limit`
 * bytes (a kind's limit in READ_LIMITS; layouts by default). `what` names it in the error ("policy",
 * "private key", ...) and `shown` is the path as the user wrote it. Throws InputError (exit 2).
 */
export function readBytes(path: string, what: string, shown = path, limit: FileKind = "layout"): Uint8Array {
  const read = readFileBounded(path, limit);
  if (!read.ok) throw new InputError(`cannot read ${what} '${shown}': ${read.error.message}`);
  return read.value;
}

/** Reads a UTF-8 text file as readBytes does (invalid UTF-8 is an InputError, not replacement characters). */
export function readText(path: string, what: string, shown = path, limit: FileKind = "layout"): string {
  const read = readTextBounded(path, limit);
  if (!read.ok) throw new InputError(`cannot read ${what} '${shown}': ${read.error.message}`);
  return read.value;
}

/** Resolves a path the user typed against the run's working directory. */
export function resolveFrom(cwd: string, path: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/**
 * A path the user gave, or one the CLI derived from it: `path` is where it is (absolute), `shown` is
 * how every message, report and SARIF location prints it.
 */
export interface UserPath {
  readonly path: string;
  readonly shown: string;
}

/**
 * A path as the user typed it, resolved against the run's working directory and shown the way it
 * was given: relative stays relative (`../x/policy.totem` too), absolute stays absolute.
 */
export function userPath(cwd: string, typed: string): UserPath {
  return { path: resolveFrom(cwd, typed), shown: slashes(typed) };
}

/**
 * A path the CLI derives inside a folder the user gave (a link file in `--links`, a key in
 * `--keys-dir`): shown relative to how the folder was shown.
 */
export function inside(dir: UserPath, rel: string): UserPath {
  return { path: resolve(dir.path, rel), shown: slashes(join(dir.shown, rel)) };
}

/** A path the CLI derives beside a file the user gave (the policy beside a layout, `NAME.pub`). */
export function beside(file: UserPath, name: string): UserPath {
  return inside({ path: dirname(file.path), shown: dirname(file.shown) }, name);
}

/** A path found under a folder the user gave (by a walk that returned absolute paths). */
export function foundIn(dir: UserPath, path: string): UserPath {
  return inside(dir, relative(dir.path, path) || ".");
}

function slashes(path: string): string {
  return path.split(sep).join("/");
}

/**
 * The key reader `lower` takes: paths in a policy resolve relative to the policy's directory
 * (docs/language.md); an unreadable file yields undefined, which lower reports on the key's span.
 */
export function keyReaderFor(policyPath: string): (path: string) => string | undefined {
  const dir = dirname(policyPath);
  return (path) => {
    try {
      return readText(resolve(dir, path), "key", path, "key");
    } catch {
      return undefined;
    }
  };
}

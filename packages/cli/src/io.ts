// File I/O for commands: reads that fail with a clear InputError instead of a Node stack, and the
// paths users type. Writes are write-files.ts.
import { dirname, isAbsolute, relative, resolve } from "node:path";
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

/** A path as shown to the user: relative to cwd when inside it, with forward slashes. */
export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  const shown = rel === "" || rel.startsWith("..") || isAbsolute(rel) ? path : rel;
  return shown.split("\\").join("/");
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

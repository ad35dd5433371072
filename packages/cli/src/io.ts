// File I/O for commands: reads that fail with a clear InputError instead of a Node stack, and the
// paths users type. Writes are write-files.ts.
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { InputError } from "./errors.js";

/** Explains a Node file-system error code in words a user can act on. */
export function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file or directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a directory, not a file";
    case "ENOTDIR":
      return "a part of the path is not a directory";
    case "EEXIST":
      return "the file already exists";
    case "ENOSPC":
      return "no space left on the device";
    case "EROFS":
      return "the file system is read-only";
    case "ENAMETOOLONG":
      return "the file name is too long";
    case "ELOOP":
      return "too many levels of symbolic links";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** The largest input file read (policies, layouts, keys); larger inputs are refused, not loaded. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/**
 * Reads a file's bytes; `what` names it in the error ("policy", "private key", ...) and `shown` is the
 * path as the user wrote it. Throws InputError.
 */
export function readBytes(path: string, what: string, shown = path): Uint8Array {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new InputError(`cannot read ${what} '${shown}': ${describeFsError(error)}`);
  }
  if (bytes.length > MAX_INPUT_BYTES) {
    throw new InputError(`cannot read ${what} '${shown}': larger than ${MAX_INPUT_BYTES} bytes`);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Reads a UTF-8 text file (invalid UTF-8 is an InputError, not replacement characters). */
export function readText(path: string, what: string, shown = path): string {
  const bytes = readBytes(path, what, shown);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new InputError(`cannot read ${what} '${shown}': it is not valid UTF-8 text`);
  }
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
      return readText(resolve(dir, path), "key");
    } catch {
      return undefined;
    }
  };
}

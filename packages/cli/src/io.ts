// File I/O for commands: reads that fail with a clear InputError instead of a Node stack, and writes
// that never leave a half-written file (temp file in the same directory, then rename).
import { randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
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

/**
 * Writes a file atomically: the data goes to a temporary file beside the target, is flushed, and is
 * renamed over the target, so readers see the old file or the new one, never half of it. A file
 * that is replaced keeps its permission bits; a new one gets `mode` (less the umask). Throws
 * InputError when the directory is not writable.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o666, shown = path): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    const existing = existingMode(path);
    const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    try {
      if (existing !== undefined) fchmodSync(fd, existing);
      writeAll(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new InputError(`cannot write '${shown}': ${describeFsError(error)}`);
  }
}

/**
 * Creates a new file that must not exist yet (O_EXCL: never overwrites, even racing another
 * process), with `mode` from the start so a private key is never readable by others.
 */
export function createExclusive(path: string, data: string | Uint8Array, mode: number, shown = path): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  } catch (error) {
    throw new InputError(`cannot create '${shown}': ${describeFsError(error)}`);
  }
  try {
    writeAll(fd, data);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw new InputError(`cannot write '${shown}': ${describeFsError(error)}`);
  }
  closeSync(fd);
}

function existingMode(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return undefined;
  }
}

function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
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

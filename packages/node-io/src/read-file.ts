// The one bounded file reader of the CLI and the language server. A path may name anything: a FIFO
// (reading blocks until someone writes), /dev/zero (never ends), a directory, a 10 GB file. So the
// file is opened without blocking (O_NONBLOCK: opening a FIFO with no writer returns at once), its
// kind is checked on the open descriptor (fstat, so it cannot be swapped after the check), anything
// but a regular file is refused, and at most the limit plus one byte is ever read.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { DEFAULT_MAX_BYTES, err, ok, type Result } from "@totem/engine";

/**
 * The largest file read of each kind, in bytes. Layouts and links are JSON the engine refuses above
 * DEFAULT_MAX_BYTES (64 MiB) anyway; a policy is hand-written text; key files are a few kilobytes.
 */
export const READ_LIMITS = {
  policy: 16 * 1024 * 1024,
  layout: DEFAULT_MAX_BYTES,
  link: DEFAULT_MAX_BYTES,
  key: 1024 * 1024,
} as const;

/** A kind of input file, naming its limit in READ_LIMITS. */
export type FileKind = keyof typeof READ_LIMITS;

/** Why a file could not be read; `message` completes "cannot read <what> '<path>': …". */
export interface ReadFailure {
  code: "file-missing" | "file-not-regular" | "file-too-large" | "file-unreadable";
  message: string;
}

/** Options of readFileBounded. */
export interface ReadOptions {
  /** Refuse a symbolic link at the path itself (O_NOFOLLOW) instead of reading its target. */
  noFollow?: boolean;
}

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Reads a regular file of at most `limit` bytes (a FileKind's limit, or a number). Never blocks on a
 * FIFO or device, never reads more than limit + 1 bytes, never throws.
 */
export function readFileBounded(path: string, limit: FileKind | number, opts: ReadOptions = {}): Result<Uint8Array, ReadFailure> {
  const max = typeof limit === "number" ? limit : READ_LIMITS[limit];
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS | (opts.noFollow ? (constants.O_NOFOLLOW ?? 0) : 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP" && opts.noFollow) return err({ code: "file-not-regular", message: "it is a symbolic link, which is not followed here" });
    return err({ code: code === "ENOENT" ? "file-missing" : "file-unreadable", message: describeFsError(error) });
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return err({ code: "file-not-regular", message: "it is a directory, not a file" });
    if (!stat.isFile()) return err({ code: "file-not-regular", message: `it is ${kindOf(stat)}, not a regular file` });
    if (stat.size > max) return err({ code: "file-too-large", message: tooLarge(stat.size, max) });
    if (stat.size > 0) {
      // As readFileSync: the size fstat gave, read in one call for most files (a file that grows
      // meanwhile is read up to that size; one that shrinks, to its end).
      // Not from Buffer's shared pool: callers may keep or transfer the bytes' ArrayBuffer.
      const buffer = Buffer.allocUnsafeSlow(stat.size);
      let length = 0;
      while (length < stat.size) {
        const n = readSync(fd, buffer, length, stat.size - length, null);
        if (n === 0) break;
        length += n;
      }
      return ok(new Uint8Array(buffer.buffer, buffer.byteOffset, length));
    }
    // Size 0: a file that does not report its size (/proc, some FUSE files): read to its end, up to max + 1.
    let buffer = Buffer.allocUnsafeSlow(Math.min(64 * 1024, max + 1));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > max) return err({ code: "file-too-large", message: tooLarge(length, max) });
        const bigger = Buffer.allocUnsafeSlow(Math.min(buffer.length * 2, max + 1));
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > max) return err({ code: "file-too-large", message: tooLarge(length, max) });
    return ok(new Uint8Array(buffer.buffer, buffer.byteOffset, length));
  } catch (error) {
    return err({ code: "file-unreadable", message: describeFsError(error) });
  } finally {
    closeSync(fd);
  }
}

/** Reads a UTF-8 text file with readFileBounded; invalid UTF-8 is a failure, not replacement characters. */
export function readTextBounded(path: string, limit: FileKind | number, opts: ReadOptions = {}): Result<string, ReadFailure> {
  const read = readFileBounded(path, limit, opts);
  if (!read.ok) return read;
  try {
    return ok(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(read.value));
  } catch {
    return err({ code: "file-unreadable", message: "it is not valid UTF-8 text" });
  }
}

function tooLarge(size: number, max: number): string {
  return `it is ${size} bytes or more, over the limit of ${formatBytes(max)}`;
}

/** A byte count in MiB or KiB when it is a whole number of them. */
export function formatBytes(n: number): string {
  if (n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/** What a non-regular file is, in words. */
function kindOf(stat: Stats): string {
  if (stat.isFIFO()) return "a FIFO (named pipe)";
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  if (stat.isSocket()) return "a socket";
  return "not a regular file";
}

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
    case "ENXIO":
      return "no such device (a FIFO with no reader, or a socket)";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

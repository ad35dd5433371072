// How commands write files (docs/cli.md "Files are written safely"): atomically (a temporary file
// beside the target, flushed, then renamed), only over regular files (a symbolic link to a regular
// file is written through: the link stays, its target changes), never over a file the same command
// reads, and new key pairs appear together or not at all. A temporary file never outlives the run:
// every write is synchronous, and while one may be pending SIGINT, SIGTERM and SIGHUP are held until
// it is finished (renamed, linked or removed), then the process ends by the same signal.
import { randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  linkSync,
  lstatSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { InputError, UsageError } from "./errors.js";
import { describeFsError } from "./io.js";

/** Temporary files created and not yet renamed or removed; a terminating signal removes them. */
const pendingTemps = new Set<string>();
const HELD_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
let signalsHeld = false;

/**
 * Installs the signal handlers once, on the first write, and keeps them: a signal that arrives while
 * synchronous code runs is delivered to JavaScript only afterwards, so a handler removed in between
 * would lose it. Each handler removes pending temporary files and, if no other code listens for the
 * signal, ends the process by that signal as the default action would.
 */
function holdSignals(): void {
  if (signalsHeld) return;
  signalsHeld = true;
  for (const signal of HELD_SIGNALS) {
    const onSignal = () => {
      removePendingTemps();
      if (process.listenerCount(signal) > 1) return; // someone else decides how the process ends
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

function removePendingTemps(): void {
  for (const temp of pendingTemps) removeQuietly(temp);
  pendingTemps.clear();
}

/** Removes a file if it is there; a path that cannot name a file (ENOTDIR, ENAMETOOLONG) has nothing to remove. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // nothing was created there
  }
}

/**
 * A fresh temporary path beside `path`: hidden, named after the target while that name is short
 * (a target name near the 255-byte limit must not make the temporary name too long).
 */
function tempBeside(path: string): string {
  const name = basename(path);
  const stem = Buffer.byteLength(name) <= 64 ? name : "totem";
  return join(dirname(path), `.${stem}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

/** What a non-regular file is, for messages. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isFIFO()) return "a named pipe (FIFO)";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/**
 * Where a write to `path` lands and the mode it keeps: `path` itself when nothing is there (mode
 * undefined) or a regular file is; the file a symbolic link resolves to when that is a regular file.
 * Throws InputError for anything else (a directory, device, FIFO, socket, dangling link, or a path
 * that cannot exist: ENOTDIR, ENAMETOOLONG), so `-o /dev/null` never replaces a device node.
 */
function writeTarget(path: string, shown: string): { path: string; mode: number | undefined } {
  try {
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (st === undefined) return { path, mode: undefined };
    if (st.isFile()) return { path, mode: st.mode & 0o7777 };
    if (!st.isSymbolicLink()) throw new InputError(`cannot write '${shown}': it is ${kindOf(st)}, not a regular file`);
    const real = realpathSync(path);
    const target = statSync(real);
    if (!target.isFile()) {
      throw new InputError(`cannot write '${shown}': it is a symbolic link to ${kindOf(target)}, not to a regular file`);
    }
    return { path: real, mode: target.mode & 0o7777 };
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as { code?: unknown }).code;
    const why = code === "ENOENT" || code === "ELOOP" ? "it is a symbolic link that leads to no file" : describeFsError(error);
    throw new InputError(`cannot write '${shown}': ${why}`);
  }
}

/** Creates a new temporary file beside `path` holding `data`, flushed to disk; returns its path. */
function writeTemp(path: string, data: string | Uint8Array, mode: number, keepMode: number | undefined): string {
  const temp = tempBeside(path);
  holdSignals();
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  pendingTemps.add(temp);
  try {
    if (keepMode !== undefined) fchmodSync(fd, keepMode);
    writeAll(fd, data);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    dropTemp(temp); // e.g. ENOSPC: the half-written temporary file goes too
    throw error;
  }
  closeSync(fd);
  return temp;
}

/** Removes a temporary file this process created (it was renamed, linked, or is abandoned). */
function dropTemp(temp: string): void {
  removeQuietly(temp);
  pendingTemps.delete(temp);
}

/**
 * Writes a file atomically: the data goes to a temporary file beside the target, is flushed, and is
 * renamed over the target, so readers see the old file or the new one, never half of it. A file
 * that is replaced keeps its permission bits; a new one gets `mode` (less the umask). A symbolic link
 * to a regular file is written through (the link stays). Throws InputError (exit 2) when the target
 * is not a regular file or cannot be written.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o666, shown = path): void {
  const target = writeTarget(path, shown);
  let temp: string | undefined;
  try {
    temp = writeTemp(target.path, data, mode, target.mode);
    renameSync(temp, target.path);
    pendingTemps.delete(temp);
  } catch (error) {
    if (temp !== undefined) dropTemp(temp);
    throw new InputError(`cannot write '${shown}': ${describeFsError(error)}`);
  }
}

/** One file of {@link createExclusiveAll}. */
export interface NewFile {
  path: string;
  data: string | Uint8Array;
  /** Mode from creation on (less the umask): a private key is never readable by others. */
  mode: number;
  /** The path as the user sees it, for messages. */
  shown: string;
}

/**
 * Creates files that must not exist yet, all or none: each is written to a temporary file and
 * flushed, then hard-linked to its name (link(2) fails rather than replace anything, even racing
 * another process; see linkOrCreate for file systems without hard links); if one name cannot be
 * created, the names already created are removed again. Used for key pairs: a private key never
 * appears without its `.pub`. Throws InputError.
 */
export function createExclusiveAll(files: readonly NewFile[]): void {
  const temps: string[] = [];
  const linked: string[] = [];
  let current: NewFile | undefined;
  try {
    for (const file of files) {
      current = file;
      temps.push(writeTemp(file.path, file.data, file.mode, undefined));
    }
    files.forEach((file, i) => {
      current = file;
      linkOrCreate(temps[i] as string, file, linked);
    });
  } catch (error) {
    for (const path of linked) removeQuietly(path);
    throw new InputError(`cannot create '${current?.shown}': ${describeFsError(error)}`);
  } finally {
    for (const temp of temps) dropTemp(temp);
  }
}

/** link(2) errors of file systems without hard links (vfat, some network and FUSE mounts). */
const NO_HARD_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EMLINK"]);

/**
 * Gives `file` its name: a hard link to its flushed temporary file, or, where the file system has no
 * hard links, an exclusive creation (O_EXCL) written in place. A name it created is added to `created`
 * before anything can fail, so a rollback removes it; a name that existed is never touched.
 */
function linkOrCreate(temp: string, file: NewFile, created: string[]): void {
  try {
    linkSync(temp, file.path);
    created.push(file.path);
    return;
  } catch (error) {
    if (!NO_HARD_LINKS.has(String((error as { code?: unknown }).code))) throw error;
  }
  const fd = openSync(file.path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, file.mode);
  created.push(file.path);
  try {
    writeAll(fd, file.data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** An input file of a command, and what it is called in messages ("policy", "private key"). */
export interface CommandInput {
  path: string;
  what: string;
}

/**
 * Refuses (UsageError, exit 2) to write `out` when it is the same file as one of the command's
 * inputs (the same device and inode, so `./k`, a symbolic or a hard link to `k` count too):
 * `compile -k K -o K` must not replace the signing key with the layout. `shown` names the output as
 * the user gave it (`-o keys/owner`).
 */
export function refuseOverwritingInput(out: string, shown: string, inputs: readonly CommandInput[]): void {
  const o = statQuietly(out);
  if (o === undefined) return;
  for (const input of inputs) {
    const s = statQuietly(input.path);
    if (s !== undefined && s.dev === o.dev && s.ino === o.ino) {
      throw new UsageError(`${shown} would overwrite the ${input.what} itself`);
    }
  }
}

function statQuietly(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

/** Whether `path` exists as a directory entry (a dangling symbolic link counts): keygen's pre-check. */
export function entryExists(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

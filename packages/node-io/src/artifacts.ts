// The I/O half of recording artifacts, shared by `totem run`/`record`, `totem verify`'s inspections
// and the language server's simulate: listing files as in-toto 1.3.1 does and hashing them. The
// engine's record/ module is the pure half (paths, excludes, hashing, link shape).
import { closeSync, constants, type Dirent, fstatSync, openSync, readdirSync, readSync, realpathSync, type Stats, statSync } from "node:fs";
import { resolve } from "node:path";
import {
  artifactKey,
  compileExcludes,
  createArtifactHasher,
  err,
  type HashDict,
  type HashOptions,
  hashArtifact,
  lstripPaths,
  normpath,
  ok,
  type Result,
} from "@totem/engine";
import { describeFsError } from "./read-file.js";

/** How artifacts are recorded. */
export interface ArtifactOptions {
  /** Directory relative artifact paths resolve against (their keys stay relative). */
  cwd: string;
  /** gitignore-style patterns; in-toto's defaults unless replaced by --exclude. */
  excludes: readonly string[];
  hash: HashOptions;
  /** `--lstrip-paths`: each key loses the first of these prefixes it starts with (SPEC-NOTES §10). */
  lstripPaths?: readonly string[];
  /** Called while hashing many files (done, total). */
  progress?: (done: number, total: number) => void;
}

/** Why artifacts could not be recorded: a usage problem (keys, algorithm) or an unreadable file. */
export interface ArtifactError {
  code: "artifact-key-collision" | "unknown-hash-algorithm" | "artifact-unreadable";
  message: string;
}

/** A file to record: its key and where it is. */
export interface ArtifactFile {
  key: string;
  abs: string;
}

/** Excludes compiled once per list: materials and products use the same (minimatch is slow cold). */
const excludeCache = new WeakMap<readonly string[], (path: string) => boolean>();

function compiledExcludes(excludes: readonly string[]): (path: string) => boolean {
  let excluded = excludeCache.get(excludes);
  if (!excluded) {
    excluded = compileExcludes(excludes);
    excludeCache.set(excludes, excluded);
  }
  return excluded;
}

/**
 * Lists the files under the given paths as 1.3.1's record_artifacts_as_dict does (SPEC-NOTES §10):
 * arguments are normpath'ed, sorted and filtered by the excludes, directories are walked in name
 * order, excluded directories pruned, only regular files recorded (FIFOs, devices and sockets are
 * not). Symlinks: a file symlink is hashed under the link's path; a directory symlink is walked under
 * the link's path (1.3.1's CLI follows them); a broken one is skipped. Unlike 1.3.1, a directory
 * reached twice through symlinks (a loop) is walked once.
 */
export function listArtifacts(paths: readonly string[], cwd: string, excludes: readonly string[]): ArtifactFile[] {
  const excluded = compiledExcludes(excludes);
  const files: ArtifactFile[] = [];
  const seen = new Set<string>();
  const walk = (rel: string, abs: string) => {
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    let entries: Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return; // unreadable directory: nothing to record, as os.walk ignores it
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      // readdir names hold no `/`, `.` or `..`, so joining keeps an already normal path normal.
      const childRel = rel === "." ? e.name : rel.endsWith("/") ? rel + e.name : `${rel}/${e.name}`;
      // abs is absolute and normal (resolve, readdir names), so plain concatenation is path.join.
      const childAbs = abs.endsWith("/") ? abs + e.name : `${abs}/${e.name}`;
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        try {
          const st = statSync(childAbs);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch {
          continue; // broken symlink: skipped, as in 1.3.1
        }
      }
      if (excluded(childRel)) continue;
      if (isDir) walk(childRel, childAbs);
      else if (isFile) files.push({ key: childRel.includes("\\") ? artifactKey(childRel) : childRel, abs: childAbs });
    }
  };
  for (const arg of [...new Set(paths.map(normpath))].sort()) {
    if (excluded(arg)) continue;
    const abs = resolve(cwd, arg);
    let st: Stats;
    try {
      st = statSync(abs);
    } catch {
      continue; // a path that does not exist is skipped, as in 1.3.1
    }
    if (st.isFile()) files.push({ key: artifactKey(arg), abs });
    else if (st.isDirectory()) walk(arg, abs);
  }
  return files;
}

const CHUNK = 1 << 20;
let buffer: Buffer | undefined;
let view: Buffer | undefined;
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Hashes one file with reads into one reused buffer. A file smaller than the buffer takes open, one
 * read and close, and one native hash call: for a regular file a read returns less than asked only
 * at its end, so the read that would return 0 is skipped (10k small files: ~35 ms less). The file is
 * opened without blocking and must still be a regular file (it was when listed; a FIFO swapped in
 * since would block the read forever).
 */
function hashFile(abs: string, hash: HashOptions): Result<HashDict, ArtifactError> {
  buffer ??= Buffer.allocUnsafe(CHUNK);
  let fd: number;
  try {
    fd = openSync(abs, OPEN_FLAGS);
  } catch (error) {
    return err({ code: "artifact-unreadable", message: `cannot read artifact '${abs}': ${describeFsError(error)}` });
  }
  let digest: HashDict | string;
  try {
    if (!fstatSync(fd).isFile()) return err({ code: "artifact-unreadable", message: `cannot read artifact '${abs}': it is no longer a regular file` });
    const n = readSync(fd, buffer, 0, CHUNK, null);
    if (n < CHUNK) {
      // Files of one size (common in a tree of generated files) share one view of the buffer.
      if (view?.length !== n) view = buffer.subarray(0, n);
      digest = hashArtifact(view, hash);
    } else {
      const hasher = createArtifactHasher(hash);
      if (typeof hasher === "string") return unknownAlgorithm(hasher);
      for (let m = n; m > 0; m = readSync(fd, buffer, 0, CHUNK, null)) hasher.update(buffer.subarray(0, m));
      digest = hasher.digest();
    }
  } catch (error) {
    return err({ code: "artifact-unreadable", message: `cannot read artifact '${abs}': ${describeFsError(error)}` });
  } finally {
    closeSync(fd);
  }
  return typeof digest === "string" ? unknownAlgorithm(digest) : ok(digest);
}

function unknownAlgorithm(name: string): { ok: false; error: ArtifactError } {
  return err({ code: "unknown-hash-algorithm", message: `unsupported hash algorithm '${name}'` });
}

/** The entries with their keys left-stripped; a collision is an error, found before any hashing. */
function stripKeys(files: ArtifactFile[], prefixes: readonly string[] | undefined): Result<ArtifactFile[], ArtifactError> {
  if (!prefixes || prefixes.length === 0) return ok(files);
  const keys = lstripPaths(
    files.map((f) => f.key),
    prefixes,
  );
  if (!keys.ok) return err({ code: "artifact-key-collision", message: keys.error.message });
  return ok(files.map((f, i) => ({ key: keys.value[i] as string, abs: f.abs })));
}

/** Records the artifacts under `paths` as `{path: hashes}` (the materials or products of a link). */
export function recordArtifacts(paths: readonly string[], opts: ArtifactOptions): Result<Record<string, HashDict>, ArtifactError> {
  const files = stripKeys(listArtifacts(paths, opts.cwd, opts.excludes), opts.lstripPaths);
  if (!files.ok) return files;
  const out: Record<string, HashDict> = {};
  const all = files.value;
  for (let i = 0; i < all.length; i++) {
    const f = all[i] as ArtifactFile;
    const hashed = hashFile(f.abs, opts.hash);
    if (!hashed.ok) return hashed;
    out[f.key] = hashed.value;
    if (opts.progress && (i + 1) % 1000 === 0 && i + 1 < all.length) opts.progress(i + 1, all.length);
  }
  opts.progress?.(all.length, all.length);
  return ok(out);
}

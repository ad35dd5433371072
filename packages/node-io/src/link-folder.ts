// The links folder: reading a link file by the path the engine asks for, and listing a directory of
// it — for `totem verify` (main thread and worker threads) and the language server's simulate alike.
// A path that would leave the folder is never read, whatever the engine's own name check said.
import { readdirSync } from "node:fs";
import { resolve, sep } from "node:path";
import { readFileBounded } from "./read-file.js";

/** `dir/path`, or undefined when `path` would lead outside `dir` (`..`, an absolute path). */
function inside(dir: string, path: string): string | undefined {
  const root = resolve(dir);
  const full = resolve(root, path);
  return full.startsWith(root + sep) ? full : undefined;
}

/**
 * A link file's bytes, by its path relative to the links folder (`build.1a2b3c4d.link`,
 * `sub.1a2b3c4d/x.5e6f7a8b.link`); undefined when it is absent, unreadable, outside the folder, or not
 * a regular file (a FIFO or device is refused, never read), as 1.3.1 skips an IOError.
 */
export function readLinkFile(dir: string, path: string): Uint8Array | undefined {
  const full = inside(dir, path);
  if (full === undefined) return undefined;
  const read = readFileBounded(full, "link");
  return read.ok ? read.value : undefined;
}

/** The file names in a directory of the links folder (`sub` "" for the top); none when it cannot be listed. */
export function listLinkDir(dir: string, sub: string): string[] {
  const full = sub === "" ? resolve(dir) : inside(dir, sub);
  if (full === undefined) return [];
  try {
    return readdirSync(full);
  } catch {
    return [];
  }
}

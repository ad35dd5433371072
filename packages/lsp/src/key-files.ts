// Key files read relative to the policy, cached by path and modification time. The server also drops
// entries when the client reports a change (workspace/didChangeWatchedFiles), so an edited key is re-read.
import { readFileSync, statSync } from "node:fs";

/** The text of a key file, or why it could not be read. */
export type KeyFileRead = { text: string } | { error: string };

interface Entry {
  mtimeMs: number;
  size: number;
  read: KeyFileRead;
}

/** Reads files through a cache keyed by absolute path and mtime. */
export class KeyFileCache {
  private readonly entries = new Map<string, Entry>();

  /** The current text of the file at `path` (absolute). */
  read(path: string): KeyFileRead {
    let stat: { mtimeMs: number; size: number };
    try {
      stat = statSync(path);
    } catch {
      this.entries.delete(path);
      return { error: `cannot read ${path}: no such file` };
    }
    const cached = this.entries.get(path);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.read;
    let read: KeyFileRead;
    try {
      read = stat.size > 1024 * 1024 ? { error: `${path} is larger than 1 MiB: not a key file` } : { text: readFileSync(path, "utf8") };
    } catch (e) {
      read = { error: `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}` };
    }
    this.entries.set(path, { mtimeMs: stat.mtimeMs, size: stat.size, read });
    return read;
  }

  /** Forgets one file (it changed on disk). */
  invalidate(path: string): void {
    this.entries.delete(path);
  }

  /** Whether any cached file lives at `path`. */
  has(path: string): boolean {
    return this.entries.has(path);
  }
}

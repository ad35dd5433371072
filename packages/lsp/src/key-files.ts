// Key files read relative to the policy, cached by path and modification time. The server also drops
// entries when the client reports a change (workspace/didChangeWatchedFiles), so an edited key is re-read.
// Files are read through node-io's bounded reader, so a document naming /dev/zero, a FIFO or a huge
// file as a key gets a diagnostic, never a blocked or swollen server.
import { statSync } from "node:fs";
import { readTextBounded } from "@totem/node-io";

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
    const text = readTextBounded(path, "key");
    const read: KeyFileRead = text.ok ? { text: text.value } : { error: `cannot read ${path}: ${text.error.message}` };
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

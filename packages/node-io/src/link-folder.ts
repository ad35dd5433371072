// Reading link files for `totem verify`, in the main thread and in worker threads alike.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { readFileBounded } from "@totem/node-io";

/**
 * A link file's bytes, by its path relative to the links directory (names passed the engine's
 * file-name safety check); undefined when it is absent or unreadable, as 1.3.1 skips an IOError.
 */
export function readLinkFile(dir: string, path: string): Uint8Array | undefined {
  // node-io's bounded reader: a FIFO, device or directory at a link's name is refused, not read (it
  // would block or never end), and at most the link limit is read. A plain Uint8Array, no copy.
  const read = readFileBounded(join(dir, path), "link");
  return read.ok ? read.value : undefined;
}

/** The file names in a directory of the links (`sub` "" for the top); none when it cannot be listed. */
export function listLinkDir(dir: string, sub: string): string[] {
  try {
    return readdirSync(join(dir, sub));
  } catch {
    return [];
  }
}

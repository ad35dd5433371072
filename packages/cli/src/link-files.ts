// Reading link files for `totem verify`, in the main thread and in worker threads alike.
import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A link file's bytes, by its path relative to the links directory (names passed the engine's
 * file-name safety check); undefined when it is absent or unreadable, as 1.3.1 skips an IOError.
 */
export function readLinkFile(dir: string, path: string): Uint8Array | undefined {
  try {
    const file = readFileSync(join(dir, path));
    // A plain Uint8Array over the Buffer's bytes (no copy): the reader's loops then see one array type.
    return new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  } catch {
    return undefined;
  }
}

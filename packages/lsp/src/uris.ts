// file: URIs ↔ paths, in one place (key files, workspace folders, links folders).
import { fileURLToPath, pathToFileURL } from "node:url";

/** The local path of a `file:` URI, or undefined for other schemes (untitled documents) and bad URIs. */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith("file:")) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** The `file:` URI of a local path. */
export function pathToUri(path: string): string {
  return pathToFileURL(path).href;
}

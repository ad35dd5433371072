// The files beside a key path, for the "did you mean" fixes of `key-unreadable` (code-actions.ts).
import { readdirSync } from "node:fs";
import { dirname } from "node:path";
import type { DocumentSnapshot } from "./documents.js";
import { resolveKeyPath } from "./policy-keys.js";

const MAX_ENTRIES = 2000;

/** The names of the regular files in the directory `keyPath` (relative to the policy) points into; [] when unreadable. */
export function listKeyDir(doc: DocumentSnapshot, keyPath: string): string[] {
  const abs = resolveKeyPath(doc, keyPath);
  if (abs === undefined) return [];
  try {
    return readdirSync(dirname(abs), { withFileTypes: true })
      .slice(0, MAX_ENTRIES)
      .filter((e) => e.isFile())
      .map((e) => e.name);
  } catch {
    return [];
  }
}

// Reading an ArtifactDict (model.ts) whichever form it has: the model's plain object, where a path
// must be an own property (paths like `constructor` or `__proto__` must not reach Object.prototype),
// or a Map.
import type { ArtifactDict, HashDict } from "../model.js";

/** The digests recorded for `path`, or undefined. */
export function artifactAt(dict: ArtifactDict, path: string): HashDict | undefined {
  if (dict instanceof Map) return dict.get(path);
  const record = dict as Readonly<Record<string, HashDict>>;
  return Object.hasOwn(record, path) ? record[path] : undefined;
}

/** The paths, in the order they were recorded. */
export function artifactPaths(dict: ArtifactDict): Iterable<string> {
  return dict instanceof Map ? dict.keys() : Object.keys(dict);
}

/** How many paths there are. */
export function artifactCount(dict: ArtifactDict): number {
  return dict instanceof Map ? dict.size : Object.keys(dict).length;
}

/** The dict as a plain object (what serialization and recording take); the object itself when it is one. */
export function artifactRecord(dict: ArtifactDict): Readonly<Record<string, HashDict>> {
  return dict instanceof Map ? Object.fromEntries(dict) : (dict as Readonly<Record<string, HashDict>>);
}

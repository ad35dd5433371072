// `--lstrip-paths` as in-toto 1.3.1 applies it to recorded artifact paths (SPEC-NOTES §10;
// runlib.py `record_artifacts_as_dict` and `_apply_left_strip`). Plain string prefixes, not path
// components: prefix `src` turns `src/a.c` into `/a.c`, so a prefix usually ends with `/`.
import { err, ok, type Result } from "../result.js";

/** Why the prefixes cannot be applied; in-toto 1.3.1 raises `PrefixError` for both. */
export type LstripError =
  | {
      kind: "overlapping-prefixes";
      /** The two prefixes, in the order they were given; one starts with the other. */
      prefixes: readonly [string, string];
      message: string;
    }
  | {
      kind: "duplicate-key";
      /** The key two artifacts would share. */
      key: string;
      /** The two recorded paths that strip to it. */
      paths: readonly [string, string];
      message: string;
    };

/**
 * Checks that no prefix starts with another (itself included, when given twice). 1.3.1 refuses such
 * a list because "the first matching prefix" would then depend on the order they were given in.
 */
export function checkLstripPrefixes(prefixes: readonly string[]): Result<readonly string[], LstripError> {
  for (let i = 0; i < prefixes.length; i++) {
    for (let j = i + 1; j < prefixes.length; j++) {
      const a = prefixes[i] as string;
      const b = prefixes[j] as string;
      if (a.startsWith(b) || b.startsWith(a)) {
        return err({
          kind: "overlapping-prefixes",
          prefixes: [a, b],
          message: `--lstrip-paths '${a}' and '${b}': one is a prefix of the other; give prefixes that do not overlap`,
        });
      }
    }
  }
  return ok(prefixes);
}

/** The key of one recorded path: without the first prefix it starts with, else unchanged. */
export function lstripPath(path: string, prefixes: readonly string[]): string {
  for (const prefix of prefixes) if (path.startsWith(prefix)) return path.slice(prefix.length);
  return path;
}

/**
 * The keys for recorded paths (same order): each path left-stripped by the first matching prefix.
 * Fails when the prefixes overlap, or when two different paths would get the same key (1.3.1 would
 * silently have overwritten one artifact with the other had it not raised). The same path given
 * twice (overlapping `-m` arguments) is one artifact and is not a collision, unlike in 1.3.1.
 */
export function lstripPaths(paths: readonly string[], prefixes: readonly string[]): Result<string[], LstripError> {
  const checked = checkLstripPrefixes(prefixes);
  if (!checked.ok) return checked;
  const owner = new Map<string, string>();
  const keys: string[] = [];
  for (const path of paths) {
    const key = lstripPath(path, prefixes);
    const other = owner.get(key);
    if (other !== undefined && other !== path) {
      return err({
        kind: "duplicate-key",
        key,
        paths: [other, path],
        message: `--lstrip-paths turns both '${other}' and '${path}' into the artifact '${key}'; use prefixes that keep the names apart`,
      });
    }
    owner.set(key, path);
    keys.push(key);
  }
  return ok(keys);
}

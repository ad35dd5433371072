// `dir/*` patterns for `totem init --from-links`: many paths under one directory that all get the
// same rule are written as one pattern, so a step that writes a build tree is one line, not hundreds.
// fnmatch's `*` crosses `/`: `dir/*` covers the whole tree under dir, so a directory qualifies only
// when every path of the side under it gets that same rule (a strict policy stays strict).

/** The fewest paths under one directory that are written as a `dir/*` pattern. */
export const PATTERN_MIN_PATHS = 3;

/** One line of a rule list: a single path, or a directory's paths as `dir/*`. */
export type PathGroup = { kind: "path"; path: string } | { kind: "dir"; pattern: string; paths: string[] };

/** fnmatch's special characters: a directory holding one cannot be written as a plain pattern prefix. */
const FNMATCH_SPECIAL = /[*?[]/;

function ancestors(path: string): string[] {
  const parts = path.split("/");
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join("/"));
}

/**
 * Groups `paths` (sorted) for a rule list: each goes under the shallowest directory that holds at
 * least PATTERN_MIN_PATHS of them, all with the same defined `ruleOf`; the others stay single paths.
 * A group sits where its first path would. `ruleOf` undefined: the path always stays single.
 */
export function groupUnderDirectories(paths: readonly string[], ruleOf: (path: string) => string | undefined): PathGroup[] {
  const under = new Map<string, { rule: string | undefined; paths: string[] }>();
  for (const path of paths) {
    const rule = ruleOf(path);
    for (const dir of ancestors(path)) {
      const seen = under.get(dir);
      if (seen === undefined) under.set(dir, { rule, paths: [path] });
      else {
        if (seen.rule !== rule) seen.rule = undefined;
        seen.paths.push(path);
      }
    }
  }
  const qualifies = (dir: string) => {
    const seen = under.get(dir);
    return seen !== undefined && seen.rule !== undefined && seen.paths.length >= PATTERN_MIN_PATHS && dir !== "" && !FNMATCH_SPECIAL.test(dir);
  };
  const out: PathGroup[] = [];
  const emitted = new Set<string>();
  for (const path of paths) {
    const dir = ancestors(path).find(qualifies);
    if (dir === undefined) out.push({ kind: "path", path });
    else if (!emitted.has(dir)) {
      emitted.add(dir);
      out.push({ kind: "dir", pattern: `${dir}/*`, paths: under.get(dir)?.paths ?? [] });
    }
  }
  return out;
}

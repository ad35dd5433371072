// gitignore-style exclude patterns for recording (SPEC-NOTES §10). in-toto 1.3.1 uses pathspec's
// "gitwildmatch": a pattern without an inner `/` matches a path component at any depth, a pattern
// with one is anchored at the recorded root, a trailing `/` matches only what is inside a directory,
// `!` re-includes, the last matching pattern wins, and a match on any ancestor directory excludes
// everything below it. Globs within a component use minimatch (`*` stays inside one component).
// minimatch is right here and nowhere else: artifact rules use fnmatch (fnmatch.ts).
import { Minimatch } from "minimatch";

/** in-toto's default exclude patterns (`settings.ARTIFACT_EXCLUDE_PATTERNS`); `--exclude` replaces them. */
export const DEFAULT_EXCLUDES: readonly string[] = ["*.link*", ".git", "*.pyc", "*~"];

const GLOB_OPTIONS = { dot: true, nobrace: true, noext: true, nocomment: true, nonegate: true } as const;

interface Compiled {
  negated: boolean;
  dirOnly: boolean;
  /**
   * The compiled glob (reused: matching thousands of paths must not re-parse it). A pattern with an
   * inner `/` is anchored at the recorded root and matched against the whole path; one without
   * matches a path by its last component, at any depth (`component`).
   */
  re: RegExp;
  component: boolean;
}

function compile(pattern: string): Compiled | undefined {
  let body = pattern;
  const negated = body.startsWith("!");
  if (negated) body = body.slice(1);
  const dirOnly = body.endsWith("/");
  body = body.replace(/\/+$/, "");
  if (body === "") return undefined;
  const anchored = body.includes("/");
  const re = new Minimatch(anchored ? body.replace(/^\/+/, "") : body, GLOB_OPTIONS).makeRe();
  return re ? { negated, dirOnly, re, component: !anchored } : undefined;
}

/**
 * Whether `c` matches `path` itself (its ancestors are checked separately). Matching an unanchored
 * pattern by the last component, rather than as `**\/pattern`, also works below `..` components,
 * which minimatch's `**` never crosses and in-toto's gitwildmatch does (`-m ../src` with `*.pyc`).
 */
function matches(c: Compiled, path: string): boolean {
  return c.re.test(c.component ? path.slice(path.lastIndexOf("/") + 1) : path);
}

/**
 * Compiles exclude patterns to a predicate over recorded paths (`a/b/c.txt`, no leading `./`).
 * The walker also calls it on directory paths to prune them, as 1.3.1 does.
 *
 * A pattern excludes a path when it matches the path or any of its ancestor directories. The
 * ancestors' answers are remembered per directory, so the thousands of files of one directory cost
 * one test of the path itself per pattern.
 */
export function compileExcludes(patterns: readonly string[]): (path: string) => boolean {
  const compiled = patterns.map(compile).filter((c): c is Compiled => c !== undefined);
  if (compiled.length === 0) return () => false;
  /** Directory → per pattern, whether it matches that directory or one of its ancestors. */
  const dirHits = new Map<string, readonly boolean[]>();
  const none: readonly boolean[] = compiled.map(() => false);
  const hitsOf = (dir: string | undefined): readonly boolean[] => {
    if (dir === undefined) return none;
    let hits = dirHits.get(dir);
    if (hits === undefined) {
      const above = hitsOf(parentOf(dir));
      hits = compiled.map((c, i) => (above[i] as boolean) || matches(c, dir));
      dirHits.set(dir, hits);
    }
    return hits;
  };
  return (path) => {
    const slash = path.lastIndexOf("/");
    const above = slash > 0 ? hitsOf(path.slice(0, slash)) : none;
    let excluded = false;
    for (let i = 0; i < compiled.length; i++) {
      const c = compiled[i] as Compiled;
      if (above[i] || (!c.dirOnly && matches(c, path))) excluded = !c.negated;
    }
    return excluded;
  };
}

/** The path up to its last `/` (every `/` but a leading one ends an ancestor), if any. */
function parentOf(path: string): string | undefined {
  const i = path.lastIndexOf("/");
  return i > 0 ? path.slice(0, i) : undefined;
}

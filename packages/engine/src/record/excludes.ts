// gitignore-style exclude patterns for recording (SPEC-NOTES §10). in-toto 1.3.1 uses pathspec's
// "gitwildmatch": a pattern without an inner `/` matches a path component at any depth, a pattern
// with one is anchored at the recorded root, a trailing `/` matches only what is inside a directory,
// `!` re-includes, the last matching pattern wins, and a match on any ancestor directory excludes
// everything below it. Globs within a component use minimatch (`*` stays inside one component).
// minimatch is right here and nowhere else: artifact rules use fnmatch (fnmatch.ts).
import { Minimatch } from "minimatch";

/** in-toto's default exclude patterns (`settings.ARTIFACT_EXCLUDE_PATTERNS`); `--exclude` replaces them. */
export const DEFAULT_EXCLUDES: readonly string[] = ["*.link*", ".git", "*.pyc", "*~"];

interface Compiled {
  negated: boolean;
  dirOnly: boolean;
  /** minimatch's compiled regex (reused: matching thousands of paths must not re-parse the glob). */
  re: RegExp;
}

function compile(pattern: string): Compiled | undefined {
  let body = pattern;
  const negated = body.startsWith("!");
  if (negated) body = body.slice(1);
  const dirOnly = body.endsWith("/");
  body = body.replace(/\/+$/, "");
  if (body === "") return undefined;
  const anchored = body.includes("/");
  const glob = anchored ? body.replace(/^\/+/, "") : `**/${body}`;
  const re = new Minimatch(glob, { dot: true, nobrace: true, noext: true, nocomment: true, nonegate: true }).makeRe();
  return re ? { negated, dirOnly, re } : undefined;
}

/**
 * Compiles exclude patterns to a predicate over recorded paths (`a/b/c.txt`, no leading `./`).
 * The walker also calls it on directory paths to prune them, as 1.3.1 does.
 */
export function compileExcludes(patterns: readonly string[]): (path: string) => boolean {
  const compiled = patterns.map(compile).filter((c): c is Compiled => c !== undefined);
  if (compiled.length === 0) return () => false;
  return (path) => {
    const prefixes: string[] = [];
    for (let i = path.indexOf("/"); i >= 0; i = path.indexOf("/", i + 1)) if (i > 0) prefixes.push(path.slice(0, i));
    let excluded = false;
    for (const c of compiled) {
      if ((!c.dirOnly && c.re.test(path)) || prefixes.some((p) => c.re.test(p))) excluded = !c.negated;
    }
    return excluded;
  };
}

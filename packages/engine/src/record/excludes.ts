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
  mm: Minimatch;
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
  return { negated, dirOnly, mm: new Minimatch(glob, { dot: true, nobrace: true, noext: true, nocomment: true, nonegate: true }) };
}

/**
 * Compiles exclude patterns to a predicate over recorded paths (`a/b/c.txt`, no leading `./`).
 * The walker also calls it on directory paths to prune them, as 1.3.1 does.
 */
export function compileExcludes(patterns: readonly string[]): (path: string) => boolean {
  const compiled = patterns.map(compile).filter((c): c is Compiled => c !== undefined);
  if (compiled.length === 0) return () => false;
  return (path) => {
    const parts = path.split("/");
    const prefixes: string[] = [];
    for (let i = 1; i <= parts.length; i++) prefixes.push(parts.slice(0, i).join("/"));
    let excluded = false;
    for (const c of compiled) {
      const candidates = c.dirOnly ? prefixes.slice(0, -1) : prefixes;
      if (candidates.some((p) => p !== "" && c.mm.match(p))) excluded = !c.negated;
    }
    return excluded;
  };
}

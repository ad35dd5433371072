// Representative artifact paths for a set of fnmatch patterns: one path for every combination of
// "matches / does not match" the patterns can show together, found by walking the product of the
// patterns' automata (shortest path first). Two paths with the same combination are treated alike
// by every rule built from these patterns, so rule lists can be compared on these paths alone.
//
// Only `*`, `?` and literal characters are understood here; a pattern with `[` (a class, or a
// literal `[`) is not, and the caller then says the effect is not determined. Whether a witness
// really matches is decided by the engine's fnmatch (the one matcher): the caller checks each path's
// combination with it, so this file only proposes paths.
import { fnmatch } from "@totem/engine";

/**
 * What a witness is tested against: an fnmatch pattern, a literal path (REQUIRE's argument), or a
 * literal prefix followed by a pattern (MATCH `IN dir`: the path starts with `dir/` and the rest matches).
 */
export type PathPredicate = { glob: string } | { literal: string } | { prefix: string; glob: string };

/** A path and, per predicate, whether it matches. */
export interface WitnessPath {
  path: string;
  matches: boolean[];
}

type Token = { kind: "star" } | { kind: "any" } | { kind: "lit"; char: string };

function tokens(predicate: PathPredicate): Token[] {
  if ("literal" in predicate) return [...predicate.literal].map((char) => ({ kind: "lit", char }));
  const out: Token[] = "prefix" in predicate ? [...predicate.prefix].map((char) => ({ kind: "lit" as const, char })) : [];
  for (const char of predicate.glob) {
    if (char === "*") {
      if (out.at(-1)?.kind !== "star") out.push({ kind: "star" });
    } else if (char === "?") out.push({ kind: "any" });
    else out.push({ kind: "lit", char });
  }
  return out;
}

/** Positions reachable without reading a character (a `*` may match nothing). */
function closure(toks: readonly Token[], positions: Iterable<number>): number[] {
  const set = new Set(positions);
  for (const p of [...set].sort((a, b) => a - b)) {
    let q = p;
    while (toks[q]?.kind === "star") set.add(++q);
  }
  return [...set].sort((a, b) => a - b);
}

function step(toks: readonly Token[], positions: readonly number[], char: string): number[] {
  const next: number[] = [];
  for (const p of positions) {
    const t = toks[p];
    if (t === undefined) continue;
    if (t.kind === "star") next.push(p);
    else if (t.kind === "any" || t.char === char) next.push(p + 1);
  }
  return closure(toks, next);
}

/** A character none of the patterns names (all such characters behave alike). */
function freshChar(patterns: readonly string[]): string {
  const used = new Set(patterns.flatMap((p) => [...p]));
  for (const c of "xyzqjkw_0123456789") if (!used.has(c)) return c;
  let cp = 0x4e00;
  while (used.has(String.fromCodePoint(cp))) cp++;
  return String.fromCodePoint(cp);
}

/** Whether this module can enumerate witnesses for the predicate (no character classes). */
export function supportedPredicate(predicate: PathPredicate): boolean {
  return "literal" in predicate || !predicate.glob.includes("[");
}

function holds(predicate: PathPredicate, path: string): boolean {
  if ("literal" in predicate) return path === predicate.literal;
  if ("prefix" in predicate) return path.startsWith(predicate.prefix) && fnmatch(path.slice(predicate.prefix.length), predicate.glob);
  return fnmatch(path, predicate.glob);
}

function text(predicate: PathPredicate): string {
  if ("literal" in predicate) return predicate.literal;
  return "prefix" in predicate ? predicate.prefix + predicate.glob : predicate.glob;
}

/**
 * One shortest path per achievable match combination of `predicates`. Undefined when a pattern is
 * unsupported, the product grows past `maxStates`, or the engine's fnmatch disagrees with a
 * predicted combination.
 */
export function witnessPaths(predicates: readonly PathPredicate[], maxStates = 20000): WitnessPath[] | undefined {
  if (!predicates.every(supportedPredicate)) return undefined;
  const toks = predicates.map(tokens);
  const texts = predicates.map(text);
  const literals = toks.flatMap((t) => t.flatMap((x) => (x.kind === "lit" ? [x.char] : [])));
  // The fresh character first: shortest witnesses then read "x", not a pattern's punctuation.
  const alphabet = [...new Set([freshChar(texts), ...literals])];
  const start = toks.map((t) => closure(t, [0]));
  const key = (state: number[][]) => state.map((s) => s.join(",")).join("|");
  const seen = new Set([key(start)]);
  const byCombination = new Map<string, WitnessPath>();
  let queue: { state: number[][]; path: string }[] = [{ state: start, path: "" }];
  while (queue.length > 0) {
    const next: typeof queue = [];
    for (const { state, path } of queue) {
      const matches = state.map((s, i) => s.includes(toks[i]!.length));
      const combo = matches.map((m) => (m ? "1" : "0")).join("");
      // The empty path only when no other path shows its combination (it reads badly in a reason).
      if (!byCombination.has(combo) || byCombination.get(combo)?.path === "") byCombination.set(combo, { path, matches });
      for (const char of alphabet) {
        const to = state.map((s, i) => step(toks[i]!, s, char));
        const k = key(to);
        if (seen.has(k)) continue;
        if (seen.size >= maxStates) return undefined;
        seen.add(k);
        next.push({ state: to, path: path + char });
      }
    }
    queue = next;
  }
  // A path that reads like a directory or nothing ("", "dir/") gets a file name when that keeps its
  // combination: the reviewer reads these paths in reasons.
  const fresh = alphabet[0]!;
  const keeps = (w: WitnessPath, path: string) => predicates.every((p, i) => holds(p, path) === w.matches[i]);
  const out = [...byCombination.values()].map((w) => {
    let path = w.path;
    if ((path === "" || path.endsWith("/") || path.endsWith(".")) && keeps(w, path + fresh)) path += fresh;
    // A hidden-looking segment ("dist/.sig") reads better named ("dist/x.sig") when that is the same.
    for (let i = path.length - 1; i >= 0; i--) {
      if ((path[i] === "." || path[i] === "/") && (i === 0 || path[i - 1] === "/") && keeps(w, path.slice(0, i) + fresh + path.slice(i))) {
        path = path.slice(0, i) + fresh + path.slice(i);
      }
    }
    return { ...w, path };
  });
  // The engine's matcher is the authority: a disagreement means this walk misread a pattern.
  for (const w of out) if (predicates.some((p, i) => holds(p, w.path) !== w.matches[i])) return undefined;
  return out;
}

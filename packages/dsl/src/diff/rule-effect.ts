// The effect of replacing one artifact rule list by another, decided with in-toto's
// consumption-queue semantics (SPEC-NOTES §8) and the engine's own rule evaluation as the judge.
//
// Why a finite search is exact: whether a rule consumes an artifact depends only on that artifact
// (its path, whether it is also on the other side with the same hash, and whether a MATCH
// destination holds its hash); DISALLOW fails on any artifact still queued that it matches, REQUIRE
// on its one path. So a list accepts a queue exactly when every artifact survives it alone and every
// REQUIRE finds its path. A queue accepted by one list and rejected by the other therefore shrinks
// to one "culprit" artifact plus the artifacts at REQUIRE paths, and the culprit may be any path
// with the same match combination (witness-paths.ts). We enumerate those queues, build the links
// for each, and run `verifyItemRules` on both lists.
//
// Not decided (the caller says "effect not determined"): a MATCH reading the item's own link, patterns
// with `[`, searches past the size limits, and — unless witnesses for both directions turn up, which
// makes the change mixed whatever else is true — lists with a MATCH `IN dir`: for a path with `\` or
// `dir//x` such a MATCH consumes another artifact than the one it matched, which this search does
// not enumerate (every witness it finds is still a real queue).
import { type ArtifactRule, type ArtifactSide, type HashDict, type LinkArtifacts, verifyItemRules } from "@totem/engine";
import { type PathPredicate, supportedPredicate, type WitnessPath, witnessPaths } from "./witness-paths.js";

/** One side of the comparison: an item's rule list and the items its MATCH rules can read. */
export interface RuleListSide {
  rules: readonly ArtifactRule[];
  /** Items whose links exist when these rules run (steps; for an inspection also inspections). */
  visible: ReadonlySet<string>;
}

/** An artifact of a witness queue. */
export interface WitnessArtifact {
  path: string;
  /** Relation to the other side of the same link. */
  state: "only-here" | "unchanged" | "modified";
  /** `item side` of MATCH destinations holding the same hash at the destination path. */
  matched: string[];
}

/** A queue accepted by one list and rejected by the other, with the rejecting rule. */
export interface RuleWitness {
  queue: WitnessArtifact[];
  /** `rule N 'TEXT'` of the list that rejects it. */
  rejectedBy: string;
}

/** What the new list does compared with the old one. */
export type RuleListEffect =
  | { determined: true; weaker?: RuleWitness; stronger?: RuleWitness; newAcceptsNothing: boolean }
  | { determined: false; why: string; weaker?: RuleWitness; stronger?: RuleWitness };

const LIMITS = { matchVariables: 6, contexts: 200_000 };

type Match = Extract<ArtifactRule, { type: "match" }>;

/** `os.path.join(prefix, path)` as MATCH builds a destination path (mirrors the engine's rule code). */
function join(prefix: string, path: string): string {
  const joined = path.startsWith("/") ? path : prefix.endsWith("/") || prefix === "" ? prefix + path : `${prefix}/${path}`;
  return joined.replace(/\\/g, "/");
}

/** The prefix a MATCH `IN dir` strips (`os.path.join(dir, "")`), or "" without one. */
function sourcePrefix(rule: Match): string {
  return rule.sourcePrefix ? join(rule.sourcePrefix, "") : "";
}

/** Where MATCH looks for an artifact at `path` (which its source prefix, if any, starts). */
function destPath(rule: Match, path: string): string {
  const s = path.slice(sourcePrefix(rule).length);
  return rule.destinationPrefix ? join(rule.destinationPrefix, s) : s;
}

interface Variable {
  dest: string;
  side: ArtifactSide;
  path: string;
}

interface Candidate {
  path: string;
  state: WitnessArtifact["state"];
  /** MATCH destinations holding this artifact's hash. */
  held: Variable[];
}

function undetermined(why: string): RuleListEffect {
  return { determined: false, why };
}

/** The states an artifact at `path` can be in, given the MATCH rules whose pattern it matches. */
function candidatesFor(path: string, matches: readonly Match[]): Candidate[] | undefined {
  const vars = new Map<string, Variable>();
  for (const m of matches) {
    const v = { dest: m.destinationName, side: m.destinationType, path: destPath(m, path) };
    vars.set(JSON.stringify(v), v);
  }
  const list = [...vars.values()];
  if (list.length > LIMITS.matchVariables) return undefined;
  const out: Candidate[] = [];
  for (const state of ["only-here", "unchanged", "modified"] as const) {
    for (let mask = 0; mask < 1 << list.length; mask++) out.push({ path, state, held: list.filter((_, i) => mask & (1 << i)) });
  }
  return out;
}

function hash(n: number, variant: string): HashDict {
  return { sha256: `${variant}${n.toString(16)}`.padEnd(64, "0") };
}

/** The links for one queue: the item's own link and every MATCH destination's. */
function linksFor(item: string, side: ArtifactSide, queue: readonly Candidate[], dests: readonly string[]): Map<string, LinkArtifacts> | undefined {
  type Dicts = Record<ArtifactSide, Record<string, HashDict>>;
  const own: Dicts = { materials: {}, products: {} };
  const other = side === "materials" ? "products" : "materials";
  const links = new Map<string, Dicts>([[item, own]]);
  for (const d of dests) links.set(d, { materials: {}, products: {} });
  for (const [i, c] of queue.entries()) {
    const h = hash(i + 1, "a");
    own[side][c.path] = h;
    if (c.state === "unchanged") own[other][c.path] = h;
    if (c.state === "modified") own[other][c.path] = hash(i + 1, "b");
    for (const v of c.held) {
      const dict = links.get(v.dest)![v.side];
      if (Object.hasOwn(dict, v.path)) return undefined; // two artifacts meet at one destination path
      dict[v.path] = h;
    }
  }
  return links as Map<string, LinkArtifacts>;
}

function visibleLinks(links: Map<string, LinkArtifacts>, item: string, visible: ReadonlySet<string>): Map<string, LinkArtifacts> {
  return new Map([...links].filter(([name]) => name === item || visible.has(name)));
}

function rejection(item: string, side: ArtifactSide, rules: readonly ArtifactRule[], links: Map<string, LinkArtifacts>): string | undefined {
  const [failure] = verifyItemRules(item, side, rules, links);
  if (failure === undefined) return undefined;
  return failure.rule ? `rule ${failure.rule.index + 1} '${failure.rule.text}'` : failure.message;
}

function predicatesOf(rules: readonly ArtifactRule[]): PathPredicate[] {
  return rules.map((r) => {
    if (r.type === "require") return { literal: r.pattern };
    if (r.type === "match" && sourcePrefix(r) !== "") return { prefix: sourcePrefix(r), glob: r.pattern };
    return { glob: r.pattern };
  });
}

function cartesian<T>(choices: readonly (readonly T[])[]): T[][] {
  return choices.reduce<T[][]>((acc, options) => acc.flatMap((prefix) => options.map((o) => [...prefix, o])), [[]]);
}

/**
 * Compares two rule lists of one item side (`item`'s `side`): a witness queue for "the new list
 * accepts what the old one rejected" (weaker) and for the reverse (stronger), when they exist.
 */
export function compareRuleLists(item: string, side: ArtifactSide, before: RuleListSide, after: RuleListSide): RuleListEffect {
  const all = [...before.rules, ...after.rules];
  const matches = all.filter((r): r is Match => r.type === "match");
  const prefixed = matches.find((m) => sourcePrefix(m) !== "");
  if (matches.some((m) => m.destinationName === item && (before.visible.has(item) || after.visible.has(item)))) {
    return undetermined(`a MATCH reads ${item}'s own link`);
  }
  const predicates = predicatesOf(all);
  if (!predicates.every(supportedPredicate)) return undetermined("a pattern uses [ ] (character classes are not analysed)");
  const paths = witnessPaths(predicates);
  if (paths === undefined) return undetermined("the patterns have too many combinations to enumerate");
  const requires = [...new Set(all.filter((r) => r.type === "require").map((r) => r.pattern))];
  const candidates = (w: WitnessPath) => candidatesFor(w.path, matches.filter((m) => w.matches[all.indexOf(m)]));
  const isRequired = (w: WitnessPath) => requires.includes(w.path);
  const requiredChoices: (Candidate | undefined)[][] = [];
  for (const f of requires) {
    const w = paths.find((p) => p.path === f);
    const c = w && candidates(w);
    if (c === undefined) return undetermined("too many MATCH destinations for one path");
    requiredChoices.push([undefined, ...c]);
  }
  const extras: (Candidate | undefined)[] = [undefined];
  for (const w of paths) {
    if (isRequired(w)) continue;
    const c = candidates(w);
    if (c === undefined) return undetermined("too many MATCH destinations for one path");
    extras.push(...c);
  }
  const combos = cartesian(requiredChoices);
  if (combos.length * extras.length > LIMITS.contexts) return undetermined("the rule lists have too many combinations to check");
  const queues = combos
    .flatMap((req) => extras.map((extra) => [...req, extra].filter((c): c is Candidate => c !== undefined)))
    .sort((a, b) => a.length - b.length);
  const dests = [...new Set(matches.map((m) => m.destinationName))].filter((d) => d !== item);
  let weaker: RuleWitness | undefined;
  let stronger: RuleWitness | undefined;
  let newAcceptsNothing = true;
  for (const queue of queues) {
    const links = linksFor(item, side, queue, dests);
    if (links === undefined) return undetermined("two artifacts map to one MATCH destination path");
    const oldRejects = rejection(item, side, before.rules, visibleLinks(links, item, before.visible));
    const newRejects = rejection(item, side, after.rules, visibleLinks(links, item, after.visible));
    if (newRejects === undefined) newAcceptsNothing = false;
    const described = () => queue.map(describeCandidate);
    if (weaker === undefined && oldRejects !== undefined && newRejects === undefined) weaker = { queue: described(), rejectedBy: oldRejects };
    if (stronger === undefined && oldRejects === undefined && newRejects !== undefined) stronger = { queue: described(), rejectedBy: newRejects };
    if (weaker && stronger && !newAcceptsNothing) break;
  }
  if (prefixed && !(weaker && stronger)) {
    const why = `MATCH with IN "${prefixed.sourcePrefix}" can consume an artifact other than the path it matched`;
    return { determined: false, why, ...(weaker ? { weaker } : {}), ...(stronger ? { stronger } : {}) };
  }
  return { determined: true, weaker, stronger, newAcceptsNothing };
}

function describeCandidate(c: Candidate): WitnessArtifact {
  return { path: c.path, state: c.state, matched: c.held.map((v) => `${v.dest} ${v.side}`) };
}

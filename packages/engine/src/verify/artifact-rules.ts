// Artifact rules with in-toto 1.3.1's consumption-queue semantics (SPEC-NOTES §8,
// `verifylib.verify_item_rules`): the queue starts as the item's materials or products; each rule
// consumes some paths; DISALLOW fails if anything it matches is still queued; REQUIRE fails if its
// literal path is no longer queued; the implicit end is ALLOW *.
import { fnmatch, fnmatchFilter } from "../fnmatch.js";
import type { ArtifactDict, ArtifactRule, ArtifactSide, HashDict, LinkArtifacts } from "../model.js";
import { assertNever } from "../result.js";
import { ruleToStrings } from "../rules.js";
import { artifactAt as get, artifactPaths } from "./artifact-dict.js";
import type { Failure, RuleTrace, StageNumber } from "./types.js";

/** Hash dicts are compared as whole dicts: same algorithms, same digests (SPEC-NOTES §8). */
export function sameHashes(a: HashDict, b: HashDict): boolean {
  // Without Object.keys: this runs once per matched artifact, and arrays for its two or so keys
  // were most of the garbage of a big chain's rules.
  let count = 0;
  for (const k in a) {
    if (!Object.hasOwn(a, k)) continue;
    if (!Object.hasOwn(b, k) || a[k] !== b[k]) return false;
    count++;
  }
  for (const k in b) if (Object.hasOwn(b, k)) count--;
  return count === 0;
}

/** `os.path.join(prefix, path)` then `\` → `/`, as verify_match_rule builds full paths. */
function join(prefix: string, path: string): string {
  const joined = path.startsWith("/") ? path : prefix.endsWith("/") || prefix === "" ? prefix + path : `${prefix}/${path}`;
  return joined.replace(/\\/g, "/");
}

function matchRule(
  rule: Extract<ArtifactRule, { type: "match" }>,
  queue: Set<string>,
  source: ArtifactDict,
  links: ReadonlyMap<string, LinkArtifacts>,
): string[] {
  const dest = links.get(rule.destinationName);
  if (!dest) return []; // a missing destination consumes nothing (never an error in 1.3.1)
  const destArtifacts = dest[rule.destinationType];
  const srcPrefix = rule.sourcePrefix ?? "";
  let candidates: Iterable<string> = queue;
  if (srcPrefix !== "") {
    const p = join(srcPrefix, "");
    const stripped: string[] = [];
    for (const path of queue) if (path.startsWith(p)) stripped.push(path.slice(p.length));
    candidates = stripped;
  }
  const consumed: string[] = [];
  for (const s of fnmatchFilter(candidates, rule.pattern)) {
    const srcPath = srcPrefix !== "" ? join(srcPrefix, s) : s;
    const destPath = rule.destinationPrefix ? join(rule.destinationPrefix, s) : s;
    const a = get(source, srcPath);
    const b = get(destArtifacts, destPath);
    if (a && b && sameHashes(a, b)) consumed.push(srcPath);
  }
  return consumed;
}

/** Hash dicts as a reader compares them: `sha256 0123abcd…`, each algorithm. */
function digests(h: HashDict): string {
  return Object.entries(h)
    .map(([algo, hex]) => `${algo} ${hex.length > 16 ? `${hex.slice(0, 16)}…` : hex}`)
    .join(", ");
}

/**
 * Why artifacts a DISALLOW caught were not consumed by an earlier MATCH whose pattern covers them: the
 * digest differs from the destination's, or the destination lacks them. One sentence per artifact
 * (at most 5), naming the step and showing both digests — the true cause, not "add an ALLOW".
 */
function matchMisses(hits: readonly string[], earlier: readonly ArtifactRule[], source: ArtifactDict, links: ReadonlyMap<string, LinkArtifacts>): string[] {
  const out: string[] = [];
  for (const path of hits) {
    for (const rule of earlier) {
      if (rule.type !== "match") continue;
      const srcPrefix = rule.sourcePrefix ?? "";
      const p = srcPrefix === "" ? "" : join(srcPrefix, "");
      if (!path.startsWith(p)) continue;
      const stripped = path.slice(p.length);
      if (!fnmatch(stripped, rule.pattern)) continue;
      const destPath = rule.destinationPrefix ? join(rule.destinationPrefix, stripped) : stripped;
      const dest = links.get(rule.destinationName);
      const there = dest ? get(dest[rule.destinationType], destPath) : undefined;
      const here = get(source, path) as HashDict;
      const where = `the ${rule.destinationType} of "${rule.destinationName}"`;
      if (!dest) out.push(`"${path}" has no ${where} to match: that step has no link here.`);
      else if (!there) out.push(`"${path}" is not among ${where}${destPath !== path ? ` (as "${destPath}")` : ""}.`);
      else out.push(`"${path}" differs from ${where}${destPath !== path ? ` (as "${destPath}")` : ""}: ${digests(here)} here, ${digests(there)} there — it changed between the steps.`);
      break;
    }
    if (out.length >= 5) break;
  }
  return out;
}

/** The rule as in-toto prints it (`MATCH foo/* WITH PRODUCTS FROM build`). */
export function ruleText(rule: ArtifactRule): string {
  return ruleToStrings(rule).join(" ");
}

function list(paths: Iterable<string>, max = 10): string {
  const all = [...paths];
  const shown = all.slice(0, max).map((p) => JSON.stringify(p));
  return all.length > max ? `${shown.join(", ")} and ${all.length - max} more` : shown.join(", ");
}

/**
 * Applies one item's rules for one side (stage 9 or 11). Returns the failures (at most one: the
 * first DISALLOW or REQUIRE that fails stops the list, as in 1.3.1) and appends to `trace` if given.
 */
export function verifyItemRules(
  item: string,
  side: ArtifactSide,
  rules: readonly ArtifactRule[],
  links: ReadonlyMap<string, LinkArtifacts>,
  trace?: RuleTrace[],
): Failure[] {
  const link = links.get(item);
  if (!link) return [];
  const { materials, products } = link;
  const source = link[side];
  const queue = new Set(artifactPaths(source));
  const other = side === "materials" ? "products" : "materials";
  for (const [index, rule] of rules.entries()) {
    let consumed: string[] = [];
    // Written out only for a failure or a trace: most rules of a passing chain need neither.
    const text = () => ruleText(rule);
    const ref = () => ({ item, side, index, text: text() });
    switch (rule.type) {
      case "match":
        consumed = matchRule(rule, queue, source, links);
        break;
      case "create":
        consumed = fnmatchFilter(queue, rule.pattern).filter((p) => get(products, p) && !get(materials, p));
        break;
      case "delete":
        consumed = fnmatchFilter(queue, rule.pattern).filter((p) => get(materials, p) && !get(products, p));
        break;
      case "modify":
        consumed = fnmatchFilter(queue, rule.pattern).filter((p) => {
          const m = get(materials, p);
          const q = get(products, p);
          return m !== undefined && q !== undefined && !sameHashes(m, q);
        });
        break;
      case "allow":
        consumed = fnmatchFilter(queue, rule.pattern);
        break;
      case "disallow": {
        const hits = fnmatchFilter(queue, rule.pattern);
        if (hits.length > 0) {
          trace?.push({ item, side, index, rule: text(), consumed: [], queue: [...queue] });
          const misses = matchMisses(hits, rules.slice(0, index), source, links);
          const hint = misses.length
            ? ` An earlier MATCH rule covers them but did not consume them: ${misses.join(" ")}`
            : ` No earlier rule accounted for them. If they are expected, add a rule before it (CREATE, MODIFY, MATCH or ALLOW); ` +
              `otherwise find out why "${item}" ${side === "materials" ? "used" : "produced"} them.`;
          return [
            {
              stage: 9,
              code: "rule-disallow",
              message: `${side === "materials" ? "Materials" : "Products"} of "${item}" matched rule ${index + 1} '${text()}': ${list(hits)}.${hint}`,
              step: item,
              rule: ref(),
              artifacts: hits,
            },
          ];
        }
        break;
      }
      case "require":
        if (!queue.has(rule.pattern)) {
          trace?.push({ item, side, index, rule: text(), consumed: [], queue: [...queue] });
          const elsewhere = get(link[other], rule.pattern) ? ` (it is among the ${other})` : "";
          const gone = get(source, rule.pattern) ? " An earlier rule consumed it: put REQUIRE before the rules that match it." : "";
          return [
            {
              stage: 9,
              code: "rule-require",
              message: `Rule ${index + 1} '${text()}' of "${item}" did not find "${rule.pattern}" in the ${side}${elsewhere}.${gone || ` Make sure "${item}" records it.`}`,
              step: item,
              rule: ref(),
              artifacts: [rule.pattern],
            },
          ];
        }
        break;
      default:
        assertNever(rule);
    }
    for (const p of consumed) queue.delete(p);
    trace?.push({ item, side, index, rule: text(), consumed, queue: [...queue] });
  }
  return [];
}

/** Stage 9 or 11 for one item: its material rules, then its product rules, as failures of `stage`. */
export function itemRuleFailures(
  item: { name: string; expected_materials: readonly ArtifactRule[]; expected_products: readonly ArtifactRule[] },
  links: ReadonlyMap<string, LinkArtifacts>,
  stage: StageNumber,
  trace?: RuleTrace[],
): Failure[] {
  const failures: Failure[] = [];
  for (const f of verifyItemRules(item.name, "materials", item.expected_materials, links, trace)) failures.push({ ...f, stage });
  for (const f of verifyItemRules(item.name, "products", item.expected_products, links, trace)) failures.push({ ...f, stage });
  return failures;
}

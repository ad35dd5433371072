// Differences between two artifact rule lists, classified by what they do to verification.
//
// in-toto rules consume artifacts from a queue in order; only DISALLOW and REQUIRE can fail, and
// the list ends with an implicit ALLOW * (SPEC-NOTES §8). So a consuming rule (ALLOW, MATCH,
// CREATE, DELETE, MODIFY) is a *permission* when a later DISALLOW exists — it shields the artifacts
// it consumes — and has no effect on the verdict otherwise (in-toto issue 287). Classification:
// DISALLOW/REQUIRE added strengthens, removed weakens; a consuming rule added before a DISALLOW
// weakens, removed strengthens, and without a later DISALLOW either is neutral. Pattern edits that
// cannot be proven narrower or wider are reported as weakening, so a reviewer looks at them.
import { type ArtifactRule, ruleToStrings } from "@totem/engine";
import type { Change, Classification } from "./change.js";

/** The rule as the rule list text in-toto signs, e.g. `DISALLOW "*"`, for messages. */
export function describeRule(rule: ArtifactRule): string {
  return ruleToStrings(rule)
    .map((part, i) => (i === 0 || /^(IN|WITH|FROM|MATERIALS|PRODUCTS)$/.test(part) ? part : JSON.stringify(part)))
    .join(" ");
}

function ruleKey(rule: ArtifactRule): string {
  return JSON.stringify(ruleToStrings(rule));
}

function restricts(rule: ArtifactRule): boolean {
  return rule.type === "disallow" || rule.type === "require";
}

function disallowAfter(rules: readonly ArtifactRule[], index: number): ArtifactRule | undefined {
  return rules.slice(index + 1).find((r) => r.type === "disallow");
}

type Op = { op: "keep"; a: number; b: number } | { op: "del"; a: number } | { op: "ins"; b: number };

/** An edit script from LCS (lists are short: O(n·m) is fine). */
function editScript(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ op: "keep", a: i++, b: j++ });
    else if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) ops.push({ op: "ins", b: j++ });
    else ops.push({ op: "del", a: i++ });
  }
  return ops;
}

function addedOrRemoved(rule: ArtifactRule, rules: readonly ArtifactRule[], index: number, added: boolean): [Classification, string] {
  const text = describeRule(rule);
  if (restricts(rule)) return added ? ["strengthens", `${text} added`] : ["weakens", `${text} removed`];
  const shield = disallowAfter(rules, index);
  if (shield === undefined) {
    return ["neutral", `${text} ${added ? "added" : "removed"}; no DISALLOW follows it, so it does not change the verdict`];
  }
  return added
    ? ["weakens", `${text} added: what it consumes no longer reaches ${describeRule(shield)}`]
    : ["strengthens", `${text} removed: what it consumed now reaches ${describeRule(shield)}`];
}

function changed(before: ArtifactRule, after: ArtifactRule, rules: readonly ArtifactRule[], index: number): [Classification, string] {
  const reason = `${describeRule(before)} → ${describeRule(after)}`;
  if (restricts(after)) {
    if (after.pattern === "*") return ["strengthens", `${reason}: now covers every artifact`];
    return ["weakens", `${reason}: the new pattern may let through what the old one caught`];
  }
  if (disallowAfter(rules, index) === undefined) return ["neutral", `${reason}; no DISALLOW follows it, so it does not change the verdict`];
  if (before.type !== "match" && before.pattern === "*" && after.pattern !== "*") return ["strengthens", `${reason}: it consumes less`];
  return ["weakens", `${reason}: it may consume artifacts that used to be rejected`];
}

/** For rule lists with the same rules in another order: did a permission move before a DISALLOW? */
function reorderClassification(before: readonly ArtifactRule[], after: readonly ArtifactRule[]): [Classification, string] {
  const position = (rules: readonly ArtifactRule[]) => {
    const seen = new Map<string, number>();
    return rules.map((r) => {
      const k = ruleKey(r);
      const n = seen.get(k) ?? 0;
      seen.set(k, n + 1);
      return `${k}#${n}`;
    });
  };
  const a = position(before);
  const b = position(after);
  const newIndex = new Map(b.map((k, i) => [k, i]));
  let weaker = false;
  let stronger = false;
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < a.length; j++) {
      const permission = before[i]!;
      const deny = before[j]!;
      if (restricts(permission) || deny.type !== "disallow") continue;
      const wasBefore = i < j;
      const isBefore = (newIndex.get(a[i]!) ?? 0) < (newIndex.get(a[j]!) ?? 0);
      if (!wasBefore && isBefore) weaker = true;
      if (wasBefore && !isBefore) stronger = true;
    }
  }
  const order = `order ${before.map(describeRule).join(", ")} → ${after.map(describeRule).join(", ")}`;
  if (weaker) return ["weakens", `rules reordered so a permission now comes before a DISALLOW (${order})`];
  if (stronger) return ["strengthens", `rules reordered so a DISALLOW now comes before a permission (${order})`];
  return ["neutral", `rules reordered without moving a permission across a DISALLOW (${order})`];
}

/** The runs of removed and added rules between kept ones, in order. */
function gapsOf(ops: Op[]): { dels: number[]; inss: number[] }[] {
  const gaps: { dels: number[]; inss: number[] }[] = [];
  let current: { dels: number[]; inss: number[] } | undefined;
  for (const op of ops) {
    if (op.op === "keep") {
      current = undefined;
      continue;
    }
    if (current === undefined) {
      current = { dels: [], inss: [] };
      gaps.push(current);
    }
    if (op.op === "del") current.dels.push(op.a);
    else current.inss.push(op.b);
  }
  return gaps;
}

/** Keys of the DISALLOW rules after `index` (permissions) or of the permissions before it (DISALLOW). */
function partners(rules: readonly ArtifactRule[], index: number): Set<string> {
  const rule = rules[index]!;
  if (rule.type === "disallow") return new Set(rules.slice(0, index).filter((r) => !restricts(r)).map(ruleKey));
  return new Set(rules.slice(index + 1).filter((r) => r.type === "disallow").map(ruleKey));
}

/** One rule moved within its list: does a permission now shield artifacts from a DISALLOW it did not before? */
function moved(rule: ArtifactRule, before: readonly ArtifactRule[], from: number, after: readonly ArtifactRule[], to: number): [Classification, string] {
  const text = `${describeRule(rule)} moved from position ${from + 1} to ${to + 1}`;
  if (rule.type === "require") return ["neutral", `${text}; REQUIRE checks whatever earlier rules left, review the new order`];
  const old = partners(before, from);
  const now = partners(after, to);
  const gained = [...now].some((k) => !old.has(k));
  const lost = [...old].some((k) => !now.has(k));
  if (gained) return ["weakens", `${text}: a permission now comes before a DISALLOW it used to follow`];
  if (lost) return ["strengthens", `${text}: a DISALLOW now comes before a permission it used to follow`];
  return ["neutral", `${text} without crossing a DISALLOW`];
}

/** Changes between two rule lists of one item side; `subject` is e.g. `step build materials`. */
export function diffRules(subject: string, before: readonly ArtifactRule[], after: readonly ArtifactRule[]): Change[] {
  const a = before.map(ruleKey);
  const b = after.map(ruleKey);
  if (a.length === b.length && a.every((k, i) => k === b[i])) return [];
  if (a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n")) {
    const [classification, reason] = reorderClassification(before, after);
    return [{ kind: "rules-reordered", subject, classification, reason }];
  }
  const out: Change[] = [];
  const gaps = gapsOf(editScript(a, b));
  // The same rule removed in one place and added in another moved: report it once.
  const movedTo = new Map<number, number>();
  const taken = new Set<number>();
  for (const gap of gaps) {
    for (const d of gap.dels) {
      const i = gaps.flatMap((g) => g.inss).find((n) => !taken.has(n) && b[n] === a[d]);
      if (i === undefined) continue;
      movedTo.set(d, i);
      taken.add(i);
    }
  }
  for (const gap of gaps) {
    const dels = gap.dels.filter((d) => !movedTo.has(d));
    const inss = gap.inss.filter((i) => !taken.has(i));
    for (const d of gap.dels) {
      const to = movedTo.get(d);
      if (to === undefined) continue;
      const [classification, reason] = moved(before[d]!, before, d, after, to);
      out.push({ kind: "rules-reordered", subject: `${subject} rule ${to + 1}`, classification, reason });
    }
    // Pair a removed and an added rule of the same kind in one gap as an edit of that rule.
    const pairedIns = new Set<number>();
    for (const d of dels) {
      const old = before[d]!;
      const match = inss.find((i) => !pairedIns.has(i) && after[i]!.type === old.type);
      if (match !== undefined) {
        pairedIns.add(match);
        const [classification, reason] = changed(old, after[match]!, after, match);
        out.push({ kind: "rule-changed", subject: `${subject} rule ${match + 1}`, classification, reason });
        continue;
      }
      const [classification, reason] = addedOrRemoved(old, before, d, false);
      out.push({ kind: "rule-removed", subject: `${subject} rule ${d + 1}`, classification, reason });
    }
    for (const i of inss) {
      if (pairedIns.has(i)) continue;
      const [classification, reason] = addedOrRemoved(after[i]!, after, i, true);
      out.push({ kind: "rule-added", subject: `${subject} rule ${i + 1}`, classification, reason });
    }
  }
  return out;
}

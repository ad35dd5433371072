// A change to one artifact rule list, named by its textual edits and classified by its effect
// (rule-effect.ts): never by the edit's shape, since the same edit can weaken one list and
// strengthen another (an ALLOW before a DISALLOW lets artifacts through; on a list with no rules it
// is the DISALLOW after it that counts).
import { type ArtifactRule, type ArtifactSide, ruleToStrings } from "@totem/engine";
import type { Change, ChangeKind } from "./change.js";
import { classify, explain, type Judgement } from "./effect.js";
import { compareRuleLists, type RuleListSide, type RuleWitness, type WitnessArtifact } from "./rule-effect.js";

/** The rule as the rule list text in-toto signs, e.g. `DISALLOW "*"`, for messages. */
export function describeRule(rule: ArtifactRule): string {
  return ruleToStrings(rule)
    .map((part, i) => (i === 0 || /^(IN|WITH|FROM|MATERIALS|PRODUCTS)$/.test(part) ? part : JSON.stringify(part)))
    .join(" ");
}

const ruleKey = (rule: ArtifactRule) => JSON.stringify(ruleToStrings(rule));

type Op = { op: "keep" } | { op: "del"; a: number } | { op: "ins"; b: number };

/** An edit script from LCS (lists are short: O(n·m) is fine). */
function editScript(a: readonly string[], b: readonly string[]): Op[] {
  const [n, m] = [a.length, b.length];
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const ops: Op[] = [];
  let [i, j] = [0, 0];
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ op: "keep" });
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) ops.push({ op: "ins", b: j++ });
    else ops.push({ op: "del", a: i++ });
  }
  return ops;
}

/** What was edited, as a reviewer would say it, with the change kind and the rule it is about. */
function edits(before: readonly ArtifactRule[], after: readonly ArtifactRule[]): { kind: ChangeKind; text: string; rule?: number } {
  const [a, b] = [before.map(ruleKey), after.map(ruleKey)];
  if (a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n")) {
    // Long lists are counted, not printed: the reason has to fit a pull-request comment.
    const list = (rules: readonly ArtifactRule[]) => (rules.length <= 5 ? rules.map(describeRule).join(", ") : `${rules.length} rules`);
    return { kind: "rules-reordered", text: `rules reordered: ${list(before)} → ${list(after)}` };
  }
  const ops = editScript(a, b);
  const dels = ops.flatMap((o) => (o.op === "del" ? [o.a] : []));
  const inss = ops.flatMap((o) => (o.op === "ins" ? [o.b] : []));
  const parts = [...inss.map((i) => `${describeRule(after[i]!)} added`), ...dels.map((d) => `${describeRule(before[d]!)} removed`)];
  const text = parts.length <= 3 ? parts.join(", ") : `${parts.slice(0, 2).join(", ")} and ${parts.length - 2} more edits`;
  if (dels.length === 0) return { kind: "rule-added", text, ...(inss.length === 1 ? { rule: inss[0]! + 1 } : {}) };
  if (inss.length === 0) return { kind: "rule-removed", text, ...(dels.length === 1 ? { rule: dels[0]! + 1 } : {}) };
  return { kind: "rule-changed", text, ...(inss.length === 1 ? { rule: inss[0]! + 1 } : {}) };
}

const STATE: Record<ArtifactSide, Record<WitnessArtifact["state"], string>> = {
  products: { "only-here": "created", unchanged: "unchanged material", modified: "modified material" },
  materials: { "only-here": "deleted", unchanged: "unchanged in products", modified: "modified in products" },
};

function queueText(side: ArtifactSide, queue: readonly WitnessArtifact[]): string {
  if (queue.length === 0) return `an empty set of ${side}`;
  const one = (a: WitnessArtifact) => {
    const notes = [STATE[side][a.state], ...a.matched.map((m) => `same hash in ${m}`)];
    return `${JSON.stringify(a.path)} (${notes.join(", ")})`;
  };
  return `${side} ${queue.map(one).join(" + ")}`;
}

function judge(side: ArtifactSide, before: RuleListSide, after: RuleListSide, item: string): Judgement {
  const e = compareRuleLists(item, side, before, after);
  const w = (x: RuleWitness | undefined) => x && queueText(side, x.queue);
  const weaker = e.weaker && `now accepts ${w(e.weaker)}, which ${e.weaker.rejectedBy} rejected`;
  const nothing = e.determined && e.newAcceptsNothing;
  const stronger =
    e.stronger && (nothing ? `now rejects every set of ${side}, e.g. ${w(e.stronger)} at ${e.stronger.rejectedBy}` : `now rejects ${w(e.stronger)} at ${e.stronger.rejectedBy}`);
  // Not determined, but what was found is true: say it after the reason.
  if (!e.determined) return { undetermined: [e.why, ...(weaker ? [`it does weaken: it ${weaker}`] : []), ...(stronger ? [`it does strengthen: it ${stronger}`] : [])].join("; ") };
  return { ...(weaker ? { weaker } : {}), ...(stronger ? { stronger } : {}) };
}

/** Same rules, but a MATCH destination appeared or disappeared from the layout. */
function destinationsText(before: RuleListSide, after: RuleListSide): string {
  const moved = before.rules.flatMap((r) =>
    r.type === "match" && before.visible.has(r.destinationName) !== after.visible.has(r.destinationName)
      ? [`${describeRule(r)} now ${after.visible.has(r.destinationName) ? "finds a" : "finds no"} link`]
      : [],
  );
  return [...new Set(moved)].join(", ");
}

/**
 * The change to one item side's rule list (`subject` e.g. `step build products`), or none when the
 * lists are the same and so is what their MATCH rules can read.
 */
export function diffRules(subject: string, item: string, side: ArtifactSide, before: RuleListSide, after: RuleListSide): Change[] {
  const same = before.rules.length === after.rules.length && before.rules.every((r, i) => ruleKey(r) === ruleKey(after.rules[i]!));
  const reads = (s: RuleListSide) =>
    s.rules
      .filter((r) => r.type === "match")
      .map((r) => `${r.destinationName}:${s.visible.has(r.destinationName)}`)
      .join();
  if (same && reads(before) === reads(after)) return [];
  const edit = same ? { kind: "rule-changed" as const, text: destinationsText(before, after) } : edits(before.rules, after.rules);
  const j = judge(side, before, after, item);
  const reason = explain(edit.text, j, `every set of ${side} gets the same verdict`);
  return [{ kind: edit.kind, subject: edit.rule !== undefined ? `${subject} rule ${edit.rule}` : subject, classification: classify(j), reason }];
}

// `diffPolicies`: the semantic difference between two layouts (compiled policies or signed layouts),
// each change classified by what it does to the set of supply chains the layout accepts when
// verified as the root layout (docs/cli.md, "totem diff"). Works on the lowered model, so a
// formatting-only edit, a renamed constant or a rule set spliced differently yields no change.
import type { AttestationLayout, Inspection, Layout, Step, Target } from "@totem/engine";
import type { ExpiresClause } from "../ast.js";
import { addDuration, formatExpiry, parseExpiry } from "../checks/expiry-date.js";
import { LineIndex } from "../line-index.js";
import type { SourceMap } from "../lower.js";
import { attestationChanges } from "./attestation-diff.js";
import type { Change } from "./change.js";
import { classify, explain, type Judgement } from "./effect.js";
import { diffRules } from "./rule-diff.js";
import { compareSigners, keyIdentity, type SignerWitness, signersOf } from "./signers.js";

/** One side of a diff: a layout, plus what a policy knows beyond the payload. */
export interface PolicySnapshot {
  layout: Layout;
  /** The target, when known (a `.totem` file states it; a signed layout's is guessed). */
  target?: Target;
  /** Functionary names by keyid, when known (from a `.totem` file), for readable messages. */
  names?: ReadonlyMap<string, string>;
  /** `layout` for a signed layout; `policy` for a lowered `.totem` file. */
  origin?: "policy" | "layout";
  /** A policy's `expires in …` clause (its layout's `expires` was resolved against some clock). */
  relativeExpiry?: Extract<ExpiresClause, { kind: "relative" }>;
  /** A policy's text and source map, so changes can name their line. */
  source?: { text: string; sourceMap: SourceMap };
  /**
   * A policy of target "ite-10": its attestation layout, whose expected predicates, checks and keyless
   * functionaries the in-toto `layout` cannot hold (compared when both sides have one).
   */
  attestations?: AttestationLayout;
}

/** How to compare. */
export interface DiffOptions {
  /**
   * True when the clock relative expiries were resolved against was given explicitly (`--now`).
   * Otherwise a policy's `expires in …` compared with a signed layout resolves against that layout's
   * own reference time: the instant at which the relative expiry gives the layout's `expires`.
   */
  explicitNow?: boolean;
}

type Item = Step | Inspection;
type Side = { snap: PolicySnapshot; index?: LineIndex };

function snapshot(input: Layout | PolicySnapshot): PolicySnapshot {
  return "layout" in input ? input : { layout: input };
}

/** How a key is shown: its functionary name on either side beside its keyid, else `key <keyid[:8]>`. */
function keyLabel(keyid: string, ...sides: PolicySnapshot[]): string {
  for (const side of sides) {
    const name = side.names?.get(keyid);
    if (name !== undefined) return `${name} (${keyid.slice(0, 8)})`;
  }
  return `key ${keyid.slice(0, 8)}`;
}

const itemKey = (item: Item) => `${item._type}:${item.name}`;
const itemLabel = (item: Item) => `${item._type} ${item.name}`;
const commandText = (argv: readonly string[]) => (argv.length === 0 ? "(none)" : JSON.stringify(argv));

/** The semantic changes from `before` to `after`: layout first, then keys, then item by item. */
export function diffPolicies(before: Layout | PolicySnapshot, after: Layout | PolicySnapshot, options: DiffOptions = {}): Change[] {
  const side = (snap: PolicySnapshot): Side => ({ snap, ...(snap.source ? { index: new LineIndex(snap.source.text) } : {}) });
  const [a, b] = [side(snapshot(before)), side(snapshot(after))];
  return [...layoutChanges(a.snap, b.snap, options), ...keyChanges(a.snap, b.snap), ...itemChanges(a, b), ...attestationDiff(a, b)];
}

/** Changes of expected attestations and keyless identities, each placed at its step's line. */
function attestationDiff(a: Side, b: Side): Change[] {
  const [before, after] = [a.snap.attestations, b.snap.attestations];
  if (before === undefined || after === undefined) return [];
  const label = (id: string) => (before.identities.has(id) || after.identities.has(id) ? id : keyLabel(id, b.snap, a.snap));
  return attestationChanges(before, after, label).map((c) => {
    const step = /^step (\S+)/.exec(c.subject)?.[1];
    const line = step === undefined ? undefined : lineOf(b, "new", step, "items");
    return line ? { ...c, line } : c;
  });
}

function lineOf(side: Side, which: "old" | "new", key: string, table: "items" | "rules"): Change["line"] {
  const span = side.snap.source?.sourceMap[table][key];
  if (span === undefined || side.index === undefined) return undefined;
  return { side: which, line: side.index.positionAt(span.start).line + 1 };
}

function durationMs(clause: Extract<ExpiresClause, { kind: "relative" }>): number {
  return addDuration(new Date(0), clause).getTime();
}

/** A policy's relative expiry as it would have resolved when `layout` was compiled from it. */
function atReferenceTime(relative: PolicySnapshot, layout: PolicySnapshot): string | undefined {
  const clause = relative.relativeExpiry;
  const expires = parseExpiry(layout.layout.expires);
  if (clause === undefined || expires === undefined || layout.origin !== "layout") return undefined;
  return formatExpiry(addDuration(new Date(expires.getTime() - durationMs(clause)), clause));
}

function expiryChange(a: PolicySnapshot, b: PolicySnapshot, options: DiffOptions): Change[] {
  const [ra, rb] = [a.relativeExpiry, b.relativeExpiry];
  const change = (later: boolean, reason: string): Change[] => [
    // Expiry bounds how long a leaked or retired key can still be used with this layout.
    { kind: "expires", subject: "layout", classification: later ? "weakens" : "strengthens", reason },
  ];
  if (ra !== undefined && rb !== undefined) {
    const [x, y] = [durationMs(ra), durationMs(rb)];
    if (x === y) return [];
    const reason =
      y > x
        ? "a compiled layout stays valid longer: it accepts chains verified after the old one would have expired"
        : "a compiled layout expires sooner: it rejects chains verified after that, which the old one accepted";
    return change(y > x, `expiry in ${ra.text} → in ${rb.text}: ${reason}`);
  }
  let [x, y] = [a.layout.expires, b.layout.expires];
  if (!options.explicitNow) {
    x = atReferenceTime(a, b) ?? x;
    y = atReferenceTime(b, a) ?? y;
  }
  if (x === y) return [];
  const later = y > x;
  return change(later, `expiry ${later ? "extended" : "shortened"} ${x} → ${y}: the layout ${later ? "now" : "no longer"} accepts chains verified in between`);
}

function layoutChanges(a: PolicySnapshot, b: PolicySnapshot, options: DiffOptions): Change[] {
  const out: Change[] = [];
  if (a.target !== undefined && b.target !== undefined && a.target !== b.target) {
    out.push({
      kind: "target",
      subject: "layout",
      classification: "neutral",
      reason: `target ${a.target} → ${b.target}: keyids change scheme (key changes show below); functionaries' tools must match`,
    });
  }
  out.push(...expiryChange(a, b, options));
  if (a.layout.readme !== b.layout.readme) out.push({ kind: "readme", subject: "layout", classification: "neutral", reason: "readme changed: in-toto does not read it" });
  return out;
}

/** Keys a step's links or (target "ite-10") its expected attestations may be signed with. */
const usedKeys = (snap: PolicySnapshot) =>
  new Set([...snap.layout.steps.flatMap((s) => s.pubkeys), ...(snap.attestations?.steps.flatMap((s) => s.expectedPredicates.flatMap((p) => p.functionaries)) ?? [])]);

/** Keys no step uses, added, removed or changed (a used key's change shows in each step that uses it). */
function keyChanges(a: PolicySnapshot, b: PolicySnapshot): Change[] {
  // Target "ite-10": declaring a functionary is itself a change there (attestation-diff.ts), said once.
  if (a.attestations !== undefined && b.attestations !== undefined) return [];
  const out: Change[] = [];
  const [usedA, usedB] = [usedKeys(a), usedKeys(b)];
  for (const id of Object.keys(b.layout.keys).sort()) {
    const old = a.layout.keys[id];
    if (usedA.has(id) || usedB.has(id)) continue;
    const label = keyLabel(id, b, a);
    if (old === undefined) out.push({ kind: "key-added", subject: label, classification: "neutral", reason: `${label} declared; no step uses it` });
    else if (keyIdentity(id, old) !== keyIdentity(id, b.layout.keys[id])) {
      out.push({ kind: "key-changed", subject: label, classification: "neutral", reason: `public key under keyid ${id.slice(0, 8)} changed; no step uses it` });
    }
  }
  for (const id of Object.keys(a.layout.keys).sort()) {
    if (id in b.layout.keys || usedA.has(id) || usedB.has(id)) continue;
    out.push({ kind: "key-removed", subject: keyLabel(id, a), classification: "neutral", reason: `${keyLabel(id, a)} removed; no step used it` });
  }
  return out;
}

/** Items whose links a rule list of `item` can read: steps, and for an inspection also inspections. */
function visibleTo(layout: Layout, item: Item): Set<string> {
  return new Set([...layout.steps.map((s) => s.name), ...(item._type === "inspection" ? layout.inspect.map((i) => i.name) : [])]);
}

function itemChanges(a: Side, b: Side): Change[] {
  const out: Change[] = [];
  const [la, lb] = [a.snap.layout, b.snap.layout];
  const byNameA = new Map<string, Item>([...la.steps, ...la.inspect].map((i) => [itemKey(i), i]));
  const byNameB = new Map<string, Item>([...lb.steps, ...lb.inspect].map((i) => [itemKey(i), i]));
  const keptInspections = (l: Layout, other: Map<string, Item>) => l.inspect.filter((i) => other.has(itemKey(i))).map((i) => i.name);
  const [keptA, keptB] = [keptInspections(la, byNameB), keptInspections(lb, byNameA)];
  // Inspections run in order in one working directory: one added or removed before a kept one can
  // change what that one sees, so only one after every kept inspection is judged.
  const lastOf = (l: Layout, item: Item, kept: string[]) => l.inspect.findIndex((i) => i.name === item.name) > Math.max(-1, ...kept.map((k) => l.inspect.findIndex((i) => i.name === k)));
  for (const item of [...la.steps, ...la.inspect]) {
    if (byNameB.has(itemKey(item))) continue;
    const line = lineOf(a, "old", item.name, "items");
    const undetermined = item._type === "inspection" && !lastOf(la, item, keptA);
    out.push({
      kind: "item-removed",
      subject: itemLabel(item),
      classification: undetermined ? "undetermined" : "weakens",
      reason: undetermined
        ? `removed: effect not determined (it ran before other inspections in the same working directory)`
        : `removed: its ${item._type === "step" ? "links and rules are" : "command and rules are"} no longer checked`,
      ...(line ? { line } : {}),
    });
  }
  const order = (other: Map<string, Item>, list: Item[]) => list.filter((i) => other.has(itemKey(i))).map((i) => i.name).join(", ");
  if (order(byNameB, la.steps) !== order(byNameA, lb.steps)) {
    out.push({
      kind: "items-reordered",
      subject: "layout",
      classification: "neutral",
      reason: `steps reordered (${order(byNameA, lb.steps)}): in-toto checks every step whatever the order`,
    });
  }
  if (keptA.join() !== keptB.join()) {
    out.push({
      kind: "items-reordered",
      subject: "layout",
      classification: "undetermined",
      reason: `inspections reordered (${keptB.join(", ")}): effect not determined (they run in order in one working directory)`,
    });
  }
  for (const item of [...lb.steps, ...lb.inspect]) {
    const old = byNameA.get(itemKey(item));
    const at = (key: string, table: "items" | "rules") => lineOf(b, "new", key, table);
    const withLine = (c: Change, line = at(item.name, "items")): Change => (line ? { ...c, line } : c);
    if (old === undefined) {
      const undetermined = item._type === "inspection" && !lastOf(lb, item, keptB);
      out.push(
        withLine({
          kind: "item-added",
          subject: itemLabel(item),
          classification: undetermined ? "undetermined" : "strengthens",
          reason: undetermined
            ? "added: effect not determined (it runs before other inspections in the same working directory)"
            : `added: ${item._type === "step" ? "its links are now required" : "its command must now succeed and its rules hold"}`,
        }),
      );
      continue;
    }
    // Target "ite-10": a step's own signers are its link predicate, judged with the other attestations.
    const attested = a.snap.attestations !== undefined && b.snap.attestations !== undefined;
    if (old._type === "step" && item._type === "step" && !attested) out.push(...stepChanges(old, item, a.snap, b.snap).map((c) => withLine(c)));
    if (old._type === "step" && item._type === "step" && JSON.stringify(old.expected_command) !== JSON.stringify(item.expected_command)) {
      out.push(
        withLine({
          kind: "command",
          subject: itemLabel(item),
          classification: "neutral",
          reason: `expected command ${commandText(old.expected_command)} → ${commandText(item.expected_command)}: in-toto only warns on a mismatch`,
        }),
      );
    }
    if (old._type === "inspection" && item._type === "inspection" && JSON.stringify(old.run) !== JSON.stringify(item.run)) {
      out.push(
        withLine({
          kind: "run",
          subject: itemLabel(item),
          classification: "undetermined",
          reason: `the verifier now runs ${commandText(item.run)} instead of ${commandText(old.run)}: effect not determined (review what it checks)`,
        }),
      );
    }
    for (const side of ["materials", "products"] as const) {
      const rules = (i: Item) => (side === "materials" ? i.expected_materials : i.expected_products);
      for (const c of diffRules(`${itemLabel(item)} ${side}`, item.name, side, { rules: rules(old), visible: visibleTo(la, old) }, { rules: rules(item), visible: visibleTo(lb, item) })) {
        // `rule N` counts in the old list for a removal, in the new one otherwise (docs/cli.md).
        const n = /rule (\d+)$/.exec(c.subject)?.[1];
        const rule = n === undefined ? undefined : `${item.name}/${side}/${Number(n) - 1}`;
        const line = c.kind === "rule-removed" && rule ? lineOf(a, "old", rule, "rules") : rule && at(rule, "rules");
        out.push(withLine(c, line || at(`${item.name}/${side}/0`, "rules") || at(item.name, "items")));
      }
    }
  }
  return out;
}

/** One change for a step whose keys, their order or its threshold changed, judged as a whole. */
function stepChanges(old: Step, step: Step, a: PolicySnapshot, b: PolicySnapshot): Change[] {
  const before = signersOf(a.layout, old.pubkeys, old.threshold);
  const after = signersOf(b.layout, step.pubkeys, step.threshold);
  if (before.threshold === after.threshold && before.keys.join("\n") === after.keys.join("\n")) return [];
  const label = (identity: string) => {
    const id = identity.startsWith("[") ? (JSON.parse(identity) as string[])[0]! : identity.split(" ")[0]!;
    return keyLabel(id, b, a);
  };
  const [setA, setB] = [new Set(before.keys), new Set(after.keys)];
  const idsA = new Set(old.pubkeys);
  const edits: { kind: Change["kind"]; text: string }[] = [];
  const idOf = (k: string, pubkeys: readonly string[], layout: Layout) => pubkeys.find((p) => keyIdentity(p, layout.keys[p]) === k)!;
  const idsB = new Set(step.pubkeys);
  const added = after.keys.filter((k) => !setA.has(k)).map((k) => idOf(k, step.pubkeys, b.layout));
  const removed = before.keys.filter((k) => !setB.has(k)).map((k) => idOf(k, old.pubkeys, a.layout)).filter((id) => !idsB.has(id));
  for (const id of added) {
    // The same functionary name on both sides with another key: a replaced key, said once.
    const name = b.names?.get(id);
    const was = removed.find((r) => name !== undefined && a.names?.get(r) === name);
    if (was !== undefined) {
      removed.splice(removed.indexOf(was), 1);
      edits.push({ kind: "key-replaced", text: `key of ${name} replaced ${was.slice(0, 8)} → ${id.slice(0, 8)}` });
    } else if (idsA.has(id)) edits.push({ kind: "key-changed", text: `the public key of ${keyLabel(id, b, a)} changed` });
    else edits.push({ kind: "functionary-added", text: `${keyLabel(id, b, a)} may now sign` });
  }
  for (const id of removed) edits.push({ kind: "functionary-removed", text: `${keyLabel(id, a, b)} may no longer sign` });
  const common = (keys: readonly string[], other: Set<string>) => keys.filter((k) => other.has(k)).join("\n");
  if (common(before.keys, setB) !== common(after.keys, setA)) edits.push({ kind: "functionaries-reordered", text: `keys reordered (${after.keys.map(label).join(", ")})` });
  if (before.threshold !== after.threshold) edits.push({ kind: "threshold", text: `threshold ${before.threshold} → ${after.threshold}` });
  const kinds = new Set(edits.map((e) => e.kind));
  const kind = kinds.size === 1 ? [...kinds][0]! : "signers";
  const effect = compareSigners(before, after);
  const chain = (w: SignerWitness) =>
    w.valid.length === 0 ? "a chain with no valid link" : `valid links by ${w.valid.map((k) => `${label(k)}${w.bad.includes(k) ? " (artifacts failing a rule)" : ""}`).join(" and ")}`;
  const j: Judgement = !effect.determined
    ? { undetermined: effect.why }
    : {
        ...(effect.weaker ? { weaker: `now accepts ${chain(effect.weaker)}` } : {}),
        ...(effect.stronger ? { stronger: `now rejects ${chain(effect.stronger)}` } : {}),
      };
  const what = `${edits.map((e) => e.text).join("; ")}`;
  return [{ kind, subject: itemLabel(step), classification: classify(j), reason: explain(what, j, "the same sets of links are accepted") }];
}

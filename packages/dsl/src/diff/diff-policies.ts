// `diffPolicies`: the semantic difference between two layouts (compiled policies or signed layouts),
// each change classified as weakening, strengthening or neutral. Works on the lowered model, so a
// formatting-only edit, a renamed constant or a rule set spliced differently yields no change.
import { canonicalString, type Inspection, type Layout, publicKeyToJson, type Step, type Target } from "@totem/engine";
import type { Change } from "./change.js";
import { diffRules } from "./rule-diff.js";

/** One side of a diff: a layout, plus what a policy knows beyond the payload. */
export interface PolicySnapshot {
  layout: Layout;
  /** The target, when known (a `.totem` file states it; a signed layout's is guessed). */
  target?: Target;
  /** Functionary names by keyid, when known (from a `.totem` file), for readable messages. */
  names?: ReadonlyMap<string, string>;
}

type Item = Step | Inspection;

function snapshot(input: Layout | PolicySnapshot): PolicySnapshot {
  return "layout" in input ? input : { layout: input };
}

/** How a key is shown: its functionary name on either side, else `key <keyid[:8]>`. */
function keyLabel(keyid: string, ...sides: PolicySnapshot[]): string {
  for (const side of sides) {
    const name = side.names?.get(keyid);
    if (name !== undefined) return `${name} (${keyid.slice(0, 8)})`;
  }
  return `key ${keyid.slice(0, 8)}`;
}

function itemLabel(item: Item): string {
  return `${item._type} ${item.name}`;
}

function commandText(argv: readonly string[]): string {
  return argv.length === 0 ? "(none)" : JSON.stringify(argv);
}

/** The semantic changes from `before` to `after`, layout-level first, then item by item. */
export function diffPolicies(before: Layout | PolicySnapshot, after: Layout | PolicySnapshot): Change[] {
  const a = snapshot(before);
  const b = snapshot(after);
  return [...layoutChanges(a, b), ...keyChanges(a, b), ...itemChanges(a, b)];
}

function layoutChanges(a: PolicySnapshot, b: PolicySnapshot): Change[] {
  const out: Change[] = [];
  if (a.target !== undefined && b.target !== undefined && a.target !== b.target) {
    out.push({
      kind: "target",
      subject: "layout",
      classification: "neutral",
      reason: `target ${a.target} → ${b.target}: keyids change scheme; functionaries' tools must match`,
    });
  }
  const [x, y] = [a.layout.expires, b.layout.expires];
  if (x !== y) {
    // Expiry bounds how long a leaked or retired key can still be used with this layout.
    const later = y > x;
    out.push({
      kind: "expires",
      subject: "layout",
      classification: later ? "weakens" : "strengthens",
      reason: `expiry ${later ? "extended" : "shortened"} ${x} → ${y}`,
    });
  }
  if (a.layout.readme !== b.layout.readme) out.push({ kind: "readme", subject: "layout", classification: "neutral", reason: "readme changed" });
  return out;
}

function usedKeys(layout: Layout): Set<string> {
  return new Set(layout.steps.flatMap((s) => s.pubkeys));
}

function keyChanges(a: PolicySnapshot, b: PolicySnapshot): Change[] {
  const out: Change[] = [];
  const usedA = usedKeys(a.layout);
  const usedB = usedKeys(b.layout);
  for (const id of Object.keys(b.layout.keys).sort()) {
    const old = a.layout.keys[id];
    const key = b.layout.keys[id]!;
    if (old === undefined) {
      if (!usedB.has(id)) out.push({ kind: "key-added", subject: keyLabel(id, b), classification: "neutral", reason: `${keyLabel(id, b)} declared; no step uses it` });
    } else if (canonicalString(publicKeyToJson(old)) !== canonicalString(publicKeyToJson(key))) {
      out.push({
        kind: "key-changed",
        subject: keyLabel(id, b, a),
        classification: "weakens",
        reason: `the key stored under keyid ${id.slice(0, 8)} changed its fields; links signed by a different key now verify`,
      });
    }
  }
  for (const id of Object.keys(a.layout.keys).sort()) {
    if (!(id in b.layout.keys) && !usedA.has(id)) {
      out.push({ kind: "key-removed", subject: keyLabel(id, a), classification: "neutral", reason: `${keyLabel(id, a)} removed; no step used it` });
    }
  }
  // A functionary (known by name on both sides) whose key changed.
  if (a.names !== undefined && b.names !== undefined) {
    const byNameA = new Map([...a.names].map(([id, n]) => [n, id]));
    for (const [id, name] of [...b.names].sort((x, y) => (x[1] < y[1] ? -1 : 1))) {
      const oldId = byNameA.get(name);
      if (oldId === undefined || oldId === id) continue;
      out.push({
        kind: "key-replaced",
        subject: `functionary ${name}`,
        classification: "weakens",
        reason: `key of ${name} replaced ${oldId.slice(0, 8)} → ${id.slice(0, 8)}: the new key may sign everything ${name} signs`,
      });
    }
  }
  return out;
}

function itemChanges(a: PolicySnapshot, b: PolicySnapshot): Change[] {
  const out: Change[] = [];
  const itemsA: Item[] = [...a.layout.steps, ...a.layout.inspect];
  const itemsB: Item[] = [...b.layout.steps, ...b.layout.inspect];
  const byNameA = new Map(itemsA.map((i) => [`${i._type}:${i.name}`, i]));
  const byNameB = new Map(itemsB.map((i) => [`${i._type}:${i.name}`, i]));
  for (const item of itemsA) {
    if (byNameB.has(`${item._type}:${item.name}`)) continue;
    out.push({
      kind: "item-removed",
      subject: itemLabel(item),
      classification: "weakens",
      reason: `removed: its ${item._type === "step" ? "links and rules are" : "command and rules are"} no longer checked`,
    });
  }
  const commonA = itemsA.filter((i) => byNameB.has(`${i._type}:${i.name}`)).map((i) => `${i._type}:${i.name}`);
  const commonB = itemsB.filter((i) => byNameA.has(`${i._type}:${i.name}`)).map((i) => `${i._type}:${i.name}`);
  if (commonA.join("\n") !== commonB.join("\n")) {
    out.push({
      kind: "items-reordered",
      subject: "layout",
      classification: "neutral",
      reason: `order of steps/inspections changed: ${commonB.map((k) => k.split(":")[1]).join(", ")}`,
    });
  }
  for (const item of itemsB) {
    const old = byNameA.get(`${item._type}:${item.name}`);
    if (old === undefined) {
      out.push({
        kind: "item-added",
        subject: itemLabel(item),
        classification: "strengthens",
        reason: `added: ${item._type === "step" ? "its links are now required" : "the verifier now runs it"}`,
      });
      continue;
    }
    if (old._type === "step" && item._type === "step") out.push(...stepChanges(old, item, a, b));
    if (old._type === "inspection" && item._type === "inspection" && JSON.stringify(old.run) !== JSON.stringify(item.run)) {
      out.push({
        kind: "run",
        subject: itemLabel(item),
        classification: "weakens",
        reason: `the verifier now runs ${commandText(item.run)} instead of ${commandText(old.run)}; review what it checks`,
      });
    }
    const label = itemLabel(item);
    out.push(...diffRules(`${label} materials`, old.expected_materials, item.expected_materials));
    out.push(...diffRules(`${label} products`, old.expected_products, item.expected_products));
  }
  return out;
}

function stepChanges(old: Step, step: Step, a: PolicySnapshot, b: PolicySnapshot): Change[] {
  const out: Change[] = [];
  const subject = itemLabel(step);
  const before = new Set(old.pubkeys);
  const after = new Set(step.pubkeys);
  const keyOf = (side: PolicySnapshot, name: string) => [...(side.names ?? [])].find(([, n]) => n === name)?.[0];
  // Covered by a key-replaced change: the same functionary name holds the other key on the other side.
  const renamedKey = (id: string) => {
    const name = b.names?.get(id) ?? a.names?.get(id);
    if (name === undefined) return false;
    const [idA, idB] = [keyOf(a, name), keyOf(b, name)];
    return idA !== undefined && idB !== undefined && idA !== idB && before.has(idA) && after.has(idB);
  };
  for (const id of after) {
    if (before.has(id) || renamedKey(id)) continue;
    out.push({ kind: "functionary-added", subject, classification: "weakens", reason: `${keyLabel(id, b, a)} may now sign ${step.name}` });
  }
  for (const id of before) {
    if (after.has(id) || renamedKey(id)) continue;
    out.push({ kind: "functionary-removed", subject, classification: "strengthens", reason: `${keyLabel(id, a, b)} may no longer sign ${step.name}` });
  }
  if (old.threshold !== step.threshold) {
    const lowered = step.threshold < old.threshold;
    out.push({
      kind: "threshold",
      subject,
      classification: lowered ? "weakens" : "strengthens",
      reason: `threshold of ${step.name} ${lowered ? "lowered" : "raised"} ${old.threshold} → ${step.threshold}`,
    });
  }
  if (JSON.stringify(old.expected_command) !== JSON.stringify(step.expected_command)) {
    out.push({
      kind: "command",
      subject,
      classification: "neutral",
      reason: `expected command ${commandText(old.expected_command)} → ${commandText(step.expected_command)} (in-toto only warns on a mismatch)`,
    });
  }
  return out;
}

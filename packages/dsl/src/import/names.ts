// Names for imported layouts: which in-toto names can be written as Totem names, and deterministic
// functionary names derived from keys. A layout holds only keyids; the importer has to invent the
// names reviewers read, so they must be stable (same layout → same policy text) and unambiguous.
import type { Layout } from "@totem/engine";

/** What the Totem lexer reads as one name (`[A-Za-z_][A-Za-z0-9_.-]*`, docs/language.md). */
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** True when `text` can be written as a Totem name (step, inspection, functionary). */
export function isTotemName(text: string): boolean {
  return NAME.test(text);
}

/** `key_` + the first 8 name-safe characters of the keyid (the link file prefix of SPEC-NOTES §3). */
function keyName(keyid: string, length: number): string {
  const safe = keyid.replace(/[^A-Za-z0-9_.-]/g, "_");
  return `key_${safe.slice(0, length)}`;
}

/**
 * Functionary names for every key of a layout, keyed by keyid. A key that is the only signer of
 * exactly one step is named `<step>_signer` (what a reviewer wants to read); any other key is
 * `key_<keyid[:8]>`, lengthened until unique. Deterministic: depends only on the layout.
 */
export function functionaryNames(layout: Layout): Map<string, string> {
  const uses = new Map<string, string[]>();
  const sole = new Map<string, string>();
  for (const step of layout.steps) {
    for (const keyid of new Set(step.pubkeys)) uses.set(keyid, [...(uses.get(keyid) ?? []), step.name]);
    const only = step.pubkeys[0];
    if (only !== undefined && step.pubkeys.every((k) => k === only)) sole.set(only, step.name);
  }
  const keyids = [...new Set([...orderOfUse(layout), ...Object.keys(layout.keys).sort()])];
  const taken = new Set<string>();
  const names = new Map<string, string>();
  // First pass: descriptive names, so that a `key_…` name never steals one.
  for (const keyid of keyids) {
    const steps = uses.get(keyid) ?? [];
    const step = sole.get(keyid);
    if (steps.length !== 1 || step === undefined || steps[0] !== step) continue;
    const name = `${step}_signer`;
    if (!isTotemName(name) || taken.has(name)) continue;
    names.set(keyid, name);
    taken.add(name);
  }
  for (const keyid of keyids) {
    if (names.has(keyid)) continue;
    let length = 8;
    let name = keyName(keyid, length);
    while (taken.has(name) && length < keyid.length) name = keyName(keyid, ++length);
    for (let n = 2; taken.has(name); n++) name = `${keyName(keyid, length)}_${n}`;
    names.set(keyid, name);
    taken.add(name);
  }
  return names;
}

/** Keyids in the order steps first mention them (the order functionaries are declared in). */
export function orderOfUse(layout: Layout): string[] {
  const seen = new Set<string>();
  for (const step of layout.steps) for (const keyid of step.pubkeys) seen.add(keyid);
  return [...seen];
}

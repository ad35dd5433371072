// The effect of a change to who signs a step: its keys (by keyid and public key material), their
// order, and its threshold. 1.3.1 (SPEC-NOTES §7) counts valid links from distinct keys against the
// threshold (stage 5), requires every valid link to agree when the threshold is above 1 (stage 8),
// and checks rules against the first valid link in `pubkeys` order (stage 9). So besides "who may
// sign", the order of keys matters at threshold 1, and a key added at threshold ≥ 2 can make a chain
// fail with a disagreeing link. We decide exactly over every set of valid links and every split of
// them into links whose artifacts pass the rules ("good") and links whose artifacts do not ("bad").
import type { Layout, PublicKey } from "@totem/engine";

/** One step's signer configuration: key identities in `pubkeys` order (duplicates dropped). */
export interface Signers {
  keys: readonly string[];
  threshold: number;
}

/** A chain that one configuration accepts and the other rejects: its valid links, some bad. */
export interface SignerWitness {
  valid: string[];
  bad: string[];
}

/** Witnesses for "the new configuration accepts more" (weaker) and "accepts less" (stronger). */
export type SignerEffect = { determined: true; weaker?: SignerWitness; stronger?: SignerWitness } | { determined: false; why: string };

const MAX_KEYS = 8;

/** A key's identity for the comparison: keyid and public material (not the JSON shape of its object). */
export function keyIdentity(keyid: string, key: PublicKey | undefined): string {
  if (key === undefined) return `${keyid} (undeclared)`;
  return JSON.stringify([keyid, key.keytype, key.scheme, key.keyval.public]);
}

/** A step's signers in `layout`, each key as `keyIdentity`. */
export function signersOf(layout: Layout, pubkeys: readonly string[], threshold: number): Signers {
  return { keys: [...new Set(pubkeys)].map((id) => keyIdentity(id, layout.keys[id])), threshold };
}

function accepts(config: Signers, valid: ReadonlySet<string>, bad: ReadonlySet<string>): boolean {
  const links = config.keys.filter((k) => valid.has(k));
  if (links.length < config.threshold) return false;
  if (links.length === 0) return true; // threshold 0: no link, no rules to check
  if (config.threshold >= 2 && links.some((k) => bad.has(k) !== bad.has(links[0]!))) return false;
  return !bad.has(links[0]!);
}

/** Compares two signer configurations of one step. */
export function compareSigners(before: Signers, after: Signers): SignerEffect {
  const universe = [...new Set([...before.keys, ...after.keys])];
  if (universe.length > MAX_KEYS) return { determined: false, why: `more than ${MAX_KEYS} keys to combine` };
  let weaker: SignerWitness | undefined;
  let stronger: SignerWitness | undefined;
  const n = universe.length;
  // Fewest links first, so a witness is the simplest chain.
  const masks = Array.from({ length: 1 << n }, (_, m) => m).sort((a, b) => popcount(a) - popcount(b) || a - b);
  for (const v of masks) {
    for (let b = 0; b < 1 << n; b++) {
      if ((b & v) !== b) continue;
      const valid = new Set(universe.filter((_, i) => v & (1 << i)));
      const bad = new Set(universe.filter((_, i) => b & (1 << i)));
      const [x, y] = [accepts(before, valid, bad), accepts(after, valid, bad)];
      if (!x && y && weaker === undefined) weaker = { valid: [...valid], bad: [...bad] };
      if (x && !y && stronger === undefined) stronger = { valid: [...valid], bad: [...bad] };
    }
  }
  return { determined: true, weaker, stronger };
}

function popcount(m: number): number {
  let c = 0;
  for (let x = m; x; x &= x - 1) c++;
  return c;
}

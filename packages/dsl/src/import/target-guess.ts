// Which target a foreign layout was made for, guessed from how its keyids were computed
// (SPEC-NOTES §4.3: 1.3.1 hashes a constant keyid_hash_algorithms, modern tools do not).
import { type EnvelopeKind, keyidFor, type Layout, type PublicKey, type Target } from "@totem/engine";

/** A guessed target with the one-line reason the importer writes into the policy. */
export interface TargetGuess {
  target: Target;
  reason: string;
}

/** The keyid `key` gets under `target`, or undefined when the engine cannot compute one. */
export function computedKeyid(key: PublicKey, target: Target): string | undefined {
  try {
    return keyidFor(key, target);
  } catch {
    return undefined;
  }
}

/** Whether the layout has any of in-toto-golang's X.509 fields. */
export function hasGolangFields(layout: Layout): boolean {
  return layout.rootcas !== undefined || layout.intermediatecas !== undefined || layout.steps.some((s) => s.cert_constraints !== undefined);
}

/**
 * Counts the keys whose keyid is the 1.3 keyid and those whose keyid is the modern one; the larger
 * count wins, ties go to in-toto-1.3 unless no key carries keyid_hash_algorithms (a modern habit).
 * 1.3 keyids in a DSSE envelope, or beside in-toto-golang's X.509 fields, are in-toto-golang's
 * (and the layout API of in-toto ≥2 Python's): in-toto 1.3.1 reads neither.
 */
export function guessTarget(layout: Layout, envelope?: EnvelopeKind): TargetGuess {
  const guess = guessKeyids(layout);
  if (guess.target !== "in-toto-1.3") return guess;
  const golang = hasGolangFields(layout);
  if (envelope !== "dsse" && !golang) return guess;
  const why = golang ? "the layout has in-toto-golang's X.509 fields" : "the envelope is DSSE";
  return { target: "in-toto-golang", reason: `${guess.reason} and ${why}, which in-toto 1.3.1 cannot read` };
}

function guessKeyids(layout: Layout): TargetGuess {
  // A GPG key's keyid is its fingerprint under every target: it tells nothing.
  const entries = Object.entries(layout.keys).filter(([, k]) => !k.gpg);
  if (entries.length === 0 && Object.keys(layout.keys).length > 0) {
    return { target: "in-toto-1.3", reason: "the layout's keys are all GPG keys (keyids are fingerprints under every target); in-toto-1.3 is the default target" };
  }
  if (entries.length === 0) return { target: "in-toto-1.3", reason: "the layout has no keys; in-toto-1.3 is the default target" };
  let old = 0;
  let modern = 0;
  for (const [id, key] of entries) {
    if (computedKeyid(key, "in-toto-1.3") === id) old++;
    if (computedKeyid(key, "in-toto") === id) modern++;
  }
  const total = entries.length;
  const withAlgorithms = entries.filter(([, k]) => k.keyid_hash_algorithms !== undefined).length;
  const target: Target = modern > old || (modern === old && withAlgorithms === 0) ? "in-toto" : "in-toto-1.3";
  const count = target === "in-toto" ? modern : old;
  const scheme = target === "in-toto" ? "modern (in-toto ≥2, in-toto-golang)" : "in-toto 1.3";
  return { target, reason: `${count} of ${total} keyids are computed the ${scheme} way` };
}

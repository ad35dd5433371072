// The shape of a semantic policy change, shared by the differ and its renderers (json is documented
// in docs/cli.md, "totem diff": keep field names stable).

/**
 * What a change does to the set of supply chains the layout accepts (docs/cli.md, "totem diff"):
 * `weakens` when the new layout accepts a chain the old one rejects, `strengthens` in the reverse
 * case, `mixed` when both happen, `neutral` when the accepted set is unchanged, `undetermined` when
 * Totem cannot decide it exactly (treated as weakening by `--fail-on-weaken`).
 */
export type Classification = "weakens" | "strengthens" | "mixed" | "neutral" | "undetermined";

/** The classifications, in the order summaries list them. */
export const CLASSIFICATIONS = ["weakens", "mixed", "undetermined", "strengthens", "neutral"] as const satisfies readonly Classification[];

/** Whether `--fail-on-weaken` fails on a change of this classification. */
export function mayWeaken(c: Classification): boolean {
  return c === "weakens" || c === "mixed" || c === "undetermined";
}

/** Every kind of change the differ reports, in the order the docs list them. */
export const CHANGE_KINDS = [
  "target",
  "expires",
  "readme",
  "key-added",
  "key-removed",
  "key-changed",
  "key-replaced",
  "item-added",
  "item-removed",
  "items-reordered",
  "functionary-added",
  "functionary-removed",
  "functionaries-reordered",
  "threshold",
  "signers",
  "command",
  "run",
  "rule-added",
  "rule-removed",
  "rule-changed",
  "rules-reordered",
  "identity-changed",
  "attestation-added",
  "attestation-removed",
  "check-added",
  "check-removed",
  "check-changed",
] as const;

/** One of CHANGE_KINDS. */
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** One semantic change between two policies. */
export interface Change {
  kind: ChangeKind;
  /** What changed: `layout`, `key 776a00e2`, `functionary bob`, `step build`, `step build materials`. */
  subject: string;
  classification: Classification;
  /** One line for a reviewer, e.g. "threshold 2 → 1: now accepts …". */
  reason: string;
  /** Where it is in a policy (1-based line), when that side is a `.totem` file: new side, or old for removals. */
  line?: { side: "old" | "new"; line: number };
}

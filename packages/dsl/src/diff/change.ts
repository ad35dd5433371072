// The shape of a semantic policy change, shared by the differ and its renderers (json is documented
// in docs/cli.md, "totem diff": keep field names stable).

/** What a change does to the supply chain's guarantees. */
export type Classification = "weakens" | "strengthens" | "neutral";

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
  "threshold",
  "command",
  "run",
  "rule-added",
  "rule-removed",
  "rule-changed",
  "rules-reordered",
] as const;

/** One of CHANGE_KINDS. */
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** One semantic change between two policies. */
export interface Change {
  kind: ChangeKind;
  /** What changed: `layout`, `key 776a00e2`, `functionary bob`, `step build`, `step build materials`. */
  subject: string;
  classification: Classification;
  /** One line for a reviewer, e.g. "threshold of build lowered 2 → 1". */
  reason: string;
}

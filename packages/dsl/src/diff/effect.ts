// Turning "is there a chain the new layout accepts and the old one rejects, and the reverse" into a
// classification and one true sentence for the reviewer (docs/cli.md, "totem diff").
import type { Classification } from "./change.js";

/** What a comparison found: a sentence per direction that has a witness, or why it could not tell. */
export type Judgement = { weaker?: string; stronger?: string } | { undetermined: string };

/** weaker only → weakens, stronger only → strengthens, both → mixed, neither → neutral. */
export function classify(j: Judgement): Classification {
  if ("undetermined" in j) return "undetermined";
  if (j.weaker !== undefined) return j.stronger !== undefined ? "mixed" : "weakens";
  return j.stronger !== undefined ? "strengthens" : "neutral";
}

/** `what: effect`, with the neutral sentence used when neither direction has a witness. */
export function explain(what: string, j: Judgement, neutral: string): string {
  if ("undetermined" in j) return `${what}: effect not determined (${j.undetermined})`;
  const parts = [j.weaker, j.stronger].filter((p): p is string => p !== undefined);
  return `${what}: ${parts.length > 0 ? parts.join("; ") : neutral}`;
}

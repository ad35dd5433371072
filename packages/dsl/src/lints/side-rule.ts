// Shared walk for the two lints about rules that only mean something on one side.
import type { ArtifactSide } from "@totem/engine";
import type { CheckContext } from "../checks/context.js";
import type { Diagnostic, Span } from "../diagnostic.js";

/** Reports, once per site, every rule of `kind` in `side` lists. */
export function reportOnSide(ctx: CheckContext, kind: "create" | "delete", side: ArtifactSide, make: (site: Span) => Diagnostic): void {
  for (const entry of ctx.itemRules) {
    if (entry.side !== side) continue;
    const seen = new Set<number>();
    for (const r of entry.rules) {
      if (r.rule.kind !== kind || seen.has(r.site.start)) continue;
      seen.add(r.site.start);
      ctx.report(make(r.site));
    }
  }
}

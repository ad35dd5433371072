// Who may perform a step: at least one functionary, and a threshold between 1 and the number of
// distinct functionaries. in-toto counts valid links from distinct keys against the threshold
// (SPEC-NOTES §7, step 5), so a larger threshold can never be met.
import { diagnostic } from "../codes.js";
import type { CheckContext } from "./context.js";

/** Reports steps without functionaries and thresholds outside 1…(distinct functionaries). */
export function checkFunctionaries(ctx: CheckContext): void {
  for (const step of ctx.layout?.steps ?? []) {
    const distinct = new Set(step.by.map((b) => b.text).filter((t) => t !== "")).size;
    if (distinct === 0) {
      ctx.report(
        diagnostic("step-without-functionary", step.name.span, `Step "${step.name.text}" has no functionary, so no link can ever satisfy it: add \`by NAME\`.`),
      );
    }
    const t = step.threshold;
    if (t === undefined) continue;
    const wanted = t.value < 1 ? 1 : distinct;
    if (t.value >= 1 && (distinct === 0 || t.value <= distinct)) continue;
    const why =
      t.value < 1
        ? `A threshold of ${t.value} would accept a step nobody performed: use at least 1.`
        : `Step "${step.name.text}" needs ${t.value} links but has only ${distinct} functionar${distinct === 1 ? "y" : "ies"}: lower the threshold or add functionaries to \`by\`.`;
    ctx.report(
      diagnostic("threshold-out-of-range", t.span, why, {
        fix: { title: `Set the threshold to ${wanted}`, edits: [{ span: t.span, newText: String(wanted) }] },
      }),
    );
  }
}

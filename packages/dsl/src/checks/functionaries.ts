// Who may perform a step: at least one functionary, and a threshold between 1 and the number of
// distinct functionaries. in-toto counts valid links from distinct keys against the threshold
// (SPEC-NOTES §7, step 5), so a larger threshold can never be met. An attestation block's `by` and
// `threshold` (target ite-10) count distinct functionaries' claims the same way.
import type { Name, StepDecl } from "../ast.js";
import { diagnostic } from "../codes.js";
import type { CheckContext } from "./context.js";

/** The distinct functionaries named in a `by` clause. */
export function distinctSigners(by: readonly Name[]): number {
  return new Set(by.map((b) => b.text).filter((t) => t !== "")).size;
}

/** Reports a threshold outside 1…(distinct functionaries) of a step or an attestation (`what`: "Step \"x\""). */
export function checkThreshold(ctx: CheckContext, signers: Pick<StepDecl, "by" | "threshold">, what: string, evidence: string): void {
  const t = signers.threshold;
  if (t === undefined) return;
  const distinct = distinctSigners(signers.by);
  const wanted = t.value < 1 ? 1 : distinct;
  if (t.value >= 1 && (distinct === 0 || t.value <= distinct)) return;
  const why =
    t.value < 1
      ? `A threshold of ${t.value} would accept a step nobody performed: use at least 1.`
      : `${what} needs ${t.value} ${evidence} but has only ${distinct} functionar${distinct === 1 ? "y" : "ies"}: lower the threshold or add functionaries to \`by\`.`;
  ctx.report(
    diagnostic("threshold-out-of-range", t.span, why, {
      fix: { title: `Set the threshold to ${wanted}`, edits: [{ span: t.span, newText: String(wanted) }] },
    }),
  );
}

/** Reports steps without functionaries (or attestation blocks) and thresholds outside 1…(distinct functionaries). */
export function checkFunctionaries(ctx: CheckContext): void {
  for (const step of ctx.layout?.steps ?? []) {
    // A step proven by attestation blocks only (target ite-10) needs no `by` of its own.
    const attested = (step.attestations ?? []).length > 0;
    if (distinctSigners(step.by) === 0 && !attested) {
      ctx.report(
        diagnostic("step-without-functionary", step.name.span, `Step "${step.name.text}" has no functionary, so no link can ever satisfy it: add \`by NAME\`.`),
      );
    }
    // Without a `by` of its own, a step's threshold would count no link and be dropped: the author meant a block's.
    if (attested && step.bySpan === undefined && step.threshold !== undefined) {
      const message = `Step "${step.name.text}" has no \`by\` of its own, so its threshold counts no link and would be dropped: move \`threshold ${step.threshold.value}\` into the attestation block it is meant for.`;
      ctx.report(diagnostic("threshold-out-of-range", step.threshold.span, message));
    }
    checkThreshold(ctx, step, `Step "${step.name.text}"`, "links");
  }
}

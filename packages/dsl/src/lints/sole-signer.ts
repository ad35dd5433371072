// Separation of duties: when one functionary may sign every step of a layout with two or more
// steps, one stolen key (or one insider) can produce the whole chain of links alone, and the
// layout's structure adds nothing over a single signature. Reported once, at the first such functionary.
import type { StepDecl } from "../ast.js";
import type { CheckContext, Lint } from "../checks/context.js";
import { diagnostic } from "../codes.js";

const MAX_LISTED = 3;

/** Reports a functionary that can sign every step alone: named in each `by`, no step needing two signatures. */
function run(ctx: CheckContext): void {
  const steps = (ctx.layout?.steps ?? []).filter((s) => s.name.text !== "");
  const names = [...new Set(steps.map((s) => s.name.text))];
  if (names.length < 2) return;
  for (const f of ctx.layout?.functionaries ?? []) {
    const name = f.name.text;
    // Each expectation of a step — its own `by`, and every attestation block (target ite-10) — must be met.
    const signs = (e: Pick<StepDecl, "by" | "threshold">) => (e.threshold?.value ?? 1) <= 1 && e.by.some((b) => b.text === name);
    const alone = (s: StepDecl) => (s.bySpan === undefined || signs(s)) && (s.bySpan !== undefined || (s.attestations ?? []).length > 0) && (s.attestations ?? []).every(signs);
    if (name === "" || !steps.every(alone)) continue;
    const listed = names.length <= MAX_LISTED ? names.join(", ") : `${names.slice(0, MAX_LISTED).join(", ")} and ${names.length - MAX_LISTED} more`;
    ctx.report(
      diagnostic(
        "sole-signer",
        f.name.span,
        `Functionary "${name}" may sign every step (${listed}), so one key can produce the whole chain: give the steps different functionaries, or require a threshold of two on one of them.`,
      ),
    );
    return;
  }
}

export const lintSoleSigner: Lint = { code: "sole-signer", run };

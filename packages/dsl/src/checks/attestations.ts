// Attestations and keyless signers (target "ite-10", docs/attestations.md): where they may be written,
// what a sigstore functionary must say, and what each attestation block of a step expects — its
// functionaries and threshold, one block per predicate type, and `check` rules that parse as CEL
// (parse errors at their place inside the string). Constructs an attestation layout cannot hold
// (inspections, in-toto-golang's certificate fields, readme) are errors in target "ite-10".
import { checkRuleFields, identityPatternProblem, predicateType } from "@totem/engine";
import type { AttestationBlock, FunctionaryDecl, LayoutDecl, StepDecl, StringExpr } from "../ast.js";
import { ITE10, LINK_PREDICATE, targetsIte10 } from "../attest/target.js";
import { diagnostic } from "../codes.js";
import type { Fix, Span } from "../diagnostic.js";
import { didYouMean } from "../did-you-mean.js";
import { imageOffset } from "../string-literal.js";
import type { CheckContext } from "./context.js";
import { checkThreshold } from "./functionaries.js";

/** Sets the layout's target to "ite-10": replaces the written one, or adds one after `{`. */
function targetFix(ctx: CheckContext, layout: LayoutDecl): Fix | undefined {
  const title = `Compile for target "${ITE10}"`;
  if (layout.target !== undefined) return { title, edits: [{ span: layout.target.span, newText: `"${ITE10}"` }] };
  const open = ctx.text.indexOf("{", layout.span.start);
  if (open === -1 || open >= layout.span.end) return undefined;
  return { title, edits: [{ span: { start: open + 1, end: open + 1 }, newText: `\n  target "${ITE10}"` }] };
}

function reportTarget(ctx: CheckContext, layout: LayoutDecl, span: Span, what: string): void {
  const fix = targetFix(ctx, layout);
  const written = layout.target === undefined ? "no target (in-toto-1.3)" : `target "${layout.target.value}"`;
  ctx.report(
    diagnostic(
      "attestation-target",
      span,
      `${what} exists only in attestation layouts, but this policy has ${written}: write \`target "${ITE10}"\` to compile an ITE-10 layout (in-toto/attestation-verifier's format), or use key functionaries and \`by\`.`,
      fix === undefined ? {} : { fix },
    ),
  );
}

function checkSigstore(ctx: CheckContext, f: FunctionaryDecl): void {
  const block = f.sigstore;
  if (block === undefined) return;
  const seen = new Map<string, Span>();
  for (const item of block.items) {
    const first = seen.get(item.kind);
    if (first !== undefined) {
      ctx.report(diagnostic("sigstore-identity", item.span, `Functionary "${f.name.text}" already has an ${item.kind}; remove one of them.`));
      continue;
    }
    seen.set(item.kind, item.span);
    const value = ctx.value(item.value);
    if (value === "") ctx.report(diagnostic("sigstore-identity", item.span, `An empty ${item.kind} matches no certificate: write the value Fulcio puts in it.`));
    if (item.kind !== "identity-pattern" || value === undefined || item.value === undefined) continue;
    const problem = identityPatternProblem(value);
    if (problem !== undefined) {
      ctx.report(diagnostic("identity-pattern", item.value.span, `identity-pattern ${JSON.stringify(value)}: ${problem}; keep the part that names who issues the identity literal, and use * only after it.`));
    }
  }
  const identity = seen.get("identity");
  const pattern = seen.get("identity-pattern");
  if (!seen.has("issuer")) {
    ctx.report(
      diagnostic("sigstore-identity", f.name.span, `Functionary "${f.name.text}" has no issuer: add \`issuer "…"\`, the OIDC issuer Fulcio certified (e.g. "https://token.actions.githubusercontent.com").`),
    );
  }
  if (identity === undefined && pattern === undefined) {
    ctx.report(
      diagnostic("sigstore-identity", f.name.span, `Functionary "${f.name.text}" has no identity: add \`identity "…"\` (the certificate's subject, exact) or \`identity-pattern "…"\`.`),
    );
  } else if (identity !== undefined && pattern !== undefined) {
    ctx.report(
      diagnostic("sigstore-identity", identity.start > pattern.start ? identity : pattern, `Functionary "${f.name.text}" has both identity and identity-pattern: keep one of them.`),
    );
  }
}

/** The offset in the source of offset `at` of a string literal's decoded value. */
function sourceOffset(text: string, literal: Span, at: number): number {
  return literal.start + imageOffset(text.slice(literal.start, literal.end), at);
}

/** The span of `length` characters at `offset` in a check's text: inside the string literal, else the whole expression (a constant). */
function spanInRule(ctx: CheckContext, rule: StringExpr, offset: number, length: number): Span {
  if (rule.kind !== "string") return rule.span;
  const start = sourceOffset(ctx.text, rule.span, offset);
  const end = length === 0 ? start : sourceOffset(ctx.text, rule.span, offset + length);
  return { start, end: Math.max(Math.min(end, rule.span.end - 1), Math.min(start + 1, Math.max(start, rule.span.end - 1))) };
}

/** Checks a rule's CEL syntax; true when it parses (or no parser was given). */
function checkCel(ctx: CheckContext, rule: StringExpr | undefined): boolean {
  const text = ctx.value(rule);
  if (rule === undefined || text === undefined) return false;
  if (text.trim() === "") {
    ctx.report(diagnostic("invalid-cel", rule.span, "An empty check tests nothing: write a CEL expression over predicate, subject or predicateType."));
    return false;
  }
  const problem = ctx.celSyntax?.(text);
  if (problem === undefined) return true;
  ctx.report(diagnostic("invalid-cel", spanInRule(ctx, rule, problem.offset, 0), `This check is not CEL: ${problem.message}.`));
  return false;
}

/** `predicate.…` paths of a parsing rule that the known schema of the block's predicate type lacks (the engine's checkRuleFields). */
function checkFields(ctx: CheckContext, rule: StringExpr, type: string): void {
  const text = ctx.value(rule);
  const known = predicateType(type);
  if (text === undefined || known === undefined) return;
  const unknown = checkRuleFields(text, type);
  if (!unknown.ok) return;
  for (const u of unknown.value) {
    const name = text.slice(u.offset, u.offset + u.length);
    const like = didYouMean(name, u.known)[0];
    const hint = like === undefined ? ` It has ${u.known.map((k) => `"${k}"`).join(", ")}.` : ` Did you mean "${like}"?`;
    const message = `${u.path}: the ${known.title} predicate (${type}) has no field "${name}" there, so this check reads a missing field.${hint}`;
    ctx.report(diagnostic("unknown-predicate-field", spanInRule(ctx, rule, u.offset, u.length), message));
  }
}

function checkBlock(ctx: CheckContext, step: StepDecl, block: AttestationBlock): void {
  const type = ctx.value(block.predicateType) ?? "";
  if (block.predicateType !== undefined && ctx.value(block.predicateType) === "") {
    ctx.report(diagnostic("empty-predicate-type", block.predicateType.span, "An empty predicate type matches no claim: write the predicate type's URI, e.g. \"https://slsa.dev/provenance/v1\"."));
  }
  if ((block.by.length === 0 || block.by.every((b) => b.text === "")) && block.bySpan === undefined) {
    ctx.report(
      diagnostic(
        "attestation-without-functionary",
        block.keywordSpan,
        `No functionary may make the ${type === "" ? "" : `${type} `}attestation of step "${step.name.text}": add \`by NAME\` inside the block.`,
      ),
    );
  }
  checkThreshold(ctx, block, `The ${type} attestation of step "${step.name.text}"`, "claims");
  for (const c of block.checks) if (checkCel(ctx, c.rule) && c.rule !== undefined) checkFields(ctx, c.rule, type);
}

/** One attestation block per predicate type in a step; the step's own `by` expects the link predicate. */
function checkPredicateTypes(ctx: CheckContext, step: StepDecl): void {
  const seen = new Map<string, Span>();
  if (step.bySpan !== undefined) seen.set(LINK_PREDICATE, step.bySpan);
  for (const block of step.attestations ?? []) {
    const type = ctx.value(block.predicateType);
    if (type === undefined || block.predicateType === undefined) continue;
    const first = seen.get(type);
    if (first === undefined) {
      seen.set(type, block.predicateType.span);
      continue;
    }
    const byStep = type === LINK_PREDICATE && first === step.bySpan;
    ctx.report(
      diagnostic(
        "duplicate-predicate-type",
        block.predicateType.span,
        byStep
          ? `Step "${step.name.text}" already expects a link (${LINK_PREDICATE}) through its own \`by\`: move \`by\` into this block, or remove the block.`
          : `Step "${step.name.text}" already expects ${type}: merge the two blocks into one.`,
        { related: [{ span: first, message: "first expected here" }] },
      ),
    );
  }
}

/** Constructs an ITE-10 layout cannot hold (attestation-verifier has no field for them). */
function checkUnsupported(ctx: CheckContext, layout: LayoutDecl): void {
  const report = (span: Span, what: string, fix: string): void =>
    ctx.report(diagnostic("ite-10-unsupported", span, `${what} has no place in an ITE-10 attestation layout: ${fix}.`));
  if (layout.readme !== undefined) report(layout.readme.span, "A readme", "remove it, or keep it as a comment");
  for (const block of [layout.rootCas, layout.intermediateCas]) if (block !== undefined) report(block.keywordSpan, `\`${block.kind}\``, "remove it (X.509 fields are in-toto-golang's)");
  for (const inspection of layout.inspections) {
    report(inspection.name.span, `Inspection "${inspection.name.text}"`, "remove it (attestation-verifier does not run inspections), or use another target");
  }
  for (const step of layout.steps) {
    if (step.certConstraints !== undefined) report(step.certConstraints.keywordSpan, "`cert-constraints`", "remove it (X.509 fields are in-toto-golang's)");
  }
  // attestation-verifier writes a rule as one string of space-separated words.
  for (const { rule } of ctx.itemRules.flatMap((entry) => entry.rules)) {
    for (const part of [rule.pattern, ...(rule.kind === "match" ? [rule.sourcePrefix, rule.destinationPrefix] : [])]) {
      if (part !== undefined && ctx.value(part)?.includes(" ")) report(part.span, "A pattern or prefix with a space", "an attestation layout writes each rule as words separated by spaces; match the space with * instead");
    }
  }
}

/** Reports misplaced or malformed sigstore functionaries and attestation blocks. */
export function checkAttestations(ctx: CheckContext): void {
  const layout = ctx.layout;
  if (layout === undefined) return;
  const ite10 = targetsIte10(layout);
  for (const f of layout.functionaries) {
    if (f.sigstore !== undefined && !ite10) reportTarget(ctx, layout, f.sigstore.keywordSpan, "A sigstore functionary");
    checkSigstore(ctx, f);
  }
  for (const step of layout.steps) {
    for (const block of step.attestations ?? []) {
      if (!ite10) reportTarget(ctx, layout, block.keywordSpan, "An attestation block");
      checkBlock(ctx, step, block);
    }
    checkPredicateTypes(ctx, step);
  }
  if (ite10) checkUnsupported(ctx, layout);
}

// in-toto-golang's X.509 fields: `root-cas`, `intermediate-cas` (layout) and `cert-constraints`
// (step). Only in-toto-golang signs them; in-toto 1.3.1 and modern Python in-toto drop them before
// checking a signature (SPEC-NOTES §1.1), so they belong to target "in-toto-golang" alone. Totem
// carries them byte for byte but, like in-toto 1.3.1, does not verify X.509 functionaries.
import type { CaBlock, CertConstraintDecl, KeyField } from "../ast.js";
import type { Span } from "../diagnostic.js";
import { diagnostic } from "../codes.js";
import type { CheckContext } from "./context.js";
import { checkKey } from "./inline-key.js";

/** The fields of a `constraint { … }` and the in-toto-golang JSON field each becomes. */
export const CONSTRAINT_FIELDS: Record<string, { json: string; shape: "string" | "list" }> = {
  "common-name": { json: "common_name", shape: "string" },
  "dns-names": { json: "dns_names", shape: "list" },
  emails: { json: "emails", shape: "list" },
  organizations: { json: "organizations", shape: "list" },
  roots: { json: "roots", shape: "list" },
  uris: { json: "uris", shape: "list" },
};

function report(ctx: CheckContext, span: Span, message: string): void {
  ctx.report(diagnostic("invalid-golang-field", span, message));
}

function checkCas(ctx: CheckContext, block: CaBlock, seen: Map<string, Span>): void {
  for (const entry of block.entries) {
    const name = entry.name.text;
    if (name !== "" && seen.has(name)) report(ctx, entry.name.span, `Certificate authority "${name}" is already declared: rename one of them.`);
    else if (name !== "") seen.set(name, entry.name.span);
    const key = entry.key;
    if (key?.kind === "file") {
      report(ctx, key.span, `Write certificate authority "${name}" inline, with its \`certificate\`: key files hold public keys, not certificates.`);
    } else if (key !== undefined) checkKey(ctx, `certificate authority "${name}"`, key);
  }
}

function checkFields(ctx: CheckContext, fields: KeyField[]): void {
  const seen = new Set<string>();
  for (const field of fields) {
    const f = field.name.text;
    if (f === "") continue;
    const spec = CONSTRAINT_FIELDS[f];
    if (spec === undefined) {
      report(ctx, field.name.span, `Unknown constraint field "${f}": a constraint has ${Object.keys(CONSTRAINT_FIELDS).join(", ")}.`);
    } else if (seen.has(f)) {
      report(ctx, field.name.span, `Constraint field "${f}" is given twice: remove one.`);
    } else if (field.value !== undefined && (field.value.kind === "list") !== (spec.shape === "list")) {
      report(ctx, field.value.span, `Constraint field "${f}" takes ${spec.shape === "list" ? 'a list such as ["example"] (or [] for none)' : "a string"}.`);
    }
    seen.add(f);
  }
}

function checkConstraint(ctx: CheckContext, c: CertConstraintDecl): void {
  if (c.keyword.text !== "constraint" && c.keyword.text !== "") {
    report(ctx, c.keyword.span, `A cert-constraints block holds \`constraint { … }\` entries, not "${c.keyword.text}".`);
  }
  checkFields(ctx, c.fields);
}

/** Reports in-toto-golang fields outside target in-toto-golang, and malformed ones. */
export function checkGolangFields(ctx: CheckContext): void {
  const layout = ctx.layout;
  if (layout === undefined) return;
  const golang = layout.target?.value === "in-toto-golang";
  const uses: [Span, string][] = [];
  const seen = new Map<string, Span>();
  for (const block of [layout.rootCas, layout.intermediateCas]) {
    if (block === undefined) continue;
    uses.push([block.keywordSpan, block.kind]);
    checkCas(ctx, block, seen);
  }
  for (const step of layout.steps) {
    const block = step.certConstraints;
    if (block === undefined) continue;
    uses.push([block.keywordSpan, "cert-constraints"]);
    for (const c of block.constraints) checkConstraint(ctx, c);
  }
  if (golang) return;
  for (const [span, word] of uses) {
    report(
      ctx,
      span,
      `\`${word}\` is signed only by in-toto-golang: write \`target "in-toto-golang"\` (in-toto 1.3.1 and modern in-toto drop it before checking signatures).`,
    );
  }
}

// `dsse-payload "FORM"`: the text form of a DSSE layout's payload. Only the forms the engine writes
// exist (DSSE_PAYLOAD_FORMS), and only targets that write DSSE envelopes can use one: in-toto 1.3.1
// reads Metablock layouts only.
import { DSSE_PAYLOAD_FORMS, type DssePayloadForm } from "@totem/engine";
import type { LayoutDecl } from "../ast.js";
import { diagnostic } from "../codes.js";
import type { CheckContext } from "./context.js";

const DSSE_TARGETS = ["in-toto", "in-toto-golang"];

/** The layout's DSSE payload form when it names one that exists (compile's `dsseBody` form). */
export function dssePayloadForm(layout: LayoutDecl | undefined): DssePayloadForm | undefined {
  const value = layout?.dssePayload?.value;
  return (DSSE_PAYLOAD_FORMS as readonly string[]).includes(value ?? "") ? (value as DssePayloadForm) : undefined;
}

/** Reports an unknown form, or a form in a layout whose target writes no DSSE envelope. */
export function checkDssePayload(ctx: CheckContext): void {
  const clause = ctx.layout?.dssePayload;
  if (clause === undefined) return;
  if (!(DSSE_PAYLOAD_FORMS as readonly string[]).includes(clause.value)) {
    const forms = DSSE_PAYLOAD_FORMS.map((f) => `"${f}"`).join(" or ");
    ctx.report(diagnostic("invalid-dsse-payload", clause.span, `Unknown DSSE payload form "${clause.value}": write ${forms}.`));
    return;
  }
  const target = ctx.layout?.target?.value;
  if (target === undefined || !DSSE_TARGETS.includes(target)) {
    ctx.report(
      diagnostic(
        "invalid-dsse-payload",
        clause.span,
        `dsse-payload needs target "in-toto" or "in-toto-golang": ${target === undefined ? "the default target in-toto-1.3" : `target "${target}"`} writes no DSSE envelope.`,
      ),
    );
  }
}

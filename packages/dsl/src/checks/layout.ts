// Checks on the layout as a whole: it exists, it expires on a valid date, its target is known, its
// step and inspection names can be link file names, and every inspection has a command to run.
import { TARGETS } from "@totem/engine";
import { ITE10 } from "../attest/target.js";
import { checkDssePayload } from "./dsse-payload.js";
import { diagnostic } from "../codes.js";
import type { CheckContext } from "./context.js";
import { parseExpiry } from "./expiry-date.js";

/** `<name>.<keyid8>.link` must fit the usual 255-byte file name limit. */
const MAX_NAME = 255 - ".12345678.link".length;
const SAFE_NAME = /^[A-Za-z0-9._-]+$/;

function checkExpiryClause(ctx: CheckContext): void {
  const layout = ctx.layout!;
  const expires = layout.expires;
  if (expires === undefined) {
    // An `expires in 3q` with a bad unit is already reported by the parser, which then drops the clause.
    if (ctx.parseDiagnostics.some((d) => d.code === "invalid-duration")) return;
    // Nor one the parser could not read (`expires 180d`): that syntax error already says how to write it.
    if (ctx.parseDiagnostics.some((d) => d.severity === "error" && /\bexpires\s*$/.test(ctx.text.slice(layout.span.start, d.span.start)))) return;
    const open = ctx.text.indexOf("{", layout.span.start);
    const fix =
      open !== -1 && open < layout.span.end
        ? { title: "Expire the layout 365 days after compiling", edits: [{ span: { start: open + 1, end: open + 1 }, newText: "\n  expires in 365d" }] }
        : undefined;
    ctx.report(
      diagnostic(
        "missing-expiry",
        { start: layout.span.start, end: layout.span.start + "layout".length },
        'The layout has no expiry: add `expires "YYYY-MM-DDTHH:MM:SSZ"` or `expires in 365d` (in-toto would otherwise pick one month from whenever it loads the layout).',
        fix === undefined ? {} : { fix },
      ),
    );
    return;
  }
  if (expires.kind !== "absolute" || expires.value === undefined) return;
  const text = ctx.value(expires.value);
  if (text === undefined || parseExpiry(text) !== undefined) return;
  ctx.report(
    diagnostic(
      "invalid-date",
      expires.value.span,
      `"${text}" is not a valid expiry: write a real UTC date as YYYY-MM-DDTHH:MM:SSZ, e.g. "2027-06-01T00:00:00Z" (the only form every in-toto verifier accepts).`,
    ),
  );
}

function checkNames(ctx: CheckContext): void {
  for (const item of ctx.layout!.items) {
    const name = item.name.text;
    if (name === "") continue;
    let why: string | undefined;
    if (!SAFE_NAME.test(name)) why = "use only letters, digits, '.', '_' and '-'";
    else if (name.startsWith(".")) why = "do not start it with '.' (in-toto writes unfinished links as hidden files)";
    else if (name.length > MAX_NAME) why = `shorten it to at most ${MAX_NAME} characters`;
    if (why === undefined) continue;
    ctx.report(diagnostic("unsafe-name", item.name.span, `"${name.length > 40 ? `${name.slice(0, 40)}…` : name}" becomes part of the link file name <name>.<keyid>.link: ${why}.`));
  }
}

/** Reports a missing layout, missing or malformed expiry, unknown target, unsafe names and inspections without `run`. */
export function checkLayout(ctx: CheckContext): void {
  const layout = ctx.layout;
  if (layout === undefined) {
    ctx.report(diagnostic("missing-layout", { start: 0, end: 0 }, 'This file declares no layout: add `layout "name" { … }` with its functionaries and steps.'));
    return;
  }
  checkExpiryClause(ctx);
  const target = layout.target;
  if (target !== undefined && target.value !== ITE10 && !(TARGETS as readonly string[]).includes(target.value)) {
    ctx.report(
      diagnostic(
        "invalid-target",
        target.span,
        `Unknown target "${target.value}": write "in-toto-1.3" (in-toto 1.3 keyids, Metablock), "in-toto" (modern keyids), "in-toto-golang" (1.3 keyids, DSSE, X.509 fields) or "ite-10" (an attestation layout in attestation-verifier's format).`,
      ),
    );
  }
  checkDssePayload(ctx);
  checkNames(ctx);
  for (const inspection of layout.inspections) {
    const run = inspection.run;
    const empty = run === undefined || run.parts.length === 0 || run.parts.every((p) => ctx.value(p) === "");
    if (!empty) continue;
    ctx.report(
      diagnostic(
        "inspection-without-run",
        run?.span ?? inspection.name.span,
        `Inspection "${inspection.name.text}" has no command: add \`run "command"\` (the verifier runs it and checks its artifacts).`,
      ),
    );
  }
}

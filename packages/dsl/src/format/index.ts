// `format`: the canonical layout of a policy (rules in print-policy.ts, docs/language.md "Formatting").
import { parse } from "../parse.js";
import { printDoc } from "./doc.js";
import { PolicyPrinter } from "./print-policy.js";

/** Columns the formatter fits groups (one-line rule blocks, lists) into. */
export const FORMAT_WIDTH = 100;

/**
 * Formats a `.totem` source. Pure and idempotent; keeps every comment; the result parses to the
 * same tree. Returns `undefined` when the source has syntax errors (nothing is guessed).
 */
export function format(text: string): string | undefined {
  const { file, diagnostics } = parse(text);
  if (diagnostics.length > 0) return undefined;
  return printDoc(new PolicyPrinter(text, file.comments).file(file), FORMAT_WIDTH);
}

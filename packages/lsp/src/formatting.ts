// Whole-document formatting through the dsl formatter. A document with syntax errors is left alone
// (the formatter returns undefined rather than guess).
import { format } from "@totem/dsl";
import type { TextEdit } from "vscode-languageserver";
import type { DocumentSnapshot } from "./documents.js";

/** One edit replacing the whole text with its formatted form; [] when already formatted; null when it cannot be formatted. */
export function formatDocument(doc: DocumentSnapshot): TextEdit[] | null {
  const formatted = format(doc.text);
  if (formatted === undefined) return null;
  if (formatted === doc.text) return [];
  return [{ range: doc.lines.rangeOf({ start: 0, end: doc.text.length }), newText: formatted }];
}

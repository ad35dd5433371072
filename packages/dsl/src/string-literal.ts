// Decoding string literals. Escapes: \" \\ \n \t and \u{X…} (1 to 6 hex digits, at most 10FFFF).
// Anything else after a backslash is an `invalid-escape` diagnostic; the backslash is kept so the
// value stays close to what was written. A value holding a lone surrogate (`\u{D800}`, or a raw one
// in text an editor sent) is a `lone-surrogate` error: it is no Unicode character, so the layout's
// UTF-8 JSON could not carry it and no verifier, Totem's or the reference, could read the layout.
import type { Diagnostic } from "./diagnostic.js";

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", n: "\n", t: "\t" };

/**
 * Decodes the text of a string token (`image`, starting at `offset` in the file, with its opening
 * quote and, when `closed`, its closing quote). Problems are pushed onto `diagnostics`.
 */
export function decodeString(image: string, offset: number, closed: boolean, diagnostics: Diagnostic[]): string {
  const end = closed ? image.length - 1 : image.length;
  let out = "";
  /** Where each surrogate code unit of `out` was written: its index in `out` and its source span. */
  const surrogates: { at: number; start: number; end: number }[] = [];
  const literal = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (isSurrogate(image.charCodeAt(k))) surrogates.push({ at: out.length + k - from, start: offset + k, end: offset + k + 1 });
    out += image.slice(from, to);
  };
  let i = 1;
  while (i < end) {
    const backslash = image.indexOf("\\", i);
    if (backslash < 0 || backslash >= end) {
      literal(i, end);
      break;
    }
    literal(i, backslash);
    const esc = escapeAt(image, backslash, end);
    if (esc !== undefined) {
      if (esc.value.length === 1 && isSurrogate(esc.value.charCodeAt(0))) surrogates.push({ at: out.length, start: offset + backslash, end: offset + backslash + esc.length });
      out += esc.value;
      i = backslash + esc.length;
      continue;
    }
    const next = image[backslash + 1];
    const length = next === undefined || backslash + 1 >= end ? 1 : 2;
    diagnostics.push({
      code: "invalid-escape",
      severity: "error",
      message:
        next === "u"
          ? "Invalid Unicode escape: write \\u{…} with 1 to 6 hex digits (at most 10FFFF)."
          : 'Invalid escape: inside strings a backslash starts \\" \\\\ \\n \\t or \\u{…}; write \\\\ for a backslash.',
      span: { start: offset + backslash, end: offset + backslash + length },
    });
    out += "\\";
    i = backslash + 1;
  }
  reportLoneSurrogates(out, surrogates, diagnostics);
  return out;
}

/** The valid escape starting at `image[backslash]` (before `end`): its value and its length in the image. */
function escapeAt(image: string, backslash: number, end: number): { value: string; length: number } | undefined {
  const next = image[backslash + 1];
  const simple = next === undefined ? undefined : SIMPLE_ESCAPES[next];
  if (simple !== undefined && backslash + 1 < end) return { value: simple, length: 2 };
  if (next !== "u") return undefined;
  const m = /^\{([0-9A-Fa-f]{1,6})\}/.exec(image.slice(backslash + 2, end));
  const code = m ? Number.parseInt(m[1]!, 16) : Number.NaN;
  return m && code <= 0x10ffff ? { value: String.fromCodePoint(code), length: 2 + m[0].length } : undefined;
}

/**
 * Where UTF-16 unit `at` of a closed string token's decoded value is written: an offset into
 * `image` (the token with both quotes), escapes read as `decodeString` reads them (an invalid
 * escape's backslash is one unit of the value). Past the value's end: the closing quote.
 */
export function imageOffset(image: string, at: number): number {
  const end = Math.max(1, image.length - 1);
  let i = 1;
  let units = 0;
  while (units < at && i < end) {
    const esc = image[i] === "\\" ? escapeAt(image, i, end) : undefined;
    units += esc?.value.length ?? 1;
    i += esc?.length ?? 1;
  }
  return Math.min(i, end);
}

function isSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdfff;
}

/**
 * One `lone-surrogate` error per surrogate of `value` that is not half of a pair (a high surrogate
 * followed by a low one, as `\u{D83D}\u{DE00}` or a raw emoji give), on the text that wrote it.
 */
function reportLoneSurrogates(value: string, origins: readonly { at: number; start: number; end: number }[], diagnostics: Diagnostic[]): void {
  for (const origin of origins) {
    const unit = value.charCodeAt(origin.at);
    const high = unit <= 0xdbff;
    const partner = value.charCodeAt(high ? origin.at + 1 : origin.at - 1);
    const paired = high ? partner >= 0xdc00 && partner <= 0xdfff : partner >= 0xd800 && partner <= 0xdbff;
    if (paired) continue;
    const hex = unit.toString(16).toUpperCase();
    diagnostics.push({
      code: "lone-surrogate",
      severity: "error",
      message: `U+${hex} is a lone surrogate, not a character: no in-toto verifier can read a layout holding it. Write the character itself, or its code point as \\u{…} (e.g. \\u{1F600}).`,
      span: { start: origin.start, end: origin.end },
    });
  }
}

/**
 * Writes `value` as a string literal that decodes back to it (used by the formatter and importers).
 * Characters a terminal or an editor would act on rather than show — controls (C0, DEL, C1),
 * surrogates, line separators, and bidirectional marks, overrides and isolates — are written as
 * `\u{…}`, so an imported layout's names cannot recolour a terminal (`totem import` is a git textconv
 * driver) or reorder the text a reviewer reads.
 */
export function quoteString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (UNPRINTED.test(ch)) out += `\\u{${cp.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}

const UNPRINTED = /^[\u0000-\u001f\u007f-\u009f\ud800-\udfff\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]$/;

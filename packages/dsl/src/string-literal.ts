// Decoding string literals. Escapes: \" \\ \n \t and \u{X…} (1 to 6 hex digits, at most 10FFFF;
// lone surrogates are allowed because JavaScript and JSON strings allow them). Anything else after
// a backslash is an `invalid-escape` diagnostic; the backslash is kept so the value stays close to
// what was written.
import type { Diagnostic } from "./diagnostic.js";

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", n: "\n", t: "\t" };

/**
 * Decodes the text of a string token (`image`, starting at `offset` in the file, with its opening
 * quote and, when `closed`, its closing quote). Problems are pushed onto `diagnostics`.
 */
export function decodeString(image: string, offset: number, closed: boolean, diagnostics: Diagnostic[]): string {
  const end = closed ? image.length - 1 : image.length;
  let out = "";
  let i = 1;
  while (i < end) {
    const backslash = image.indexOf("\\", i);
    if (backslash < 0 || backslash >= end) {
      out += image.slice(i, end);
      break;
    }
    out += image.slice(i, backslash);
    const next = image[backslash + 1];
    const simple = next === undefined ? undefined : SIMPLE_ESCAPES[next];
    if (simple !== undefined && backslash + 1 < end) {
      out += simple;
      i = backslash + 2;
      continue;
    }
    if (next === "u") {
      const m = /^\{([0-9A-Fa-f]{1,6})\}/.exec(image.slice(backslash + 2, end));
      const code = m ? Number.parseInt(m[1]!, 16) : Number.NaN;
      if (m && code <= 0x10ffff) {
        out += String.fromCodePoint(code);
        i = backslash + 2 + m[0].length;
        continue;
      }
    }
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
  return out;
}

/** Writes `value` as a string literal that decodes back to it (used by the formatter and importers). */
export function quoteString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (cp < 0x20 || cp === 0x7f || (cp >= 0xd800 && cp <= 0xdfff) || cp === 0x2028 || cp === 0x2029) out += `\\u{${cp.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}

// A shortcut for checking Metablock link signatures without canonicalizing the payload. Files written
// by in-toto (and by Totem) are `json.dumps(sort_keys=True)`: the `signed` object minus its
// insignificant whitespace is often byte-for-byte its canonical form (§5). The stripped bytes are
// offered only when they ARE that canonical form: (1) only whitespace outside strings was removed (so
// they parse to the same value), (2) that value is exactly what 1.3.1 signs (the seven link fields,
// no unknown ones, so its rebuild changes nothing, §1.1), (3) duplicates, floats and big integers were
// already rejected (strict-json.ts), (4) every object's keys appear in code-point order (UTF-8 byte
// order) and (5) strings use no escapes but `\"` and `\\` (canonical JSON escapes nothing else).
// Without (4) and (5) a functionary who signed its file's own text would pass here and fail in 1.3.1.
// If the signature does not verify over the stripped bytes, the caller canonicalizes.
import type { JsonObject } from "../model.js";
import { bytesBefore } from "./canonical-link.js";
import { DEFAULT_MAX_DEPTH } from "./strict-json.js";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LINK_FIELDS = ["_type", "byproducts", "command", "environment", "materials", "name", "products"];

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Index of the quote closing the string opened at `start` (bytes; UTF-8 never hides 0x22 or 0x5c). */
function stringEnd(bytes: Buffer, start: number): number {
  let j = bytes.indexOf(QUOTE, start + 1);
  while (j > 0) {
    let k = j - 1;
    while (bytes[k] === BACKSLASH) k--;
    if ((j - 1 - k) % 2 === 0) return j;
    j = bytes.indexOf(QUOTE, j + 1);
  }
  return -1;
}

/** The byte range of the value of top-level key `"signed"`, or undefined. */
function signedRange(bytes: Buffer): [number, number] | undefined {
  let depth = 0;
  let i = 0;
  let valueStart = -1;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b === QUOTE) {
      const j = stringEnd(bytes, i);
      if (j < 0) return undefined;
      if (depth === 1 && valueStart < 0 && j - i === 7 && bytes.toString("latin1", i + 1, j) === "signed") {
        let k = j + 1;
        while (isSpace(bytes[k] as number)) k++;
        if (bytes[k] === 0x3a) {
          k++;
          while (isSpace(bytes[k] as number)) k++;
          if (bytes[k] !== 0x7b) return undefined;
          valueStart = k;
          i = k;
          continue;
        }
      }
      i = j + 1;
    } else if (b === 0x7b || b === 0x5b) {
      depth++;
      i++;
    } else if (b === 0x7d || b === 0x5d) {
      depth--;
      i++;
      if (valueStart >= 0 && depth === 1) return [valueStart, i];
    } else {
      i++;
    }
  }
  return undefined;
}

/**
 * The `signed` object of a Metablock link file with the whitespace between tokens removed, or
 * undefined when the shortcut cannot apply: the payload is not exactly the seven link fields, or the
 * stripped text is visibly not canonical (keys out of order, escapes other than `\"` and `\\`), so a
 * signer who signed such text is refused as in 1.3.1, which checks the canonical bytes.
 */
export function strippedSignedLink(file: Uint8Array, signed: JsonObject): Uint8Array | undefined {
  const keys = Object.keys(signed);
  if (keys.length !== LINK_FIELDS.length || !LINK_FIELDS.every((k) => Object.hasOwn(signed, k))) return undefined;
  // Buffer's indexOf is memchr; a Uint8Array's is a generic loop.
  const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const range = signedRange(bytes);
  if (!range) return undefined;
  const [start, end] = range;
  // The loops read and write plain Uint8Arrays: element access on a Buffer subclass is slower.
  const src = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  const out = new Uint8Array(end - start);
  // Per open object: where its previous key starts and ends in `out` (-1: no key yet). Nesting is at
  // most the parser's depth limit; deeper input never gets here (strict-json.ts).
  const prevStart = new Int32Array(DEFAULT_MAX_DEPTH + 2);
  const prevEnd = new Int32Array(DEFAULT_MAX_DEPTH + 2);
  let depth = -1;
  let n = 0;
  let i = start;
  while (i < end) {
    const q = bytes.indexOf(QUOTE, i);
    const gapEnd = q < 0 || q > end ? end : q;
    for (let k = i; k < gapEnd; k++) {
      const b = src[k] as number;
      if (b === 0x7b) {
        if (++depth > DEFAULT_MAX_DEPTH) return undefined;
        prevStart[depth] = -1;
      } else if (b === 0x7d) depth--;
      if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) out[n++] = b;
    }
    if (gapEnd === end) break;
    const close = stringEnd(bytes, q);
    if (close < 0 || close >= end) return undefined;
    const from = n;
    // Strings are short: copyWithin-style bulk copies cost more per call than this loop.
    for (let k = q; k <= close; k++) {
      const b = src[k] as number;
      // Canonical JSON escapes only `"` and `\` (§5): any other escape means the file is not canonical.
      if (b === BACKSLASH) {
        const e = src[k + 1];
        if (e !== QUOTE && e !== BACKSLASH) return undefined;
        out[n++] = b;
        k++;
        out[n++] = e;
      } else out[n++] = b;
    }
    i = close + 1;
    let m = i;
    while (isSpace(src[m] as number)) m++;
    if (src[m] === 0x3a) {
      // A key: canonical JSON sorts keys by code point, which is UTF-8 byte order; unsorted → no shortcut.
      if (depth < 0) return undefined;
      const ps = prevStart[depth] as number;
      if (ps >= 0 && !bytesBefore(out, ps + 1, (prevEnd[depth] as number) - 1, from + 1, n - 1)) return undefined;
      prevStart[depth] = from;
      prevEnd[depth] = n;
    }
  }
  return out.subarray(0, n);
}

// Strict JSON for untrusted in-toto evidence: JSON.parse does the parsing (it is the fastest parser
// Node has), and one cheap scan over the text catches what JSON.parse lets through but in-toto 1.3.1
// cannot sign or verify (SPEC-NOTES §5): floats (`1.0`, `1e3`), integers beyond 2^53, duplicate keys,
// excessive nesting. Strings are skipped with indexOf, so the scan costs little next to JSON.parse.
import { isUtf8 } from "node:buffer";
import type { JsonValue } from "../model.js";
import { err, ok, type Result } from "../result.js";
import { type LoadError, pathAt } from "./load-error.js";

/** Limits applied before and while parsing untrusted JSON. */
export interface JsonLimits {
  /** Largest accepted input in bytes (default 64 MiB). */
  maxBytes?: number;
  /** Deepest accepted nesting of objects and arrays (default 64). */
  maxDepth?: number;
}

/** Default size limit: large enough for a 10k-artifact link, small enough to refuse a memory bomb. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
/** Default nesting limit: in-toto metadata nests at most ~8 levels; byproducts may add a few. */
export const DEFAULT_MAX_DEPTH = 64;


/** What the scan found: the number of object keys, and the first position of each problem. */
interface ScanResult {
  colons: number;
  tooDeepAt: number;
  floatAt: number;
  bigIntAt: number;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The index of the quote closing the string that opens at `start`, or -1 (indexOf, not a char loop). */
function stringEnd(text: string, start: number): number {
  let j = text.indexOf('"', start + 1);
  while (j > 0) {
    let k = j - 1;
    while (text.charCodeAt(k) === 92 /* \ */) k--;
    if ((j - 1 - k) % 2 === 0) return j; // an even run of backslashes: the quote is not escaped
    j = text.indexOf('"', j + 1);
  }
  return -1;
}

/** One pass over the text outside strings; works on invalid JSON too (JSON.parse reports that). */
function scan(text: string, maxDepth: number): ScanResult {
  const r: ScanResult = { colons: 0, tooDeepAt: -1, floatAt: -1, bigIntAt: -1 };
  const n = text.length;
  let depth = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const j = stringEnd(text, i);
      if (j < 0) return r; // unterminated string: JSON.parse reports it
      i = j + 1;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > maxDepth) {
        r.tooDeepAt = i;
        return r;
      }
      i++;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
      i++;
    } else if (c === 58 /* : */) {
      r.colons++;
      i++;
    } else if (c === 45 /* - */ || isDigit(c)) {
      const start = i;
      i++;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      const d = text.charCodeAt(i);
      if ((d === 46 /* . */ || d === 101 /* e */ || d === 69) /* E */ && r.floatAt < 0) r.floatAt = start;
      // 2^53 has 16 digits: anything shorter is exact in a double; longer ones are checked after parsing.
      if (i - start - (c === 45 ? 1 : 0) >= 16 && r.bigIntAt < 0) r.bigIntAt = start;
    } else {
      i++;
    }
  }
  return r;
}

/** Counts object keys in a parsed value (equal to the colons in the text unless a key repeats). */
function countKeys(v: object): number {
  let n = 0;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (typeof x === "object" && x !== null) n += countKeys(x);
    }
    return n;
  }
  for (const k in v) {
    n++;
    const x = (v as Record<string, unknown>)[k];
    if (typeof x === "object" && x !== null) n += countKeys(x);
  }
  return n;
}

/** Finds the first repeated key (slow path, only after the key count showed there is one). */
function findDuplicate(text: string): number {
  const stack: Array<Set<string> | null> = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const j = stringEnd(text, i);
      if (j < 0) return -1;
      let m = j + 1;
      while (m < n && /\s/.test(text[m] as string)) m++;
      const keys = stack[stack.length - 1];
      if (text.charCodeAt(m) === 58 && keys) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (keys.has(key)) return i;
        keys.add(key);
      }
      i = j + 1;
    } else {
      if (c === 123) stack.push(new Set());
      else if (c === 91) stack.push(null);
      else if (c === 125 || c === 93) stack.pop();
      i++;
    }
  }
  return -1;
}

/** The character offset JSON.parse's error message names, if any. */
function syntaxOffset(message: string): number {
  const m = /position (\d+)/.exec(message);
  return m ? Number(m[1]) : -1;
}

/**
 * Parses untrusted JSON bytes strictly. Rejects: input over `maxBytes`; a UTF-8 BOM (in-toto 1.3.1
 * fails on it too, SPEC-NOTES §1.1); invalid UTF-8; syntax errors; nesting over `maxDepth`; floats;
 * integers outside ±(2^53−1) (in-toto's only integers are thresholds and return values, so rejecting
 * is safer than carrying bigints); duplicate keys (Python and JS both keep the last one silently, so
 * a signed file with a duplicate could be read differently by another tool: refuse it).
 */
export function parseStrictJson(bytes: Uint8Array, limits: JsonLimits = {}): Result<JsonValue, LoadError> {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (bytes.length > maxBytes) {
    return err({
      code: "json-too-large",
      message: `The file is ${bytes.length} bytes, over the limit of ${maxBytes}; raise the limit if the file is trusted to be this large.`,
      path: "$",
    });
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return err({
      code: "json-bom",
      message: "The file starts with a UTF-8 byte order mark, which in-toto cannot read; save it without a BOM.",
      path: "$",
    });
  }
  // isUtf8 validates in C++; Buffer's decoder is then safe and faster than a fatal TextDecoder.
  if (!isUtf8(bytes)) return err({ code: "json-invalid-utf8", message: "The file is not valid UTF-8 text.", path: "$" });
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  const s = scan(text, maxDepth);
  if (s.tooDeepAt >= 0) {
    return err({
      code: "json-too-deep",
      message: `The JSON nests deeper than ${maxDepth} levels; in-toto metadata never does.`,
      path: pathAt(text, s.tooDeepAt),
    });
  }
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const at = syntaxOffset(message);
    return err({ code: "json-syntax", message: `The file is not valid JSON: ${message}.`, path: at >= 0 ? pathAt(text, at) : "$" });
  }
  if (s.floatAt >= 0) {
    return err({
      code: "json-float",
      message: "A number has a fraction or exponent; in-toto metadata holds only integers (write 1, not 1.0).",
      path: pathAt(text, s.floatAt),
    });
  }
  if (s.bigIntAt >= 0 && hasUnsafeInteger(value)) {
    return err({
      code: "json-integer-too-large",
      message: "An integer is larger than 2^53 and cannot be represented exactly; in-toto metadata never needs one.",
      path: pathAt(text, s.bigIntAt),
    });
  }
  if ((typeof value === "object" && value !== null ? countKeys(value) : 0) !== s.colons) {
    const at = findDuplicate(text);
    return err({
      code: "json-duplicate-key",
      message: "An object has the same key twice; tools disagree on which one counts, so remove the duplicate.",
      path: at >= 0 ? pathAt(text, at) : "$",
    });
  }
  return ok(value);
}

function hasUnsafeInteger(v: unknown): boolean {
  if (typeof v === "number") return !Number.isSafeInteger(v);
  if (typeof v !== "object" || v === null) return false;
  for (const x of Array.isArray(v) ? v : Object.values(v)) if (hasUnsafeInteger(x)) return true;
  return false;
}

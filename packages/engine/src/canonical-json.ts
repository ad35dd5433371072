// securesystemslib canonical JSON (SPEC-NOTES §5): the bytes every Metablock signature covers.
// This is the one module that owns it. Byte-identical to securesystemslib 0.26 `encode_canonical`:
// keys sorted by code point, only `"` and `\` escaped (control characters stay raw), integers only,
// no whitespace, UTF-8.
//
// It is on the verification hot path (tens of MB of links), so it builds an array of string pieces
// joined once and encoded once, instead of concatenating per character.

import type { JsonObject, JsonValue } from "./model.js";
import { err, ok, type Result } from "./result.js";

const NEEDS_ESCAPE = /["\\]/;
const ESCAPES = /["\\]/g;
/** A UTF-16 unit at or above U+D800: the only range where code-unit order differs from code-point order. */
const HIGH_UNIT = /[\uD800-\uFFFF]/;

const encoder = new TextEncoder();

/** Pushes `s` as a JSON string: only `"` and `\` escaped (SPEC-NOTES §5), control characters and non-ASCII raw. */
function pushString(s: string, out: string[]): void {
  // Pushing the quotes as separate pieces avoids building a new string per value (≈40% faster).
  out.push('"', NEEDS_ESCAPE.test(s) ? s.replace(ESCAPES, "\\$&") : s, '"');
}

/** `s` as a JSON string (escaped as {@link pushString} does). */
function jsonString(s: string): string {
  return `"${NEEDS_ESCAPE.test(s) ? s.replace(ESCAPES, "\\$&") : s}"`;
}

/** Compares two strings by Unicode code point, as Python's `sorted()` does (SPEC-NOTES §5 pitfall 2). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (D800–DFFF) encodes a code point above U+FFFF, so it sorts after E000–FFFF.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Sorts object keys by code point. The default sort (UTF-16 units) agrees with code-point order
 * unless some key holds a unit ≥ U+D800, so the slow comparator runs only then.
 */
export function sortedKeys(obj: object): string[] {
  const keys = Object.keys(obj);
  if (keys.length < 2) return keys; // most objects of a link: one hash per artifact
  for (const k of keys) {
    if (HIGH_UNIT.test(k)) return keys.sort(compareCodePoints);
  }
  return keys.sort();
}

function integer(n: number): string {
  if (!Number.isSafeInteger(n)) {
    // Python's encode_canonical raises "I cannot encode 1.0" for floats; loaders reject them first.
    throw new TypeError(`canonical JSON cannot encode the non-integer or unsafe number ${n}`);
  }
  return String(n); // String(-0) is "0", like Python's int("-0").
}

/** The canonical text of an object whose values are all strings (a hash dict), else undefined. */
function flatObject(obj: JsonObject, keys: readonly string[]): string | undefined {
  let text = "{";
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const v = obj[k];
    if (typeof v !== "string") return undefined;
    text += `${i > 0 ? "," : ""}${jsonString(k)}:${jsonString(v)}`;
  }
  return `${text}}`;
}

/**
 * Pushes an object, `keys` being its sorted keys. Each member is one piece with its separator, and a
 * member whose value is a string or an object of strings is one piece with its value: fewer pieces
 * write the 10k `"path":{"sha256":"…"}` members of a large link about twice as fast.
 */
function emitObject(obj: JsonObject, keys: readonly string[], out: string[]): void {
  if (keys.length === 0) {
    out.push("{}");
    return;
  }
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const v = obj[k] as JsonValue;
    const head = `${i === 0 ? "{" : ","}${jsonString(k)}:`;
    if (typeof v === "string") {
      out.push(head + jsonString(v));
    } else if (typeof v === "object" && v !== null && !Array.isArray(v)) {
      const vkeys = sortedKeys(v);
      const flat = flatObject(v, vkeys);
      if (flat !== undefined) out.push(head + flat);
      else {
        out.push(head);
        emitObject(v, vkeys, out);
      }
    } else {
      out.push(head);
      emit(v, out);
    }
  }
  out.push("}");
}

function emit(value: JsonValue, out: string[]): void {
  switch (typeof value) {
    case "string":
      pushString(value, out);
      return;
    case "number":
      out.push(integer(value));
      return;
    case "bigint":
      out.push(value.toString());
      return;
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "object":
      if (value === null) {
        out.push("null");
      } else if (Array.isArray(value)) {
        out.push("[");
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(",");
          emit(value[i] as JsonValue, out);
        }
        out.push("]");
      } else {
        emitObject(value, sortedKeys(value), out);
      }
      return;
    default:
      throw new TypeError(`canonical JSON cannot encode a value of type ${typeof value}`);
  }
}

/**
 * The canonical JSON text of `value` (before UTF-8 encoding). Throws `TypeError` for floats,
 * unsafe integers (use bigint) and non-JSON values: those are programmer errors, because the
 * strict loaders reject floats before anything is canonicalized.
 */
export function canonicalString(value: JsonValue): string {
  const form = stringifyForm(value);
  if (form !== undefined) return canonicalStringOfForm(form);
  const out: string[] = [];
  emit(value, out);
  return out.join("");
}

/** The canonical JSON text of a value returned by {@link stringifyForm}. */
export function canonicalStringOfForm(form: JsonValue): string {
  return JSON.stringify(form);
}

/** Keys JSON.stringify writes before all others (array indices), whatever their insertion order. */
const INDEX_KEY = /^(?:0|[1-9][0-9]*)$/;
/** What JSON.stringify escapes and canonical JSON keeps raw (controls), and surrogates (sort order, lone ones). */
const NOT_NATIVE = /[\u0000-\u001f\ud800-\udfff]/;

/**
 * `value` in a form whose `JSON.stringify` text is its canonical JSON text, or undefined when there
 * is none: then the writers here walk the value themselves. Native JSON.stringify writes a 10k-artifact
 * link in a few milliseconds; the walk is what takes the time.
 *
 * JSON.stringify writes objects' keys in insertion order, integers as canonical JSON does, and
 * escapes `"` and `\` as canonical JSON does, so the form is the value with every object's keys
 * sorted (objects copied only where needed). It has no form when JSON.stringify would write
 * something else: a string with a control character (escaped by JSON.stringify, raw in canonical
 * JSON) or a surrogate (UTF-16 order differs from code-point order, and a lone one is escaped), an
 * integer-like key (written first), `__proto__` (not copyable as a plain key), a float, bigint,
 * anything with `toJSON` or not a plain object, array or primitive.
 */
export function stringifyForm(value: JsonValue): JsonValue | undefined {
  switch (typeof value) {
    case "string":
      return NOT_NATIVE.test(value) ? undefined : value;
    case "number":
      return Number.isSafeInteger(value) ? value : undefined;
    case "boolean":
      return value;
    case "object":
      if (value === null) return null;
      return Array.isArray(value) ? arrayForm(value) : objectForm(value);
    default:
      return undefined;
  }
}

function arrayForm(array: JsonValue[]): JsonValue | undefined {
  if (Object.getPrototypeOf(array) !== Array.prototype) return undefined;
  let copy: JsonValue[] | undefined;
  for (let i = 0; i < array.length; i++) {
    const item = array[i] as JsonValue;
    const form = stringifyForm(item);
    if (form === undefined) return undefined;
    if (form !== item) {
      copy ??= array.slice();
      copy[i] = form;
    }
  }
  return copy ?? array;
}

/**
 * Whether keys are in strictly ascending order. Its own function: inlined into objectForm, a
 * comparison that one-key objects never reach deoptimized it on every 10k-key object (measured).
 */
function ascending(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if ((keys[i - 1] as string) >= (keys[i] as string)) return false;
  return true;
}

function objectForm(obj: JsonObject): JsonValue | undefined {
  const proto = Object.getPrototypeOf(obj);
  if ((proto !== Object.prototype && proto !== null) || typeof obj.toJSON === "function") return undefined;
  const keys = Object.keys(obj);
  for (const k of keys) if (NOT_NATIVE.test(k) || INDEX_KEY.test(k) || k === "__proto__") return undefined;
  const sorted = keys.length < 2 || ascending(keys);
  /** The members' forms, collected from the first that differs from its value (most never do). */
  let forms: JsonValue[] | undefined;
  for (let i = 0; i < keys.length; i++) {
    const v = obj[keys[i] as string] as JsonValue;
    const form = stringifyForm(v);
    if (form === undefined) return undefined;
    if (form !== v) forms ??= keys.slice(0, i).map((k) => obj[k] as JsonValue);
    forms?.push(form);
  }
  if (sorted && !forms) return obj;
  const values = forms ?? keys.map((k) => obj[k] as JsonValue);
  // Without surrogates, comparing UTF-16 units is comparing code points.
  const order = keys.map((_, i) => i);
  if (!sorted) order.sort((a, b) => ((keys[a] as string) < (keys[b] as string) ? -1 : 1));
  const copy: JsonObject = {};
  for (const i of order) copy[keys[i] as string] = values[i] as JsonValue;
  return copy;
}

/**
 * The canonical JSON bytes of `value`: what in-toto 1.3.1 signs and verifies
 * (`encode_canonical(...).encode("utf-8")`, SPEC-NOTES §1.1, §5). Throws `TypeError` like
 * {@link canonicalString}. A lone surrogate cannot be UTF-8 encoded (Python raises
 * UnicodeEncodeError); use {@link canonicalizeChecked} for input that may contain one.
 */
export function canonicalize(value: JsonValue): Uint8Array {
  return encoder.encode(canonicalString(value));
}

/**
 * Like {@link canonicalize}, but never throws: a float, an unsafe integer or a lone surrogate
 * (which securesystemslib cannot encode either) becomes an error message.
 */
export function canonicalizeChecked(value: JsonValue): Result<Uint8Array, string> {
  let text: string;
  try {
    text = canonicalString(value);
  } catch (e) {
    return err((e as Error).message);
  }
  if (!(text as unknown as { isWellFormed(): boolean }).isWellFormed()) {
    return err("canonical JSON cannot encode a string with a lone UTF-16 surrogate as UTF-8");
  }
  return ok(encoder.encode(text));
}

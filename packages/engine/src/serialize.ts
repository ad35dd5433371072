// Model → payload JSON with exactly the field sets in-toto 1.3.1 signs (SPEC-NOTES §2, §3, §13).
// 1.3.1 rebuilds its model from the JSON and signs that, dropping unknown top-level, step and
// inspection fields and inserting defaults, so the emitter writes every known field and nothing else.
// Key objects are plain dicts to 1.3.1: their unknown fields (`extra`) are kept and signed.

import { canonicalize, sortedKeys, stringifyForm } from "./canonical-json.js";
import type { ArtifactRule, Inspection, JsonObject, JsonValue, Layout, Link, PublicKey, Step } from "./model.js";
import { gpgKeyToJson, isGpgKey } from "./keys/gpg-key.js";
import { ruleToStrings } from "./rules.js";
import { artifactRecord } from "./verify/artifact-dict.js";

/**
 * A `layout.keys` entry as JSON: `extra` fields first, then the known fields (which win); inside
 * `keyval` likewise `keyvalExtra`, then `public` and, when the key had one, `private: ""`.
 */
export function publicKeyToJson(key: PublicKey): JsonObject {
  if (isGpgKey(key)) return gpgKeyToJson(key);
  const out: JsonObject = { ...(key.extra ?? {}) };
  if (!key.keyidAbsent) out.keyid = key.keyid;
  out.keytype = key.keytype;
  out.scheme = key.scheme;
  const keyval: JsonObject = { ...(key.keyvalExtra ?? {}), public: key.keyval.public };
  // Only the empty string is representable (SPEC-NOTES §2); the check guards untyped callers too.
  if (key.keyval.private === "") keyval.private = "";
  if (key.keyval.certificate !== undefined) keyval.certificate = key.keyval.certificate;
  out.keyval = keyval;
  if (key.keyid_hash_algorithms !== undefined) out.keyid_hash_algorithms = [...key.keyid_hash_algorithms];
  return out;
}

function rulesToJson(rules: readonly ArtifactRule[]): JsonValue[] {
  return rules.map(ruleToStrings);
}

function stepToJson(step: Step): JsonObject {
  const out: JsonObject = {
    _type: "step",
    name: step.name,
    threshold: step.threshold,
    pubkeys: [...step.pubkeys],
    expected_command: [...step.expected_command],
    expected_materials: rulesToJson(step.expected_materials),
    expected_products: rulesToJson(step.expected_products),
  };
  // in-toto-golang's field, written only when the layout has it (an empty list included).
  if (step.cert_constraints !== undefined) out.cert_constraints = step.cert_constraints.map((c) => ({ ...c }) as JsonObject);
  return out;
}

function keysToJson(keys: Record<string, PublicKey>): JsonObject {
  const out: JsonObject = {};
  for (const [id, key] of Object.entries(keys)) out[id] = publicKeyToJson(key);
  return out;
}

function inspectionToJson(inspection: Inspection): JsonObject {
  return {
    _type: "inspection",
    name: inspection.name,
    run: [...inspection.run],
    expected_materials: rulesToJson(inspection.expected_materials),
    expected_products: rulesToJson(inspection.expected_products),
  };
}

/**
 * The layout payload: exactly `_type, expires, readme, keys, steps, inspect` (SPEC-NOTES §13.2), plus
 * in-toto-golang's `rootcas`, `intermediatecas` and step `cert_constraints` when the layout has them.
 */
export function layoutToJson(layout: Layout): JsonObject {
  const out: JsonObject = {
    _type: "layout",
    expires: layout.expires,
    readme: layout.readme,
    keys: keysToJson(layout.keys),
    steps: layout.steps.map(stepToJson),
    inspect: layout.inspect.map(inspectionToJson),
  };
  if (layout.rootcas !== undefined) out.rootcas = keysToJson(layout.rootcas);
  if (layout.intermediatecas !== undefined) out.intermediatecas = keysToJson(layout.intermediatecas);
  return out;
}

/** The link payload: exactly `_type, name, command, materials, products, byproducts, environment` (SPEC-NOTES §3). */
export function linkToJson(link: Link): JsonObject {
  return {
    _type: "link",
    name: link.name,
    command: [...link.command],
    // Shared with the link, not copied: a hash dict is already JSON, and a payload is only read
    // (signed and written); copying 10k of them cost a recording ~10 ms.
    materials: artifactRecord(link.materials) as JsonObject,
    products: artifactRecord(link.products) as JsonObject,
    byproducts: link.byproducts,
    environment: link.environment,
  };
}

/** The bytes a layout signature covers: `canonicalize(layoutToJson(layout))` (SPEC-NOTES §1.1). */
export function layoutPayloadBytes(layout: Layout): Uint8Array {
  return canonicalize(layoutToJson(layout));
}

/** The bytes a link signature covers: `canonicalize(linkToJson(link))`. */
export function linkPayloadBytes(link: Link): Uint8Array {
  return canonicalize(linkToJson(link));
}

// Python `json.dumps(value, sort_keys=True)` with the default `ensure_ascii=True` (SPEC-NOTES §1.1):
// what in-toto writes to files. Only canonical bytes are signed, so this layout is cosmetic, but
// writing what in-toto writes keeps files diffable against the reference tools' output.

/** What `ensure_ascii` escapes: `"`, `\` and everything outside printable ASCII (space..~). */
const PY_NEEDS_ESCAPE = /["\\]|[^ -~]/;
/** What `ensure_ascii` escapes in JSON.stringify's output (which escaped the rest already). */
const NON_ASCII = /[^\u0000-\u007e]/;
const NON_ASCII_ALL = /[^\u0000-\u007e]/g;

/** `s` as `json.dumps` writes it with `ensure_ascii`. */
function pyString(s: string): string {
  if (!PY_NEEDS_ESCAPE.test(s)) return `"${s}"`;
  // JSON.stringify escapes `"`, `\` and controls as json.dumps does (short escapes, else \u00xx in
  // lowercase hex) and lone surrogates as \udxxx, natively: a replace callback per character would
  // take ~50 bytes each (16 MiB of recorded stdout cost 800 MB). Then each UTF-16 unit ≥ 0x7f
  // becomes \uXXXX, so astral characters become the surrogate pair Python writes.
  const json = JSON.stringify(s);
  return NON_ASCII.test(json) ? json.replace(NON_ASCII_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`) : json;
}

interface PyOptions {
  indent: number | undefined;
  sortKeys: boolean;
  /** Per depth: what opens a container's first item, what precedes each next one, what closes it. */
  levels: { open: string; next: string; close: string }[];
}

/**
 * The separators inside a container at `depth`, built once per depth (a link has 10k objects at one
 * depth). indent=None: items are separated by ", "; with an indent: "," then a newline and the
 * indentation, and the closing bracket goes on its own line.
 */
function level(options: PyOptions, depth: number): { open: string; next: string; close: string } {
  let l = options.levels[depth];
  if (l === undefined) {
    const { indent } = options;
    const inner = indent === undefined ? "" : `\n${" ".repeat(indent * (depth + 1))}`;
    const outer = indent === undefined ? "" : `\n${" ".repeat(indent * depth)}`;
    l = { open: inner, next: indent === undefined ? ", " : `,${inner}`, close: outer };
    options.levels[depth] = l;
  }
  return l;
}

function pyDump(value: JsonValue, options: PyOptions, depth: number, out: string[]): void {
  if (typeof value === "string") {
    out.push(pyString(value));
  } else if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new TypeError(`cannot write the non-integer or unsafe number ${value}`);
    out.push(String(value));
  } else if (typeof value === "bigint" || typeof value === "boolean") {
    out.push(String(value));
  } else if (value === null) {
    out.push("null");
  } else if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push("[]");
      return;
    }
    const l = level(options, depth);
    for (let i = 0; i < value.length; i++) {
      out.push(i === 0 ? `[${l.open}` : l.next);
      pyDump(value[i] as JsonValue, options, depth + 1, out);
    }
    out.push(`${l.close}]`);
  } else {
    const keys = options.sortKeys ? sortedKeys(value) : Object.keys(value);
    if (keys.length === 0) {
      out.push("{}");
      return;
    }
    const l = level(options, depth);
    // Each member is one piece with its separator (and, for a string value, the value): fewer
    // pieces make the 10k objects of a large link much faster to write.
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const v = value[key];
      const head = `${i === 0 ? `{${l.open}` : l.next}${pyString(key)}: `;
      if (typeof v === "string") out.push(head + pyString(v));
      else {
        out.push(head);
        pyDump(v as JsonValue, options, depth + 1, out);
      }
    }
    out.push(`${l.close}}`);
  }
}

/**
 * `json.dumps(form, sort_keys=True, indent=indent)` for a value returned by `stringifyForm`
 * (canonical-json.ts) and an indent of 1 to 10: JSON.stringify writes json.dumps's separators,
 * newlines and short escapes; ensure_ascii then only adds \uXXXX for every unit from U+007F up
 * (which can only be inside strings).
 */
export function pythonJsonDumpsOfForm(form: JsonValue, indent: number): string {
  const text = JSON.stringify(form, null, indent);
  return NON_ASCII.test(text) ? text.replace(NON_ASCII_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`) : text;
}

/**
 * `json.dumps(value, sort_keys=True, indent=indent)` as CPython writes it with `ensure_ascii`:
 * keys sorted by code point, non-ASCII and control characters as `\uXXXX`, bigint-safe. With
 * `sortKeys: false`, keys keep insertion order (plain `json.dumps`, as in-toto-keygen writes keys).
 * Throws `TypeError` for floats (programmer error: payloads never hold them).
 */
export function pythonJsonDumps(value: JsonValue, indent?: number, sortKeys = true): string {
  const native = sortKeys && indent !== undefined && Number.isInteger(indent) && indent >= 1 && indent <= 10;
  const form = native ? stringifyForm(value) : undefined;
  if (form !== undefined) return pythonJsonDumpsOfForm(form, indent as number); // native implies a number
  const out: string[] = [];
  pyDump(value, { indent, sortKeys, levels: [] }, 0, out);
  return out.join("");
}

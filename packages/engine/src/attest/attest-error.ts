// The one error shape of attestation evidence, bundles and ITE-10/11 layouts: a stable kebab-case
// code (docs/attestations.md lists them), a sentence that says what to do, and where.
import { isUtf8 } from "node:buffer";
import type { JsonValue } from "../model.js";
import { err, ok, type Result } from "../result.js";

/** Why evidence, a bundle, a trusted root or an attestation layout was refused. */
export interface AttestError {
  /** Stable code, e.g. `statement-type`, `subject-mismatch`, `sigstore-verification`. */
  readonly code: string;
  /** What is wrong and what to do about it. */
  readonly message: string;
  /** JSONPath (or layout path) of the offending value, `$` for the whole document. */
  readonly path: string;
}

/** Shorthand for a failed result with an AttestError. */
export function fail(code: string, message: string, path = "$"): { ok: false; error: AttestError } {
  return err({ code, message, path });
}

/** Attestation JSON is at most this large unless the caller says otherwise (16 MiB). */
export const ATTEST_MAX_BYTES = 16 * 1024 * 1024;
const MAX_DEPTH = 64;

/**
 * Parses untrusted attestation JSON: bounded size and nesting, UTF-8 without a BOM, no exception.
 * Unlike link files (canonical JSON, no floats), DSSE payloads and bundles are signed as raw bytes,
 * so floats are allowed here: predicates such as test results carry them.
 */
export function parseAttestJson(bytes: Uint8Array, what: string, maxBytes = ATTEST_MAX_BYTES): Result<JsonValue, AttestError> {
  if (bytes.length > maxBytes) return fail("json-too-large", `The ${what} is ${bytes.length} bytes, over the limit of ${maxBytes}.`);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return fail("json-bom", `The ${what} starts with a byte order mark; save it without one.`);
  if (!isUtf8(bytes)) return fail("json-utf8", `The ${what} is not valid UTF-8.`);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    return fail("json-syntax", `The ${what} is not JSON: ${(e as Error).message}.`);
  }
  if (depth(value) > MAX_DEPTH) return fail("json-too-deep", `The ${what} nests deeper than ${MAX_DEPTH} levels.`);
  return ok(value as JsonValue);
}

function depth(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (d > MAX_DEPTH) return d;
    if (typeof v === "object" && v !== null) {
      max = Math.max(max, d + 1);
      for (const child of Object.values(v)) stack.push([child, d + 1]);
    }
  }
  return max;
}

/** Whether a value is a plain JSON object (not an array, not null). */
export function isObject(v: unknown): v is { [key: string]: JsonValue } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

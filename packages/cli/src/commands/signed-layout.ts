// Reading a signed layout file for `import` and `diff`: the typed layout, its envelope and
// signatures, and the raw `signed` JSON (import compares it with the model, SPEC-NOTES §1.1).
import { fromBase64, type JsonValue, type LoadedEnvelope, type Layout, loadEnvelope, parseStrictJson } from "@totem/engine";
import { InputError } from "../errors.js";

/** A signed (or unsigned) layout as read from a file. */
export interface SignedLayout {
  layout: Layout;
  envelope: LoadedEnvelope["envelope"];
  signatures: LoadedEnvelope["signatures"];
  /** The payload JSON exactly as the file holds it (Metablock `signed`; DSSE decoded payload). */
  raw: JsonValue;
  /** DSSE only: the decoded payload bytes (import checks they are in the form Totem writes). */
  body?: Uint8Array;
}

/** True when the bytes look like JSON (a signed layout) rather than policy text. */
export function looksLikeJson(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    return b === 0x7b || b === 0xef; // `{`, or a UTF-8 BOM the loader reports clearly
  }
  return false;
}

/** The payload JSON as the file holds it, and for DSSE its decoded bytes. */
function rawPayload(bytes: Uint8Array, envelope: LoadedEnvelope["envelope"]): { raw: JsonValue; body?: Uint8Array } {
  const parsed = parseStrictJson(bytes);
  if (!parsed.ok || typeof parsed.value !== "object" || parsed.value === null || Array.isArray(parsed.value)) return { raw: null };
  const top = parsed.value as Record<string, JsonValue>;
  if (envelope === "metablock") return { raw: top.signed ?? null };
  const payload = top.payload;
  if (typeof payload !== "string") return { raw: null };
  const decoded = fromBase64(payload);
  const body = decoded === undefined ? undefined : parseStrictJson(decoded);
  return decoded === undefined ? { raw: null } : { raw: body?.ok ? body.value : null, body: decoded };
}

/** Loads a layout envelope; `shown` names the file in messages. Throws InputError. */
export function readSignedLayout(bytes: Uint8Array, shown: string): SignedLayout {
  const loaded = loadEnvelope(bytes, { expect: "layout" });
  if (!loaded.ok) {
    throw new InputError(`${shown} is not a readable signed layout: ${loaded.error.message}`);
  }
  if (loaded.value.type !== "layout") throw new InputError(`${shown} holds a link, not a layout.`);
  const { envelope, signatures } = loaded.value;
  return { layout: loaded.value.layout, envelope, signatures, ...rawPayload(bytes, envelope) };
}

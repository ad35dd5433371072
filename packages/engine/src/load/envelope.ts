// loadEnvelope: untrusted bytes → a typed layout or link, its signatures, and the exact bytes those
// signatures cover. Metablock vs DSSE detection follows in-toto ≥2.2 (SPEC-NOTES §1.2).
import { canonicalizeChecked } from "../canonical-json.js";
import { fromBase64 } from "../crypto/bytes.js";
import { isGpgSignature } from "../crypto/gpg-verify.js";
import { pae } from "../dsse.js";
import {
  type EnvelopeKind,
  INTOTO_PAYLOAD_TYPE,
  type JsonObject,
  type JsonValue,
  type Layout,
  type Link,
  type Signature,
} from "../model.js";
import { err, ok, type Result } from "../result.js";
import { readCanonicalLink } from "./canonical-link.js";
import { type LoadError, pointerToPath } from "./load-error.js";
import { layoutFromJson, linkFromJson, signedProjection } from "./payload.js";
import { validators } from "./schemas.js";
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, type JsonLimits, parseStrictJson } from "./strict-json.js";

/** A loaded and validated envelope. `signedBytes` is exactly what each signature must cover. */
export type LoadedEnvelope = {
  /** Metablock (in-toto 1.x) or DSSE (in-toto ≥1.4, in-toto-golang). */
  envelope: EnvelopeKind;
  /** The signatures as found (hex for Metablock; base64 for DSSE). */
  signatures: Signature[];
  /**
   * Exactly the bytes every signature must cover, and nothing else. Metablock: canonical JSON of the
   * payload rebuilt as 1.3.1 rebuilds it (unknown fields dropped, defaults inserted; SPEC-NOTES §1.1),
   * computed from the strictly parsed value — or, for a link file the one-pass reader takes, its
   * stripped bytes, which that reader proves are the same string (canonical-link.ts; property-tested
   * against the canonical encoder in canonical-link.test.ts). DSSE: PAE(payloadType, raw payload)
   * (SPEC-NOTES §1.2).
   */
  signedBytes: Uint8Array;
} & ({ type: "layout"; layout: Layout } | { type: "link"; link: Link });

/** Options for {@link loadEnvelope}. */
export interface LoadOptions extends JsonLimits {
  /** Refuse the other payload type (a layout where a link was expected, or the reverse). */
  expect?: "layout" | "link";
}

function schemaError(errors: { instancePath: string; message?: string; keyword: string; params: Record<string, unknown> }[] | null | undefined, root: unknown, base: string, what: string): LoadError {
  const e = errors?.[0];
  if (!e) return { code: "schema", message: `The ${what} is malformed.`, path: base };
  let path = pointerToPath(e.instancePath, root);
  if (base !== "$") path = base + path.slice(1);
  let message = `The ${what} is malformed at ${path}: it ${e.message ?? "is invalid"}.`;
  if (e.keyword === "required") {
    message = `The ${what} lacks the field "${String(e.params.missingProperty)}" at ${path}; add it.`;
  } else if (e.keyword === "pattern" && path.endsWith(".expires")) {
    message = `The ${what} has expires at ${path} in a form in-toto does not accept; write YYYY-MM-DDTHH:MM:SSZ.`;
  } else if (e.keyword === "pattern") {
    message = `The ${what} has a value at ${path} that must be hexadecimal.`;
  }
  return { code: "schema", message, path };
}

/** Validates a payload object and converts it to the model; `base` is its JSON path for errors. */
function loadPayload(signed: JsonObject, base: string, expect: LoadOptions["expect"]):
  Result<{ type: "layout"; layout: Layout } | { type: "link"; link: Link }, LoadError> {
  const v = validators();
  const type = signed._type;
  if (type !== "layout" && type !== "link") {
    return err({ code: "unknown-type", message: `The payload's _type must be "layout" or "link"; got ${JSON.stringify(type ?? null)}.`, path: `${base}._type` });
  }
  if (expect && type !== expect) {
    return err({ code: "wrong-type", message: `Expected a ${expect}, but this file holds a ${type}.`, path: `${base}._type` });
  }
  if (type === "layout") {
    if (!v.layout(signed)) return err(schemaError(v.layout.errors, signed, base, "layout"));
    const layout = layoutFromJson(signed, base);
    return layout.ok ? ok({ type: "layout", layout: layout.value }) : layout;
  }
  if (!v.link(signed)) return err(schemaError(v.link.errors, signed, base, "link"));
  return ok({ type: "link", link: linkFromJson(signed) });
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * A link file that is canonical apart from whitespace (canonical-link.ts), validated like any other;
 * undefined when it is not such a file or fails validation (the general path then explains why).
 */
function canonicalLink(bytes: Uint8Array, opts: LoadOptions): LoadedEnvelope | undefined {
  if (bytes.length > (opts.maxBytes ?? DEFAULT_MAX_BYTES) || (opts.maxDepth ?? DEFAULT_MAX_DEPTH) < DEFAULT_MAX_DEPTH) return undefined;
  const c = readCanonicalLink(bytes);
  if (!c) return undefined;
  const { signed, signatures = [] } = c.root;
  const v = validators();
  // The artifact dicts were checked while they were read (paths → {algorithm: hex}); the schema
  // checks the rest without walking their hundreds of thousands of entries again.
  if (!v.metablock({ ...c.root, signed: { _type: "link" } }) || !v.link(signed)) return undefined;
  const link: Link = { ...linkFromJson(signed), materials: c.artifacts.materials, products: c.artifacts.products };
  return { envelope: "metablock", signatures, signedBytes: c.signedBytes, type: "link", link };
}

/**
 * Loads an in-toto envelope from untrusted bytes. Never throws: every problem is a LoadError with a
 * JSON path. Detection (SPEC-NOTES §1.2): `payload` with payloadType `application/vnd.in-toto+json`
 * → DSSE; otherwise `signed` → Metablock; otherwise an error. A Metablock link file that is already
 * canonical JSON apart from whitespace is read in one pass (canonical-link.ts); everything else, and
 * anything that reader declines, by the plain path. Property tests prove the two give the same
 * result, signed bytes included, on hostile renderings (test/canonical-link.test.ts).
 */
export function loadEnvelope(bytes: Uint8Array, opts: LoadOptions = {}): Result<LoadedEnvelope, LoadError> {
  const fast = opts.expect !== "layout" ? canonicalLink(bytes, opts) : undefined;
  return fast ? ok(fast) : loadParsedEnvelope(bytes, opts);
}

/**
 * The plain path of {@link loadEnvelope}: strict parse, validation, and signed bytes encoded from the
 * parsed value. Exported for the tests that prove the one-pass reader equal to it; not public API.
 */
export function loadParsedEnvelope(bytes: Uint8Array, opts: LoadOptions = {}): Result<LoadedEnvelope, LoadError> {
  const parsed = parseStrictJson(bytes, opts);
  if (!parsed.ok) return parsed;
  const root = parsed.value;
  if (!isObject(root)) {
    return err({ code: "not-an-envelope", message: "The file must hold a JSON object with \"signed\" and \"signatures\".", path: "$" });
  }
  const v = validators();
  if ("payload" in root && root.payloadType === INTOTO_PAYLOAD_TYPE) {
    const gpg = Array.isArray(root.signatures) ? root.signatures.findIndex(isGpgSignature) : -1;
    if (gpg >= 0) {
      const message = "The DSSE envelope holds an OpenPGP (GPG) signature: GPG signatures are unsupported in DSSE envelopes (in-toto signs with GPG only in Metablocks).";
      return err({ code: "schema", message, path: `$.signatures[${gpg}]` });
    }
    if (!v.dsse(root)) return err(schemaError(v.dsse.errors, root, "$", "DSSE envelope"));
    // DSSE allows standard or URL-safe base64 (SPEC-NOTES §1.2).
    const body = fromBase64(root.payload as string);
    if (!body) return err({ code: "dsse-payload", message: "The DSSE payload is not base64.", path: "$.payload" });
    const inner = parseStrictJson(body, opts);
    if (!inner.ok) {
      return err({ ...inner.error, message: `The DSSE payload is not valid: ${inner.error.message}`, path: inner.error.path.replace(/^\$/, "$.payload") });
    }
    if (!isObject(inner.value)) {
      return err({ code: "dsse-payload", message: "The DSSE payload must be a JSON object (a layout or a link).", path: "$.payload" });
    }
    const payload = loadPayload(inner.value, "$.payload", opts.expect);
    if (!payload.ok) return payload;
    return ok({
      envelope: "dsse",
      signatures: root.signatures as unknown as Signature[],
      signedBytes: pae(INTOTO_PAYLOAD_TYPE, body),
      ...payload.value,
    });
  }
  if (!("signed" in root)) {
    return err({
      code: "not-an-envelope",
      message: "The file is neither a Metablock ({\"signed\", \"signatures\"}) nor a DSSE envelope with payloadType application/vnd.in-toto+json.",
      path: "$",
    });
  }
  if (!v.metablock(root)) return err(schemaError(v.metablock.errors, root, "$", "envelope"));
  const signed = root.signed as JsonObject;
  const payload = loadPayload(signed, "$.signed", opts.expect);
  if (!payload.ok) return payload;
  const signatures = (root.signatures ?? []) as unknown as Signature[];
  const bytesSigned = canonicalizeChecked(signedProjection(signed));
  if (!bytesSigned.ok) return err({ code: "not-canonicalizable", message: `The payload cannot be signed or verified: ${bytesSigned.error}.`, path: "$.signed" });
  return ok({
    envelope: "metablock",
    signatures,
    signedBytes: bytesSigned.value,
    ...payload.value,
  });
}

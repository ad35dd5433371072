// in-toto Statements (ITE-6; in-toto/attestation spec/v1/statement.md and spec/v0.1.0): the
// envelope-independent layer of an attestation. Parsed strictly: attestation-verifier accepts any
// `_type` value; Totem accepts exactly v1 and the legacy v0.1 (docs/attestations.md). The v1
// Statement is defined in protobuf (statement.proto: `string type = 1 [json_name = "_type"]`), and a
// protobuf-JSON reader accepts a field under its proto name too, so `type` is read for v1 only.
import type { HashDict, JsonObject } from "../model.js";
import { ok, type Result } from "../result.js";
import { type AttestError, fail, isObject } from "./attest-error.js";

/** The Statement `_type` of in-toto attestation v1. */
export const STATEMENT_V1 = "https://in-toto.io/Statement/v1";
/** The legacy `_type` GitHub and npm attestations still carry (spec v0.1.0). */
export const STATEMENT_V01 = "https://in-toto.io/Statement/v0.1";
/** The DSSE payloadType of every in-toto Statement. */
export const STATEMENT_PAYLOAD_TYPE = "application/vnd.in-toto+json";

/** A ResourceDescriptor (spec/v1/resource_descriptor.md): what a subject or material names. */
export interface ResourceDescriptor {
  readonly name?: string;
  readonly uri?: string;
  /** Algorithm → lowercase digest text; may be empty only where the spec allows (`uri`/`content`). */
  readonly digest: HashDict;
  readonly content?: string;
  readonly downloadLocation?: string;
  readonly mediaType?: string;
  readonly annotations?: JsonObject;
}

/** A parsed Statement: its version, subjects, predicate type and predicate (an object, `{}` if absent). */
export interface Statement {
  readonly type: typeof STATEMENT_V1 | typeof STATEMENT_V01;
  readonly subject: readonly ResourceDescriptor[];
  readonly predicateType: string;
  readonly predicate: JsonObject;
}

const STATEMENT_FIELDS = new Set(["_type", "subject", "predicateType", "predicate"]);
const DESCRIPTOR_STRINGS = ["name", "uri", "content", "downloadLocation", "mediaType"] as const;
const DESCRIPTOR_FIELDS = new Set<string>([...DESCRIPTOR_STRINGS, "digest", "annotations"]);

/**
 * Reads a ResourceDescriptor at `path`; `requireDigest` for subjects (ITE-6: a subject is identified
 * by its digest). Unknown fields are refused, as a protobuf-JSON reader does.
 */
export function parseDescriptor(value: unknown, path: string, requireDigest: boolean): Result<ResourceDescriptor, AttestError> {
  if (!isObject(value)) return fail("descriptor-shape", "A resource descriptor must be an object.", path);
  for (const key of Object.keys(value)) {
    if (!DESCRIPTOR_FIELDS.has(key)) return fail("descriptor-field", `Unknown resource descriptor field "${key}".`, `${path}.${key}`);
  }
  for (const key of DESCRIPTOR_STRINGS) {
    if (key in value && typeof value[key] !== "string") return fail("descriptor-shape", `"${key}" must be a string.`, `${path}.${key}`);
  }
  // Own properties only (Object.fromEntries defines them, so a key "__proto__" stays a key).
  const entries: [string, string][] = [];
  if ("digest" in value) {
    const d = value.digest;
    if (!isObject(d)) return fail("descriptor-digest", "A digest must be an object of algorithm → hex text.", `${path}.digest`);
    for (const [alg, hex] of Object.entries(d)) {
      if (typeof hex !== "string" || hex === "") return fail("descriptor-digest", `The ${alg} digest must be a non-empty string.`, `${path}.digest.${alg}`);
      entries.push([alg, hex]);
    }
  }
  const digest: Record<string, string> = Object.fromEntries(entries);
  if (requireDigest && Object.keys(digest).length === 0) {
    return fail("subject-digest", "A subject needs at least one digest: in-toto identifies a subject by its digest.", `${path}.digest`);
  }
  if ("annotations" in value && !isObject(value.annotations)) return fail("descriptor-shape", '"annotations" must be an object.', `${path}.annotations`);
  return ok({ ...(value as object), digest } as ResourceDescriptor);
}

/**
 * Parses a Statement from JSON. Refuses: a missing `_type`, an unknown one (the protobuf spelling
 * `type` is read for v1 alone, never beside `_type`), unknown top-level fields, no subject, subjects without digests, a missing predicateType,
 * a predicate that is not an object. Never throws.
 */
export function parseStatement(value: unknown, path = "$"): Result<Statement, AttestError> {
  if (!isObject(value)) return fail("statement-shape", "An in-toto Statement must be a JSON object.", path);
  const protoSpelling = "type" in value;
  if (protoSpelling && "_type" in value) return fail("statement-type", 'The Statement has both "_type" and "type"; keep "_type".', `${path}.type`);
  for (const key of Object.keys(value)) {
    if (!STATEMENT_FIELDS.has(key) && key !== "type") return fail("statement-field", `Unknown Statement field "${key}".`, `${path}.${key}`);
  }
  const type = protoSpelling ? value.type : value._type;
  if (protoSpelling && type !== STATEMENT_V1) {
    return fail("statement-type", `The Statement's "type" (the protobuf spelling of "_type", v1 only) is ${JSON.stringify(type)}; expected "${STATEMENT_V1}".`, `${path}.type`);
  }
  if (type !== STATEMENT_V1 && type !== STATEMENT_V01) {
    const got = type === undefined ? "no _type" : `_type ${JSON.stringify(type)}`;
    return fail("statement-type", `The Statement has ${got}; expected "${STATEMENT_V1}" (or the legacy "${STATEMENT_V01}").`, `${path}._type`);
  }
  if (!Array.isArray(value.subject) || value.subject.length === 0) {
    return fail("statement-subject", "A Statement needs a non-empty subject list.", `${path}.subject`);
  }
  const subject: ResourceDescriptor[] = [];
  for (const [i, s] of value.subject.entries()) {
    const d = parseDescriptor(s, `${path}.subject[${i}]`, true);
    if (!d.ok) return d;
    subject.push(d.value);
  }
  if (typeof value.predicateType !== "string" || value.predicateType === "") {
    return fail("statement-predicate-type", "A Statement needs a predicateType (a URI string).", `${path}.predicateType`);
  }
  const predicate = value.predicate ?? {};
  if (!isObject(predicate)) return fail("statement-predicate", "The predicate must be a JSON object.", `${path}.predicate`);
  return ok({ type, subject, predicateType: value.predicateType, predicate });
}

/**
 * The subjects whose digest agrees with `digest` on every algorithm both name, with at least one in
 * common (a subject listing sha256 and sha512 matches an artifact hashed with sha256 alone).
 */
export function subjectsMatching(statement: Statement, digest: HashDict): ResourceDescriptor[] {
  return statement.subject.filter((s) => {
    let shared = 0;
    for (const [alg, hex] of Object.entries(digest)) {
      const theirs = s.digest[alg];
      if (theirs === undefined) continue;
      if (theirs.toLowerCase() !== hex.toLowerCase()) return false;
      shared++;
    }
    return shared > 0;
  });
}

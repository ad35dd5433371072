// JSON Schemas for the envelopes and payloads in-toto 1.3.1 reads (SPEC-NOTES §1–§3), compiled once
// by ajv. They accept what 1.3.1 accepts, with a few documented tightenings (docs/formats.md):
// step names are strings, thresholds are integers ≥ 1 (not booleans), key objects carry `scheme`
// (1.3.1 aborts without it as soon as a link is checked). A layout key without `keyid` is loaded, as
// 1.3.1 loads it (in-toto-rs writes them); the verifier fails a link signed with it as 1.3.1 does
// (verify/step-check.ts). Unknown fields are allowed here;
// the loader drops them from the signed bytes exactly as 1.3.1 does.
import { Ajv, type ValidateFunction } from "ajv";

/** securesystemslib HEX_SCHEMA: `[a-fA-F0-9]+`. */
const HEX = { type: "string", pattern: "^[a-fA-F0-9]+$" } as const;
const STRING_LIST = { type: "array", items: { type: "string" } } as const;
/** Rule lists are checked for shape here and parsed rule by rule afterwards (rules.ts). */
const RULES = { type: "array", items: STRING_LIST } as const;

const SIGNATURE = {
  type: "object",
  required: ["keyid", "sig"],
  properties: { keyid: HEX, sig: HEX },
} as const;

const DSSE_SIGNATURE = {
  type: "object",
  required: ["keyid", "sig"],
  properties: { keyid: { type: "string" }, sig: { type: "string" } },
} as const;

const PUBLIC_KEY = {
  type: "object",
  required: ["keytype", "scheme", "keyval"],
  properties: {
    keyid: { type: "string" },
    keytype: { type: "string" },
    scheme: { type: "string" },
    keyid_hash_algorithms: STRING_LIST,
    keyval: {
      type: "object",
      required: ["public"],
      properties: { public: { type: "string" }, private: { const: "" } },
    },
  },
} as const;

/** securesystemslib GPG_PUBKEY_SCHEMA (formats.py): an OpenPGP key as in-toto 1.3.1 writes it. */
const GPG_NUMBERS = {
  rsa: { type: "object", required: ["e", "n"], properties: { e: { type: "string" }, n: HEX } },
  dsa: { type: "object", required: ["y", "p", "q", "g"], properties: { y: HEX, p: HEX, q: HEX, g: HEX } },
  eddsa: { type: "object", required: ["q"], properties: { q: HEX } },
} as const;

function gpgKeySchema(type: keyof typeof GPG_NUMBERS, method: string) {
  return {
    if: { type: "object", properties: { type: { const: type } } },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else keyword, read by ajv (never awaited)
    then: {
      type: "object",
      properties: {
        method: { const: method },
        keyval: { type: "object", required: ["public", "private"], properties: { public: GPG_NUMBERS[type], private: { const: "" } } },
      },
    },
  } as const;
}

const GPG_PUBLIC_KEY = {
  $id: "gpg-key",
  type: "object",
  required: ["keyid", "type", "method", "hashes", "keyval"],
  properties: {
    keyid: HEX,
    type: { enum: ["rsa", "dsa", "eddsa"] },
    method: { type: "string" },
    hashes: { type: "array", items: { const: "pgp+SHA2" } },
    creation_time: { type: "integer", minimum: 0, maximum: 2147483647 },
    validity_period: { type: "integer", minimum: 0 },
    keyval: { type: "object", required: ["public", "private"], properties: { public: { type: "object" }, private: { const: "" } } },
    subkeys: { type: "object", propertyNames: HEX, additionalProperties: { $ref: "gpg-key" } },
  },
  allOf: [
    gpgKeySchema("rsa", "pgp+rsa-pkcsv1.5"),
    gpgKeySchema("dsa", "pgp+dsa-fips-180-2"),
    gpgKeySchema("eddsa", "pgp+eddsa-ed25519"),
  ],
} as const;

/** A `layout.keys` entry: an OpenPGP key when it has `method` (and no `keytype`), else a securesystemslib key. */
const ANY_PUBLIC_KEY = {
  if: { type: "object", required: ["method"], properties: { method: true, keytype: false } },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else keyword, read by ajv (never awaited)
  then: GPG_PUBLIC_KEY,
  else: PUBLIC_KEY,
} as const;

/** securesystemslib GPG_SIGNATURE_SCHEMA: what `in-toto-run --gpg` writes into `signatures`. */
const GPG_SIGNATURE = {
  type: "object",
  required: ["keyid", "other_headers", "signature"],
  properties: { keyid: HEX, short_keyid: HEX, other_headers: HEX, signature: HEX },
} as const;

/** A Metablock signature: OpenPGP's when it has `other_headers` (and no `sig`), else `{keyid, sig}`. */
const ANY_SIGNATURE = {
  if: { type: "object", required: ["other_headers"], properties: { other_headers: true, sig: false } },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else keyword, read by ajv (never awaited)
  then: GPG_SIGNATURE,
  else: SIGNATURE,
} as const;

const STEP = {
  type: "object",
  required: ["name"],
  properties: {
    name: { type: "string" },
    threshold: { type: "integer", minimum: 1 },
    pubkeys: { type: "array", items: HEX },
    expected_command: STRING_LIST,
    expected_materials: RULES,
    expected_products: RULES,
  },
} as const;

const INSPECTION = {
  type: "object",
  required: ["name"],
  properties: {
    name: { type: "string" },
    run: STRING_LIST,
    expected_materials: RULES,
    expected_products: RULES,
  },
} as const;

const LAYOUT = {
  type: "object",
  required: ["_type", "expires", "steps", "inspect"],
  properties: {
    _type: { const: "layout" },
    expires: { type: "string", pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$" },
    readme: { type: "string" },
    keys: { type: "object", propertyNames: HEX, additionalProperties: ANY_PUBLIC_KEY },
    steps: { type: "array", items: STEP },
    inspect: { type: "array", items: INSPECTION },
  },
} as const;

const ARTIFACTS = {
  type: "object",
  additionalProperties: { type: "object", additionalProperties: HEX },
} as const;

const LINK = {
  type: "object",
  required: ["_type", "name"],
  properties: {
    _type: { const: "link" },
    name: { type: "string" },
    command: STRING_LIST,
    materials: ARTIFACTS,
    products: ARTIFACTS,
    byproducts: { type: "object" },
    environment: { type: "object" },
  },
} as const;

const METABLOCK = {
  type: "object",
  required: ["signed"],
  properties: {
    signatures: { type: "array", items: ANY_SIGNATURE },
    signed: { type: "object", required: ["_type"], properties: { _type: { enum: ["layout", "link"] } } },
  },
} as const;

const DSSE = {
  type: "object",
  required: ["payload", "payloadType", "signatures"],
  properties: {
    payload: { type: "string" },
    payloadType: { type: "string" },
    signatures: { type: "array", items: DSSE_SIGNATURE },
  },
} as const;

/** The compiled validators (compiled on first use: startup time matters for small verifications). */
export interface Validators {
  metablock: ValidateFunction;
  dsse: ValidateFunction;
  layout: ValidateFunction;
  link: ValidateFunction;
}

let compiled: Validators | undefined;

/** Returns the compiled validators, compiling them once per process. */
export function validators(): Validators {
  if (!compiled) {
    // unicodeRegExp off: our patterns are ASCII, and non-`u` regexes are markedly faster on the
    // hundreds of thousands of hash values a big chain holds. validateSchema off: checking these
    // constant schemas against the JSON Schema meta-schema compiles that meta-schema first, which
    // was most of `totem verify`'s start-up; strict mode still rejects unknown keywords.
    const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: false, unicodeRegExp: false, validateSchema: false });
    compiled = {
      metablock: ajv.compile(METABLOCK),
      dsse: ajv.compile(DSSE),
      layout: ajv.compile(LAYOUT),
      link: ajv.compile(LINK),
    };
  }
  return compiled;
}

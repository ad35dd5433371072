// The in-toto metadata model, field by field as in-toto 1.3.1 signs it (SPEC-NOTES §2, §3).
// Artifact rules are a tagged union here; `rules.ts` converts them to and from in-toto's string lists.

/** Any JSON value Totem reads or writes. Integers above 2^53 arrive as bigint from the strict loader. */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | JsonObject;
/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** `{algorithm: lowercase hex digest}`, e.g. `{"sha256": "ab…"}`. Compared as whole dicts (SPEC-NOTES §8). */
export type HashDict = Record<string, string>;

/**
 * The `keyval` of a layout key. 1.3.1 signs key objects as plain dicts (SPEC-NOTES §1.1), so every
 * field written here is part of the signed bytes and must come back out unchanged.
 */
export interface PublicKeyval {
  public: string;
  /**
   * `PUBLIC_KEY_SCHEMA` allows `private` only as `""` (SPEC-NOTES §2); in-toto-golang and some
   * hand-written layouts carry it. Typed as `""` so a real private key can never reach a layout.
   */
  private?: "";
  /**
   * in-toto-golang's X.509 keys (`rootcas`, `intermediatecas`, certificate functionaries): the PEM
   * certificate. Signed as part of the key object; Totem, like in-toto 1.3.1, does not check it.
   */
  certificate?: string;
}

/**
 * A public key as it appears in `layout.keys` (securesystemslib format). Unknown fields inside key
 * objects are kept and signed by 1.3.1, so `extra` carries them through import and compile unchanged.
 */
export interface PublicKey {
  keyid: string;
  keytype: string;
  scheme: string;
  keyval: PublicKeyval;
  /** Unknown fields inside `keyval` (1.3.1 allows and signs them), written beside `public`/`private`. */
  keyvalExtra?: JsonObject;
  /** Present in keys written by in-toto 1.3 tools; part of the 1.3 keyid hash as a constant. */
  keyid_hash_algorithms?: string[];
  /** Any other fields of the key object, signed as they are. */
  extra?: JsonObject;
  /**
   * The key object has no `keyid` field of its own (in-toto-rs's test layouts): `keyid` is the one
   * `layout.keys` lists it under, and the object is written (and signed) without it. in-toto 1.3.1
   * loads such a layout, but checking a signature with the key fails (its verification key schema
   * needs `keyid`), so a link signed with it fails verification (docs/formats.md).
   */
  keyidAbsent?: true;
  /**
   * Set for an OpenPGP key (securesystemslib `GPG_PUBKEY_SCHEMA`, what `in-toto-run --gpg` and
   * `Layout.add_functionary_key_from_gpg_keyid` use; docs/formats.md). Such a key is written as
   * `{keyid, type, method, hashes, keyval: {public: {…numbers…}, private: ""}, creation_time?,
   * validity_period?, subkeys?}`: `keytype` holds its `type` ("rsa", "dsa", "eddsa"), `scheme` its
   * `method`, `keyid` its fingerprint, and `keyval.public` the canonical JSON text of `gpg.public`
   * (so comparisons and displays of `keyval.public` still tell keys apart). keygen/keyid.ts never
   * compute its keyid: an OpenPGP keyid is the fingerprint of the key packet.
   */
  gpg?: GpgKeyFields;
}

/** The OpenPGP-only fields of a GPG key, exactly as signed (see {@link PublicKey.gpg}). */
export interface GpgKeyFields {
  /** `keyval.public`: lowercase hex numbers — RSA `{e, n}`, DSA `{p, q, g, y}`, EdDSA `{q}`. */
  public: JsonObject;
  /** `hashes`: `["pgp+SHA2"]` in every key securesystemslib writes. */
  hashes: JsonValue[];
  /** Seconds since the epoch (the key packet's creation time); absent in keys of old securesystemslib. */
  creation_time?: number;
  /** Seconds after `creation_time` the key is valid for (from its self-signature); absent = no expiry. */
  validity_period?: number;
  /** Subkeys bound to this key, by fingerprint; each is a GPG key itself. */
  subkeys?: Record<string, PublicKey>;
}

/** Which side of a destination link a MATCH rule compares against. */
export type ArtifactSide = "materials" | "products";

/** One artifact rule (SPEC-NOTES §8). Patterns are Python fnmatch patterns, never shell globs. */
export type ArtifactRule =
  | {
      type: "match";
      pattern: string;
      /** `IN <prefix>` on the source side, without a trailing slash requirement. */
      sourcePrefix?: string;
      destinationType: ArtifactSide;
      destinationPrefix?: string;
      /** The step or inspection whose link the rule compares with. */
      destinationName: string;
    }
  | { type: "create" | "delete" | "modify" | "allow" | "disallow"; pattern: string }
  /** REQUIRE takes a literal path, not a pattern. */
  | { type: "require"; pattern: string };

/** The kinds of artifact rules, in documentation order. */
export const RULE_TYPES = ["match", "create", "delete", "modify", "allow", "disallow", "require"] as const;
export type RuleType = (typeof RULE_TYPES)[number];

/**
 * One of in-toto-golang's step `cert_constraints` (its `CertificateConstraint`): what a certificate
 * must hold to act as a functionary. Each field is kept only when the layout has it, so the payload
 * comes back byte for byte. Totem (like in-toto 1.3.1) carries it but does not verify certificates.
 */
export interface CertConstraint {
  common_name?: string;
  dns_names?: string[];
  emails?: string[];
  organizations?: string[];
  /** keyids of `rootcas` entries, or `"*"`. */
  roots?: string[];
  uris?: string[];
}

/** The fields of a {@link CertConstraint}: `common_name` is a string, the others lists of strings. */
export const CERT_CONSTRAINT_FIELDS = ["common_name", "dns_names", "emails", "organizations", "roots", "uris"] as const;

/** A step of the supply chain, performed and signed by functionaries. */
export interface Step {
  _type: "step";
  name: string;
  threshold: number;
  /** keyids of the functionaries allowed to sign this step's links (keys of `layout.keys`). */
  pubkeys: string[];
  expected_command: string[];
  expected_materials: ArtifactRule[];
  expected_products: ArtifactRule[];
  /** in-toto-golang only (absent unless the layout has it; `[]` when it has an empty list). */
  cert_constraints?: CertConstraint[];
}

/** An inspection: a command the verifier runs itself after the step rules pass. */
export interface Inspection {
  _type: "inspection";
  name: string;
  run: string[];
  expected_materials: ArtifactRule[];
  expected_products: ArtifactRule[];
}

/**
 * The layout payload: the six fields in-toto 1.3.1 signs, and in-toto-golang's X.509 certificate
 * authorities when a layout has them (1.3.1 drops those before checking a Metablock signature).
 */
export interface Layout {
  _type: "layout";
  /** `YYYY-MM-DDTHH:MM:SSZ`, the only form every verifier accepts (SPEC-NOTES §11). */
  expires: string;
  readme: string;
  keys: Record<string, PublicKey>;
  steps: Step[];
  inspect: Inspection[];
  /** in-toto-golang's root CAs: keys whose `keyval.certificate` is a CA certificate. */
  rootcas?: Record<string, PublicKey>;
  /** in-toto-golang's intermediate CAs. */
  intermediatecas?: Record<string, PublicKey>;
}

/**
 * A link's materials or products: path → digests. A plain object (what Totem records, and what the
 * general loader builds), or a Map (what the one-pass reader of canonical link files builds: faster
 * to fill and read for thousands of paths). Read it through verify/artifact-dict.ts, which gives
 * both forms the same paths in the same order.
 */
export type ArtifactDict = Readonly<Record<string, HashDict>> | ReadonlyMap<string, HashDict>;

/** A link: evidence that one functionary performed one step. Its artifact dicts are always its own. */
export interface Link {
  _type: "link";
  name: string;
  command: string[];
  materials: ArtifactDict;
  products: ArtifactDict;
  byproducts: JsonObject;
  environment: JsonObject;
}

/** What artifact rules and threshold agreement read of a link. */
export interface LinkArtifacts {
  materials: ArtifactDict;
  products: ArtifactDict;
}

/** One signature in an envelope. Metablock signatures are hex; DSSE signatures are base64. */
export interface Signature {
  keyid: string;
  sig: string;
}

/**
 * An OpenPGP signature in a Metablock (securesystemslib `GPG_SIGNATURE_SCHEMA`, written by
 * `in-toto-run --gpg`): `keyid` is the signing (sub)key's fingerprint, `other_headers` the hex of the
 * signature packet's hashed part (version … hashed subpackets), `signature` the hex of its value.
 */
export interface GpgSignature {
  keyid: string;
  other_headers: string;
  signature: string;
}

/** Any signature object a Metablock may hold. */
export type AnySignature = Signature | GpgSignature;

/** The in-toto 1.x envelope: `{"signed": payload, "signatures": [...]}`. */
export interface Metablock<T> {
  signed: T;
  signatures: Signature[];
}

/** The DSSE envelope used by modern in-toto (≥1.4, in-toto-golang). */
export interface DsseEnvelope {
  payload: string;
  payloadType: string;
  signatures: Signature[];
}

/** The payload type in-toto uses inside DSSE envelopes. */
export const INTOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

/**
 * Which verifier family a layout is made for. `in-toto-1.3`: Metablock only, keyids hash
 * `keyid_hash_algorithms`. `in-toto`: modern keyids (securesystemslib ≥0.28), Metablock or DSSE.
 * `in-toto-golang`: the 1.3 keyids and key objects (as in-toto-golang and the layout API of in-toto ≥2
 * Python compute them), DSSE by default, and in-toto-golang's X.509 fields.
 */
export type Target = "in-toto-1.3" | "in-toto" | "in-toto-golang";
export const TARGETS: readonly Target[] = ["in-toto-1.3", "in-toto", "in-toto-golang"];

/** How a signed layout or link is wrapped. */
export type EnvelopeKind = "metablock" | "dsse";

// Validated payload JSON → the engine model, and the projection in-toto 1.3.1 actually signs.
// 1.3.1 rebuilds its model from the JSON and signs `attr.asdict(model)` (SPEC-NOTES §1.1): unknown
// fields at layout, step, inspection and link level vanish, missing optional fields appear with their
// defaults, `_type` is forced. Values inside keys, rules, hash dicts, byproducts and environment are
// kept as read. Projecting from the raw JSON (rather than re-emitting the model) keeps rule lists
// exactly as signed, e.g. lowercase keywords, which re-emission would uppercase.
import { type ArtifactRule, CERT_CONSTRAINT_FIELDS, type CertConstraint, type Inspection, type JsonObject, type JsonValue, type Layout, type Link, type PublicKey, type Step } from "../model.js";
import { gpgKeyFromJson, isGpgKeyJson } from "../keys/gpg-key.js";
import { err, ok, type Result } from "../result.js";
import { parseRuleStrings } from "../rules.js";
import { childPath, type LoadError } from "./load-error.js";

type Raw = Record<string, JsonValue>;

const KEY_FIELDS = new Set(["keyid", "keytype", "scheme", "keyval", "keyid_hash_algorithms"]);

function stepProjection(s: Raw): JsonObject {
  return {
    _type: "step",
    name: s.name ?? null,
    threshold: s.threshold ?? 1,
    pubkeys: s.pubkeys ?? [],
    expected_command: s.expected_command ?? [],
    expected_materials: s.expected_materials ?? [],
    expected_products: s.expected_products ?? [],
  };
}

function inspectionProjection(s: Raw): JsonObject {
  return {
    _type: "inspection",
    name: s.name ?? null,
    run: s.run ?? [],
    expected_materials: s.expected_materials ?? [],
    expected_products: s.expected_products ?? [],
  };
}

/** The payload as 1.3.1 re-serializes it before checking a signature (schema-valid input only). */
export function signedProjection(signed: JsonObject): JsonObject {
  if (signed._type === "layout") {
    return {
      _type: "layout",
      expires: signed.expires ?? null,
      readme: signed.readme ?? "",
      keys: signed.keys ?? {},
      steps: (signed.steps as Raw[]).map(stepProjection),
      inspect: (signed.inspect as Raw[]).map(inspectionProjection),
    };
  }
  return {
    _type: "link",
    name: signed.name ?? null,
    command: signed.command ?? [],
    materials: signed.materials ?? {},
    products: signed.products ?? {},
    byproducts: signed.byproducts ?? {},
    environment: signed.environment ?? {},
  };
}

function rules(list: JsonValue | undefined, path: string): Result<ArtifactRule[], LoadError> {
  const out: ArtifactRule[] = [];
  for (const [i, raw] of ((list ?? []) as JsonValue[]).entries()) {
    const r = parseRuleStrings(raw);
    if (!r.ok) return err({ code: "rule", message: r.error, path: childPath(path, i) });
    out.push(r.value);
  }
  return ok(out);
}

/** A key object as the model holds it; `listedAs` is the keyid `layout.keys` lists it under. */
function publicKey(raw: Raw, listedAs: string): PublicKey {
  if (isGpgKeyJson(raw as JsonObject)) return gpgKeyFromJson(raw as JsonObject);
  const keyval = raw.keyval as Raw;
  const key: PublicKey = {
    keyid: typeof raw.keyid === "string" ? raw.keyid : listedAs,
    keytype: raw.keytype as string,
    scheme: raw.scheme as string,
    keyval: { public: keyval.public as string },
  };
  // 1.3.1 signs key objects as they are (SPEC-NOTES §2): keep `private: ""` (what its RSA loader
  // writes), in-toto-golang's `certificate` and any other keyval field.
  if (keyval.private === "") key.keyval.private = "";
  if (typeof keyval.certificate === "string") key.keyval.certificate = keyval.certificate;
  const keyvalExtra: JsonObject = {};
  for (const [k, v] of Object.entries(keyval)) if (!(k in key.keyval)) keyvalExtra[k] = v;
  if (Object.keys(keyvalExtra).length > 0) key.keyvalExtra = keyvalExtra;
  if (raw.keyid_hash_algorithms !== undefined) key.keyid_hash_algorithms = raw.keyid_hash_algorithms as string[];
  // in-toto-rs writes key objects without their keyid: the listing keyid is the key's identity.
  if (raw.keyid === undefined) key.keyidAbsent = true;
  const extra: JsonObject = {};
  for (const [k, v] of Object.entries(raw)) if (!KEY_FIELDS.has(k)) extra[k] = v;
  if (Object.keys(extra).length > 0) key.extra = extra;
  return key;
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v) && typeof v !== "bigint";
}

function isStringList(v: JsonValue | undefined): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}

/**
 * in-toto-golang's `rootcas` / `intermediatecas` (dicts of key objects), or undefined when absent or
 * not of that shape. 1.3.1 ignores both, so the loader does not reject them; the importer reports
 * whatever the model cannot carry (import/payload-fidelity.ts).
 */
function caKeys(raw: JsonValue | undefined): Record<string, PublicKey> | undefined {
  if (!isObject(raw)) return undefined;
  const out: Record<string, PublicKey> = {};
  for (const [id, k] of Object.entries(raw)) {
    const kv = isObject(k) ? k.keyval : undefined;
    if (!isObject(k) || !isObject(kv) || typeof kv.public !== "string" || (kv.private !== undefined && kv.private !== "")) return undefined;
    if (typeof k.keyid !== "string" || typeof k.keytype !== "string" || typeof k.scheme !== "string") return undefined;
    if (k.keyid_hash_algorithms !== undefined && !isStringList(k.keyid_hash_algorithms)) return undefined;
    out[id] = publicKey(k, id);
  }
  return out;
}

/** in-toto-golang's step `cert_constraints`, or undefined when absent or not of its shape. */
function certConstraints(raw: JsonValue | undefined): CertConstraint[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const out: CertConstraint[] = [];
  for (const c of raw) {
    if (!isObject(c)) return undefined;
    const constraint: Record<string, string | string[]> = {};
    for (const [field, value] of Object.entries(c)) {
      const known = (CERT_CONSTRAINT_FIELDS as readonly string[]).includes(field);
      const typed = field === "common_name" ? typeof value === "string" : isStringList(value);
      if (!known || !typed) return undefined;
      constraint[field] = field === "common_name" ? (value as string) : [...(value as string[])];
    }
    out.push(constraint as CertConstraint);
  }
  return out;
}

function isValidDate(expires: string): boolean {
  const [y, mo, d, h, mi, s] = expires.match(/\d+/g)?.map(Number) ?? [];
  if (y === undefined || mo === undefined || d === undefined || h === undefined || mi === undefined || s === undefined) return false;
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
}

/** Converts a schema-valid layout payload to the model; rule lists are parsed (SPEC-NOTES §8). */
export function layoutFromJson(signed: JsonObject, base: string): Result<Layout, LoadError> {
  const expires = signed.expires as string;
  if (!isValidDate(expires)) {
    return err({ code: "schema", message: `The layout's expires "${expires}" is not a real date and time.`, path: `${base}.expires` });
  }
  const keys: Record<string, PublicKey> = {};
  for (const [id, raw] of Object.entries((signed.keys ?? {}) as Record<string, Raw>)) keys[id] = publicKey(raw, id);
  const steps: Step[] = [];
  const names = new Set<string>();
  // Names are unique across steps and inspections; then both rule lists parse (SPEC-NOTES §2).
  const itemRules = (s: Raw, path: string): Result<{ materials: ArtifactRule[]; products: ArtifactRule[] }, LoadError> => {
    const name = s.name as string;
    if (names.has(name)) {
      return err({ code: "duplicate-name", message: `The name "${name}" is used by two steps or inspections; names must be unique.`, path: `${path}.name` });
    }
    names.add(name);
    const materials = rules(s.expected_materials, `${path}.expected_materials`);
    if (!materials.ok) return materials;
    const products = rules(s.expected_products, `${path}.expected_products`);
    return products.ok ? ok({ materials: materials.value, products: products.value }) : products;
  };
  for (const [i, s] of (signed.steps as Raw[]).entries()) {
    const r = itemRules(s, `${base}.steps[${i}]`);
    if (!r.ok) return r;
    const step: Step = {
      _type: "step",
      name: s.name as string,
      threshold: (s.threshold as number | undefined) ?? 1,
      pubkeys: (s.pubkeys as string[] | undefined) ?? [],
      expected_command: (s.expected_command as string[] | undefined) ?? [],
      expected_materials: r.value.materials,
      expected_products: r.value.products,
    };
    const constraints = certConstraints(s.cert_constraints);
    if (constraints !== undefined) step.cert_constraints = constraints;
    steps.push(step);
  }
  const inspect: Inspection[] = [];
  for (const [i, s] of (signed.inspect as Raw[]).entries()) {
    const r = itemRules(s, `${base}.inspect[${i}]`);
    if (!r.ok) return r;
    inspect.push({
      _type: "inspection",
      name: s.name as string,
      run: (s.run as string[] | undefined) ?? [],
      expected_materials: r.value.materials,
      expected_products: r.value.products,
    });
  }
  const layout: Layout = { _type: "layout", expires, readme: (signed.readme as string | undefined) ?? "", keys, steps, inspect };
  const rootcas = caKeys(signed.rootcas);
  if (rootcas !== undefined) layout.rootcas = rootcas;
  const intermediatecas = caKeys(signed.intermediatecas);
  if (intermediatecas !== undefined) layout.intermediatecas = intermediatecas;
  return ok(layout);
}

/** Converts a schema-valid link payload to the model (the artifact dicts are shared, not copied). */
export function linkFromJson(signed: JsonObject): Link {
  return {
    _type: "link",
    name: signed.name as string,
    command: (signed.command as string[] | undefined) ?? [],
    materials: (signed.materials ?? {}) as Link["materials"],
    products: (signed.products ?? {}) as Link["products"],
    byproducts: (signed.byproducts ?? {}) as JsonObject,
    environment: (signed.environment ?? {}) as JsonObject,
  };
}

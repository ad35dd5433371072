// Model → payload JSON with exactly the field sets in-toto 1.3.1 signs (SPEC-NOTES §2, §3, §13).
// 1.3.1 rebuilds its model from the JSON and signs that, dropping unknown top-level, step and
// inspection fields and inserting defaults, so the emitter writes every known field and nothing else.
// Key objects are plain dicts to 1.3.1: their unknown fields (`extra`) are kept and signed.

import { canonicalize } from "./canonical-json.js";
import type { ArtifactRule, Inspection, JsonObject, JsonValue, Layout, Link, PublicKey, Step } from "./model.js";
import { ruleToStrings } from "./rules.js";

/** A `layout.keys` entry as JSON: `extra` fields first, then the known fields (which win). */
export function publicKeyToJson(key: PublicKey): JsonObject {
  const out: JsonObject = { ...(key.extra ?? {}) };
  out.keyid = key.keyid;
  out.keytype = key.keytype;
  out.scheme = key.scheme;
  out.keyval = { public: key.keyval.public };
  if (key.keyid_hash_algorithms !== undefined) out.keyid_hash_algorithms = [...key.keyid_hash_algorithms];
  return out;
}

function rulesToJson(rules: readonly ArtifactRule[]): JsonValue[] {
  return rules.map(ruleToStrings);
}

function stepToJson(step: Step): JsonObject {
  return {
    _type: "step",
    name: step.name,
    threshold: step.threshold,
    pubkeys: [...step.pubkeys],
    expected_command: [...step.expected_command],
    expected_materials: rulesToJson(step.expected_materials),
    expected_products: rulesToJson(step.expected_products),
  };
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

/** The layout payload: exactly `_type, expires, readme, keys, steps, inspect` (SPEC-NOTES §13.2). */
export function layoutToJson(layout: Layout): JsonObject {
  const keys: JsonObject = {};
  for (const [id, key] of Object.entries(layout.keys)) keys[id] = publicKeyToJson(key);
  return {
    _type: "layout",
    expires: layout.expires,
    readme: layout.readme,
    keys,
    steps: layout.steps.map(stepToJson),
    inspect: layout.inspect.map(inspectionToJson),
  };
}

function artifactsToJson(artifacts: Link["materials"]): JsonObject {
  const out: JsonObject = {};
  for (const [path, hashes] of Object.entries(artifacts)) out[path] = { ...hashes };
  return out;
}

/** The link payload: exactly `_type, name, command, materials, products, byproducts, environment` (SPEC-NOTES §3). */
export function linkToJson(link: Link): JsonObject {
  return {
    _type: "link",
    name: link.name,
    command: [...link.command],
    materials: artifactsToJson(link.materials),
    products: artifactsToJson(link.products),
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

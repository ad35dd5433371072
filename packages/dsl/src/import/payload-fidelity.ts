// Does the typed Layout still describe the bytes a foreign tool signed? in-toto 1.3.1 signs the
// canonical JSON of its own model rebuilt from the file (SPEC-NOTES §1.1): unknown top-level, step
// and inspection fields dropped, defaults inserted, `_type` forced — but rule lists and key objects
// kept exactly as written. The engine's model normalizes rule keywords to uppercase and keeps key
// objects only in their known shape, so this compares the two views and names every difference.
import { canonicalString, type JsonObject, type JsonValue, type Layout, layoutToJson } from "@totem/engine";
import type { ImportIssue } from "./issues.js";

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v) && typeof v !== "bigint";
}

/** `fields` with their defaults, and the `optional` fields the object has (in-toto-golang's). */
function pick(raw: JsonValue | undefined, type: string, fields: Record<string, JsonValue>, optional: readonly string[] = []): JsonObject {
  const obj = isObject(raw) ? raw : {};
  const out: JsonObject = { _type: type };
  for (const [name, fallback] of Object.entries(fields)) out[name] = obj[name] ?? fallback;
  for (const name of optional) if (obj[name] !== undefined) out[name] = obj[name];
  return out;
}

/**
 * The payload as in-toto 1.3.1 would sign it, computed from the raw `signed` JSON, plus the fields
 * in-toto-golang signs beside them (`rootcas`, `intermediatecas`, step `cert_constraints`) when the
 * file has them: the imported policy must give them back too.
 */
export function referencePayloadView(raw: JsonValue): JsonObject {
  const obj = isObject(raw) ? raw : {};
  const steps = Array.isArray(obj.steps) ? obj.steps : [];
  const inspect = Array.isArray(obj.inspect) ? obj.inspect : [];
  return {
    ...pick(raw, "layout", { expires: "", readme: "", keys: {} }, ["rootcas", "intermediatecas"]),
    steps: steps.map((s) =>
      pick(s, "step", { name: "", threshold: 1, pubkeys: [], expected_command: [], expected_materials: [], expected_products: [] }, ["cert_constraints"]),
    ),
    inspect: inspect.map((i) => pick(i, "inspection", { name: "", run: [], expected_materials: [], expected_products: [] })),
  };
}

/** JSON paths where two values differ (at most `limit`, depth first). */
export function differences(a: JsonValue | undefined, b: JsonValue | undefined, path: string, out: string[], limit: number): void {
  if (out.length >= limit) return;
  if (a !== undefined && b !== undefined && canonicalString(a) === canonicalString(b)) return;
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (const [i, x] of a.entries()) differences(x, b[i], `${path}[${i}]`, out, limit);
    return;
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) differences(a[k], b[k], `${path}${/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`}`, out, limit);
    return;
  }
  out.push(path);
}

function explain(path: string): string {
  if (/expected_(materials|products)\[\d+\]/.test(path)) {
    return "this rule list is signed as written (e.g. lowercase keywords); Totem writes rules in canonical uppercase form";
  }
  if (path.includes(".keys")) return "this key object has fields the engine's key model does not keep";
  if (/rootcas|intermediatecas|cert_constraints/.test(path)) return "this in-toto-golang field is not of the shape in-toto-golang writes";
  return "the engine's model of this value differs from what was signed";
}

/**
 * Issues for every place where `layout` (the typed model) would serialize to different bytes than
 * in-toto signs for `raw` (the `signed` JSON as read). Empty when the two agree byte for byte.
 */
export function payloadFidelity(raw: JsonValue, layout: Layout): ImportIssue[] {
  let reference: JsonObject;
  let model: JsonObject;
  try {
    reference = referencePayloadView(raw);
    model = layoutToJson(layout);
    if (canonicalString(reference) === canonicalString(model)) return [];
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return [{ code: "import-payload-changed", severity: "error", message: `The payload cannot be canonicalized (${message}).`, path: "$" }];
  }
  const paths: string[] = [];
  differences(reference, model, "$", paths, 10);
  return paths.map((path) => ({
    code: "import-payload-changed",
    severity: "error",
    message: `Re-emitting this layout changes the signed bytes at ${path}: ${explain(path)}. The imported policy would not reproduce the signed payload.`,
    path,
  }));
}

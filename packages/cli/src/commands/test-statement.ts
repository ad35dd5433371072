// The in-toto Statement a step's signers make in a policy test of a target "ite-10" policy
// (docs/testing.md): subjects and the predicate's artifact fields come from the step's `consumes`
// and `produces`, placed per predicate type where attestation-verifier reads them back
// (docs/attestations.md; the engine's claimArtifacts is the reader, and cli/test checks the round
// trip); then the test's `predicate "JSON"` is merged over that predicate and its field lines set.
import type { StepEvidence, TestArtifact } from "@totem/dsl";
import { buildLink, type JsonObject, type JsonValue, LINK_PREDICATE_V03, linkStatement, STATEMENT_V1 } from "@totem/engine";
import { dict, EvidenceError, hashOf } from "./test-chain.js";

const SLSA_V1 = "https://slsa.dev/provenance/v1";
const SLSA_V02 = "https://slsa.dev/provenance/v0.2";

function descriptors(list: readonly TestArtifact[]): JsonObject[] {
  return list.map((a) => ({ name: a.path, digest: { ...hashOf(a.content) } }));
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The own field `key` of `obj`: never one it inherits (`__proto__` reads Object.prototype). */
function own(obj: JsonObject, key: string): JsonValue | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Sets the own field `key` of `obj`: a field named `__proto__` in a test file is data, not a prototype. */
function put(obj: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `over` merged into `base`: objects field by field, anything else replaced. */
function merge(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const mine = own(out, key);
    put(out, key, isObject(mine) && isObject(value) ? merge(mine, value) : value);
  }
  return out;
}

/** Sets a dotted field, making the objects on its way (a non-object on the way is replaced). */
function setField(target: JsonObject, path: readonly string[], value: JsonValue): void {
  let at = target;
  for (const key of path.slice(0, -1)) {
    let next = own(at, key);
    if (!isObject(next)) {
      next = {};
      put(at, key, next);
    }
    at = next;
  }
  put(at, path[path.length - 1] as string, value);
}

/** Subjects and predicate from the step's files, per predicate type. */
function artifactParts(ev: StepEvidence, predicateType: string, command: readonly string[]): { subject: JsonValue[]; predicate: JsonObject } {
  const products = descriptors(ev.products);
  switch (predicateType) {
    case LINK_PREDICATE_V03: {
      const statement = linkStatement(buildLink({ name: ev.step, materials: dict(ev.materials), products: dict(ev.products), command: [...command], returnValue: 0 }));
      if (!statement.ok) throw new EvidenceError(`step "${ev.step}" attests a link Statement, which needs a subject: add \`produces\`, or leave out \`attests\` for a classic link`);
      return { subject: statement.value.subject as JsonValue[], predicate: statement.value.predicate as JsonObject };
    }
    case SLSA_V1:
      return { subject: products, predicate: { buildDefinition: { resolvedDependencies: descriptors(ev.materials) } } };
    case SLSA_V02:
      return { subject: products, predicate: { materials: descriptors(ev.materials).map(({ name, digest }) => ({ uri: name as string, digest: digest as JsonObject })) } };
    default:
      if (products.length > 0) {
        throw new EvidenceError(`step "${ev.step}": a ${predicateType} Statement's subjects are the step's materials and it has no products; write its files under \`consumes\``);
      }
      return { subject: descriptors(ev.materials), predicate: {} };
  }
}

/** The Statement (plain JSON) the step's signers make: `_type` v1, subjects, predicate type, predicate. */
export function statementOf(ev: StepEvidence, predicateType: string, command: readonly string[]): JsonObject {
  const parts = artifactParts(ev, predicateType, command);
  const predicate = merge(parts.predicate, ev.attests?.predicate ?? {});
  for (const field of ev.attests?.fields ?? []) setField(predicate, field.path, field.value);
  return { _type: STATEMENT_V1, subject: parts.subject, predicateType, predicate };
}

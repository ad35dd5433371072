// `attests "TYPE" { … }` in a policy test's step (docs/testing.md): the in-toto Statement a step's
// signers make in a test of a target "ite-10" policy — its predicate type, and its predicate as a JSON
// object (`predicate "{…}"`) and/or field lines (`result = "FAILED"`, `buildDefinition.externalParameters.workflow.ref = "refs/tags/v1"`).
// Subjects and the predicate's artifact fields come from the step's `consumes`/`produces` (the CLI
// maps them per predicate type). Pure; never throws: problems are `test-syntax` diagnostics.
import type { JsonObject, JsonValue } from "@totem/engine";
import type { Span } from "../diagnostic.js";
import type { Reader, Token } from "./test-reader.js";

/** One `PATH = VALUE` line: a predicate field (dotted path) and the JSON value it is given. */
export interface PredicateField {
  path: string[];
  value: JsonValue;
  span: Span;
}

/** What a step's signers attest: a Statement of this predicate type with this predicate. */
export interface AttestedClaim {
  predicateType: string;
  /** `predicate "JSON"`: the predicate's fields (merged over the ones the step's artifacts give). */
  predicate?: JsonObject;
  /** Field lines, applied in order after `predicate`. */
  fields: PredicateField[];
  span: Span;
}

const WORD_VALUES: Record<string, JsonValue> = { true: true, false: false, null: null };

function value(r: Reader): JsonValue | undefined {
  const t = r.peek();
  if (t?.kind === "string") return (r.next() as Token).value;
  if (t?.kind === "number") return Number((r.next() as Token).text);
  if (t?.kind === "word" && t.text in WORD_VALUES) return WORD_VALUES[(r.next() as Token).text];
  if (r.eat("[")) {
    const items: JsonValue[] = [];
    while (!r.is("]") && r.peek() !== undefined) {
      const item = value(r);
      if (item === undefined) break;
      items.push(item);
      if (!r.eat(",")) break;
    }
    r.expect("]", "`]` closing the list");
    return items;
  }
  return r.fail('Expected a value: a string, a number, true, false, null or a list such as ["unit", "e2e"].');
}

function predicateJson(r: Reader): JsonObject | undefined {
  const t = r.take("string", 'the predicate as a JSON object in a string, e.g. predicate "{\\"result\\": \\"PASSED\\"}"');
  if (t === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(t.value);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as JsonObject;
  } catch {
    // reported below
  }
  return r.fail("The predicate must be a JSON object, e.g. \"{\\\"result\\\": \\\"PASSED\\\"}\".", t.span);
}

/** Reads what follows `attests`: the predicate type and an optional `{ … }` of predicate and fields. */
export function attestsClause(r: Reader, start: Span): AttestedClaim | undefined {
  const type = r.take("string", 'the predicate type as a string, e.g. attests "https://in-toto.io/attestation/test-result/v0.1"');
  if (type === undefined) return undefined;
  const claim: AttestedClaim = { predicateType: type.value, fields: [], span: { start: start.start, end: type.span.end } };
  if (!r.eat("{")) return claim;
  while (r.peek() !== undefined && !r.is("}")) {
    if (r.eat("predicate")) {
      const json = predicateJson(r);
      if (json !== undefined) claim.predicate = json;
      continue;
    }
    const field = r.peek();
    if (field?.kind !== "word" || r.peek(1)?.text !== "=") {
      r.skipUnknown('Expected `predicate "{…}"` or a field line such as `result = "PASSED"` in `attests { … }`.', ["predicate"]);
      continue;
    }
    r.next();
    r.next();
    const v = value(r);
    if (v !== undefined) claim.fields.push({ path: field.text.split("."), value: v, span: field.span });
  }
  r.expect("}", "`}` closing `attests { … }`");
  return claim;
}

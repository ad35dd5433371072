// ITE-11 attribute rules: CEL expressions over one claim, evaluated with @bufbuild/cel. The
// variables are attestation-verifier's three — `predicate` (the predicate as a JSON map), `subject`
// (the list of ResourceDescriptors as maps) and `predicateType` — and nothing else. Stricter than
// the prototype: a result that is not a boolean fails, a reference to an undeclared variable fails,
// and a missing field is skipped only where the rule says `allowIfNoClaim`.
import type { JsonValue } from "../model.js";
import { celLib } from "./libraries.js";
import type { Statement } from "./statement.js";

/** What one rule did: passed, failed (false), skipped (missing field, allowed), or an error. */
export type RuleOutcome =
  | { readonly kind: "true" }
  | { readonly kind: "false" }
  | { readonly kind: "missing-field"; readonly message: string }
  | { readonly kind: "error"; readonly message: string };

/** The CEL form of JSON: objects become maps (so a missing key is an error, as with protobuf Struct). */
function toCel(value: JsonValue | undefined): unknown {
  if (Array.isArray(value)) return value.map(toCel);
  if (typeof value === "object" && value !== null && typeof value !== "bigint") {
    return new Map(Object.entries(value).map(([k, v]) => [k, toCel(v)]));
  }
  return typeof value === "bigint" ? Number(value) : value;
}

/** Where a CEL text fails to parse (offset into the rule, in UTF-16 units), or undefined when it parses. */
export type CelSyntaxCheck = (rule: string) => { message: string; offset: number } | undefined;

/**
 * The CEL parser as a synchronous check, once the library is loaded: for callers that must not wait
 * per rule (the dsl's checks run synchronously; the CLI and the language server load it first).
 * Parses only, never evaluates.
 */
export async function celParser(): Promise<CelSyntaxCheck> {
  const cel = await celLib();
  return (rule) => {
    try {
      cel.parse(rule);
      return undefined;
    } catch (e) {
      const error = e as Error & { location?: { start?: { offset?: number } } };
      return { message: error.message.replace(/^<input>:\d+:\d+: /, ""), offset: error.location?.start?.offset ?? 0 };
    }
  };
}

/** Where a CEL text fails to parse (offset into the rule), or undefined when it parses. */
export async function celSyntaxError(rule: string): Promise<{ message: string; offset: number } | undefined> {
  return (await celParser())(rule);
}

/** Evaluates one rule against a claim. Never rejects. */
export async function evaluateRule(rule: string, statement: Statement): Promise<RuleOutcome> {
  const cel = await celLib();
  const syntax = await celSyntaxError(rule);
  if (syntax) return { kind: "error", message: `the rule does not parse: ${syntax.message}` };
  let result: unknown;
  try {
    result = cel.run(rule, {
      predicate: toCel(statement.predicate),
      subject: toCel(statement.subject as unknown as JsonValue),
      predicateType: statement.predicateType,
    } as never);
  } catch (e) {
    return { kind: "error", message: (e as Error).message };
  }
  if (cel.isCelError(result)) {
    const message = result.message;
    return /field not found|no such key/.test(message) ? { kind: "missing-field", message } : { kind: "error", message };
  }
  if (result === true) return { kind: "true" };
  if (result === false) return { kind: "false" };
  return { kind: "error", message: `the rule gives ${typeof result === "object" ? "a value" : JSON.stringify(result)}, not true or false` };
}

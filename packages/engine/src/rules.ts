// Artifact rules as in-toto's string lists (SPEC-NOTES §8, in_toto/rulelib.py:30-172).
//
// Byte stability: keywords are accepted in any case, as `unpack_rule` does, but always re-emitted in
// uppercase. A rule list that someone signed with lowercase keywords (`["allow", "*"]`) therefore
// canonicalizes to different bytes after a round trip through the tagged union, and its old signature
// no longer covers the re-emitted payload. Keep the original JSON to verify foreign signatures, and
// re-sign whatever Totem re-emits.

import type { ArtifactRule } from "./model.js";
import { assertNever, err, ok, type Result } from "./result.js";

/** The keyword in-toto writes first for each rule type. */
function keyword(type: ArtifactRule["type"]): string {
  return type.toUpperCase();
}

/**
 * The in-toto string list for a rule, keywords uppercase, e.g.
 * `["MATCH", pat, "IN", src, "WITH", "PRODUCTS", "IN", dst, "FROM", step]` or `["CREATE", pat]`.
 * An `IN` clause is written whenever its prefix is defined, even when empty, so a parsed list
 * round-trips (1.3.1 treats an empty prefix like none: `if source_prefix:`).
 */
export function ruleToStrings(rule: ArtifactRule): string[] {
  switch (rule.type) {
    case "match": {
      const out = ["MATCH", rule.pattern];
      if (rule.sourcePrefix !== undefined) out.push("IN", rule.sourcePrefix);
      out.push("WITH", rule.destinationType.toUpperCase());
      if (rule.destinationPrefix !== undefined) out.push("IN", rule.destinationPrefix);
      out.push("FROM", rule.destinationName);
      return out;
    }
    case "create":
    case "delete":
    case "modify":
    case "allow":
    case "disallow":
    case "require":
      return [keyword(rule.type), rule.pattern];
    default:
      return assertNever(rule);
  }
}

const GENERIC = new Set(["create", "delete", "modify", "allow", "disallow", "require"]);
const MATCH_FORM =
  "MATCH <pattern> [IN <source-prefix>] WITH (MATERIALS|PRODUCTS) [IN <destination-prefix>] FROM <step>";

function show(list: readonly string[]): string {
  return JSON.stringify(list);
}

/** Where each part sits in the four MATCH shapes `unpack_rule` recognizes (indices into the list). */
interface MatchShape {
  length: number;
  keywords: Record<number, string>;
  side: number;
  source?: number;
  destination?: number;
  name: number;
}
const MATCH_SHAPES: readonly MatchShape[] = [
  { length: 10, keywords: { 2: "in", 4: "with", 6: "in", 8: "from" }, source: 3, side: 5, destination: 7, name: 9 },
  { length: 8, keywords: { 2: "in", 4: "with", 6: "from" }, source: 3, side: 5, name: 7 },
  { length: 8, keywords: { 2: "with", 4: "in", 6: "from" }, side: 3, destination: 5, name: 7 },
  { length: 6, keywords: { 2: "with", 4: "from" }, side: 3, name: 5 },
];

function parseMatch(rule: readonly string[], lower: readonly string[]): Result<ArtifactRule, string> {
  const shape = MATCH_SHAPES.find(
    (s) => s.length === rule.length && Object.entries(s.keywords).every(([i, kw]) => lower[Number(i)] === kw),
  );
  if (!shape) {
    return err(`A MATCH rule must have the form ${MATCH_FORM} (6, 8 or 10 strings); got ${show(rule)}.`);
  }
  const side = lower[shape.side] as string;
  if (side !== "materials" && side !== "products") {
    const hint = side === "material" || side === "product" ? ` (write ${side.toUpperCase()}S, plural)` : "";
    return err(`A MATCH rule compares WITH MATERIALS or WITH PRODUCTS${hint}; got ${show(rule)}.`);
  }
  const parsed: ArtifactRule = {
    type: "match",
    pattern: rule[1] as string,
    destinationType: side,
    destinationName: rule[shape.name] as string,
  };
  if (shape.source !== undefined) parsed.sourcePrefix = rule[shape.source] as string;
  if (shape.destination !== undefined) parsed.destinationPrefix = rule[shape.destination] as string;
  return ok(parsed);
}

/**
 * Parses one in-toto rule list, accepting exactly what in-toto 1.3.1 `rulelib.unpack_rule` accepts:
 * a list of strings; keywords case-insensitive; generic rules of length 2; MATCH of length 6, 8 or
 * 10; singular MATERIAL/PRODUCT rejected. Never throws: the error says what is wrong.
 */
export function parseRuleStrings(list: unknown): Result<ArtifactRule, string> {
  if (!Array.isArray(list) || !list.every((x) => typeof x === "string")) {
    return err(`An artifact rule must be a list of strings, like ["ALLOW", "*"]; got ${safeShow(list)}.`);
  }
  const rule = list as string[];
  // Python's str.lower() and JS toLowerCase() agree on the keywords that can match.
  const lower = rule.map((s) => s.toLowerCase());
  const head = lower[0];
  if (rule.length < 2 || head === undefined || (!GENERIC.has(head) && head !== "match")) {
    return err(
      `An artifact rule must start with MATCH, CREATE, DELETE, MODIFY, ALLOW, DISALLOW or REQUIRE followed by a pattern; got ${show(rule)}.`,
    );
  }
  if (head === "match") return parseMatch(rule, lower);
  if (rule.length !== 2) {
    return err(`${head.toUpperCase()} takes exactly one pattern: ["${head.toUpperCase()}", <pattern>]; got ${show(rule)}.`);
  }
  return ok({ type: head as "create" | "delete" | "modify" | "allow" | "disallow" | "require", pattern: rule[1] as string });
}

function safeShow(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

// Artifact rules as attestation-verifier writes them in a layout: one string per rule, its words
// separated by single spaces ("MATCH src/* WITH products FROM checkout", "CREATE app"). The words are
// in-toto's rule lists (rules.ts), so a pattern holding a space cannot be written this way.
import type { ArtifactRule } from "../model.js";
import type { Result } from "../result.js";
import { parseRuleStrings, ruleToStrings } from "../rules.js";

/**
 * A rule as one attestation-layout string: in-toto's words, the MATCH side in lower case as
 * attestation-verifier's layouts write it. Undefined when a part holds a space (the string could not be read back).
 */
export function ruleToLayoutString(rule: ArtifactRule): string | undefined {
  const words = ruleToStrings(rule);
  if (words.some((w) => w.includes(" "))) return undefined;
  // The side follows the WITH keyword: MATCH <pattern> [IN <prefix>] WITH <side> (a pattern may be spelled "WITH").
  if (rule.type === "match") words[rule.sourcePrefix === undefined ? 3 : 5] = rule.destinationType;
  return words.join(" ");
}

/** Reads one attestation-layout rule string (keywords in any case, as in-toto's `unpack_rule`). */
export function ruleFromLayoutString(text: string): Result<ArtifactRule, string> {
  return parseRuleStrings(text.split(" "));
}

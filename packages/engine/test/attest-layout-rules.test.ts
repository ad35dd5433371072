// Rule strings of attestation layouts: what ruleToLayoutString writes, ruleFromLayoutString reads back
// as the same rule — also when a pattern or prefix is spelled like one of the rule's keywords.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ArtifactRule, ruleFromLayoutString, ruleToLayoutString } from "../src/index.js";

/** Words without spaces, keywords of the MATCH form among them on purpose. */
const word = fc.oneof(fc.constantFrom("WITH", "IN", "FROM", "MATCH", "PRODUCTS", "with", "src/*"), fc.stringMatching(/^[^ ]{1,8}$/));

const matchRule: fc.Arbitrary<ArtifactRule> = fc
  .record({
    pattern: word,
    sourcePrefix: fc.option(word, { nil: undefined }),
    destinationType: fc.constantFrom("materials" as const, "products" as const),
    destinationPrefix: fc.option(word, { nil: undefined }),
    destinationName: word,
  })
  .map(({ sourcePrefix, destinationPrefix, ...rest }) => ({
    type: "match" as const,
    ...rest,
    ...(sourcePrefix === undefined ? {} : { sourcePrefix }),
    ...(destinationPrefix === undefined ? {} : { destinationPrefix }),
  }));

describe("attestation layout rule strings", () => {
  it("writes the MATCH side after the WITH keyword, not after a pattern spelled WITH", () => {
    const rule: ArtifactRule = { type: "match", pattern: "WITH", sourcePrefix: "WITH", destinationType: "products", destinationName: "build" };
    expect(ruleToLayoutString(rule)).toBe("MATCH WITH IN WITH WITH products FROM build");
  });

  it("reads back every MATCH rule it writes", () => {
    fc.assert(
      fc.property(matchRule, (rule) => {
        const text = ruleToLayoutString(rule);
        expect(text).toBeDefined();
        const back = ruleFromLayoutString(text as string);
        expect(back.ok ? back.value : back.error).toEqual(rule);
      }),
      { numRuns: 500 },
    );
  });
});

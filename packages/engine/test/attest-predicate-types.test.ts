// The catalog of known predicate types and the field check of CEL rules against their schemas.
import { describe, expect, it } from "vitest";
import { checkRuleFields, identityMatches, identityPatternProblem, PREDICATE_TYPES, predicateType } from "../src/index.js";

describe("PREDICATE_TYPES", () => {
  it("lists the types editors complete, each once, with documentation", () => {
    const uris = PREDICATE_TYPES.map((p) => p.uri);
    expect(new Set(uris).size).toBe(uris.length);
    for (const uri of ["https://slsa.dev/provenance/v0.2", "https://slsa.dev/provenance/v1", "https://in-toto.io/attestation/link/v0.3", "https://in-toto.io/attestation/test-result/v0.1", "https://spdx.dev/Document", "https://cyclonedx.org/bom", "https://slsa.dev/verification_summary/v1"]) {
      expect(predicateType(uri)?.doc, uri).toMatch(/\.$/);
    }
  });
});

describe("checkRuleFields", () => {
  const V1 = "https://slsa.dev/provenance/v1";
  it("accepts the fields of the schema, free maps and lists", () => {
    const rule = "predicate.buildDefinition.buildType == 'x' && predicate.buildDefinition.externalParameters.workflow.ref == 'y' && size(predicate.buildDefinition.resolvedDependencies) > 0 && predicate.runDetails.builder.id.startsWith('https://')";
    expect(checkRuleFields(rule, V1)).toEqual({ ok: true, value: [] });
  });

  it("finds a misspelt field with its offset and the fields known there", () => {
    const rule = "predicate.runDetails.builder.idd == 'x'";
    expect(checkRuleFields(rule, V1)).toEqual({
      ok: true,
      value: [{ path: "predicate.runDetails.builder.idd", offset: rule.indexOf("idd"), length: 3, known: ["id", "version", "builderDependencies"] }],
    });
  });

  it("checks nothing for a type with an open or unknown schema", () => {
    expect(checkRuleFields("predicate.anything.goes", "https://spdx.dev/Document")).toEqual({ ok: true, value: [] });
    expect(checkRuleFields("predicate.anything.goes", "https://example.com/custom/v1")).toEqual({ ok: true, value: [] });
  });
});

describe("identity patterns", () => {
  const TAGS = "https://github.com/acme/app/.github/workflows/release.yml@refs/tags/*";
  it("matches * within one path segment, anchored at both ends", () => {
    expect(identityMatches(TAGS, "https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.4.0")).toBe(true);
    expect(identityMatches(TAGS, "https://github.com/acme/app/.github/workflows/release.yml@refs/tags/release/v1")).toBe(false);
    expect(identityMatches(TAGS, "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main")).toBe(false);
    expect(identityMatches(TAGS, "xhttps://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1")).toBe(false);
    expect(identityMatches("https://github.com/acme/*/.github/workflows/*.yml@refs/heads/main", "https://github.com/acme/app/.github/workflows/ci.yml@refs/heads/main")).toBe(true);
    expect(identityMatches("https://github.com/acme/*/.github/workflows/*.yml@refs/heads/main", "https://github.com/acme/a/b/.github/workflows/ci.yml@refs/heads/main")).toBe(false);
    expect(identityMatches("*@example.com", "alice@example.com")).toBe(true);
    expect(identityMatches("alice@example.com", "alice@example.com.evil")).toBe(false);
  });

  it("refuses a pattern that widens who issues the identity", () => {
    expect(identityPatternProblem(TAGS)).toBeUndefined();
    expect(identityPatternProblem("https://*.github.com/acme/app")).toMatch(/scheme or host/);
    expect(identityPatternProblem("alice@*.com")).toMatch(/domain/);
    expect(identityPatternProblem("*")).toMatch(/URI .* or an email/);
  });
});

// Hover over the attestation syntax (target "ite-10"): a predicate type's documentation from the
// engine's catalog, a keyless Sigstore functionary's identity, and the new keywords.
import { expect, it } from "vitest";
import { hoverIn } from "./lsp-client.js";

const URI = "file:///work/attest.totem";
const TEXT = `const TR = "https://in-toto.io/attestation/test-result/v0.1"
layout "release" {
  target "ite-10"
  expires "2036-01-01T00:00:00Z"
  functionary release-workflow sigstore {
    issuer "https://token.actions.githubusercontent.com"
    identity-pattern "https://github.com/acme/app/.github/workflows/release.yml@refs/tags/*"
  }
  step build {
    attestation "https://slsa.dev/provenance/v1" {
      by release-workflow
      check "predicate.runDetails.builder.id != ''" allow-if-absent
    }
    attestation TR { by release-workflow }
    products { create "app"  disallow "*" }
  }
}
`;

const hover = hoverIn(URI, TEXT);

it("documents a predicate type string with its title, meaning, specification and fields", async () => {
  const text = await hover('"https://slsa.dev/provenance/v1"', 10);
  expect(text).toContain("**SLSA Provenance v1** — `https://slsa.dev/provenance/v1`");
  expect(text).toContain("How an artifact was built");
  expect(text).toContain("Specification: https://slsa.dev/spec/v1.0/provenance");
  expect(text).toContain("- `buildDefinition` (object): The inputs of the build.");
});

it("documents a predicate type given by a constant, where it is used and where it is declared", async () => {
  expect(await hover("attestation TR", 13)).toContain("**Test Result v0.1**");
  expect(await hover("const TR", 7)).toContain("**Test Result v0.1**");
});

it("shows a keyless functionary's issuer, identity pattern and the claims it signs", async () => {
  const text = await hover("by release-workflow", 5);
  expect(text).toContain("**functionary** `release-workflow`");
  expect(text).toContain("keyless: a Sigstore identity");
  expect(text).toContain('OIDC issuer (exact): "https://token.actions.githubusercontent.com"');
  expect(text).toContain('certificate identity pattern: "https://github.com/acme/app/.github/workflows/release.yml@refs/tags/*"');
  expect(text).toContain("signs: `build` (https://slsa.dev/provenance/v1, https://in-toto.io/attestation/test-result/v0.1)");
  expect(text).not.toContain("key type");
});

it("documents a CEL field path inside a check from the predicate's schema", async () => {
  expect(await hover("builder.id != ''", 3)).toBe("`predicate.runDetails.builder` (object): Who ran the build.");
  expect(await hover("builder.id != ''", 9)).toBe("`predicate.runDetails.builder.id` (string): URI of the builder (the trust boundary).");
  expect(await hover("!= ''", 1)).toBe("");
});

it("explains the attestation keywords", async () => {
  expect(await hover("attestation TR", 3)).toContain("`attestation`: `attestation \"PREDICATE-TYPE\"");
  expect(await hover("allow-if-absent", 8)).toContain("ITE-11 `allowIfNoClaim`");
  expect(await hover("identity-pattern", 3)).toContain("`*` is any run of characters other than `/`");
});

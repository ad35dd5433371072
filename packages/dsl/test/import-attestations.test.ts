// `totem import` of ITE-10/11 attestation layouts: the policy written compiles back to the same model
// for any layout the language can express, byte for byte for Totem's own YAML, and says what it cannot.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type AttestationLayout, attestationLayoutToYaml, celParser, parseAttestationLayout, ruleToLayoutString } from "@totem/engine";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { attestationLayoutArbitrary } from "../../engine/test/fixtures/attest/layout-arbitrary.js";
import { compileAttestationPolicy, format, importAttestationLayout } from "../src/index.js";
import { expectGolden } from "./parser-helpers.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const FIXTURES = join(import.meta.dirname, "fixtures", "import-attestations");
const celSyntax = await celParser();

async function parsed(yaml: string): Promise<AttestationLayout> {
  const r = await parseAttestationLayout(yaml);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

function compiled(source: string): AttestationLayout | undefined {
  return compileAttestationPolicy(source, { readKey: () => undefined, now: new Date("2026-06-01T00:00:00Z"), celSyntax }).layout;
}

/** Text a .totem string can hold: anything but lone surrogates. */
const text = fc.string({ minLength: 1, unit: "binary" }).filter((s) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s));
const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,8}$/);
const pattern = fc.stringMatching(/^[a-z0-9_*{}][a-z0-9_.*{}-]{0,8}$/);
const rule = (steps: readonly string[]) =>
  fc
    .oneof(
      fc.record({ type: fc.constantFrom("create", "delete", "modify", "allow", "disallow"), pattern }),
      fc.record({ type: fc.constant("require"), pattern: fc.stringMatching(/^[a-z0-9_.-]{1,8}$/) }),
      fc
        .record({
          type: fc.constant("match"),
          pattern,
          sourcePrefix: fc.option(pattern.filter((p) => !p.includes("*")), { nil: undefined }),
          destinationType: fc.constantFrom("materials", "products"),
          destinationPrefix: fc.option(pattern.filter((p) => !p.includes("*")), { nil: undefined }),
          destinationName: fc.constantFrom(...steps),
        })
        .map(({ sourcePrefix, destinationPrefix, ...r }) => ({ ...r, ...(sourcePrefix === undefined ? {} : { sourcePrefix }), ...(destinationPrefix === undefined ? {} : { destinationPrefix }) })),
    )
    .map((r) => ruleToLayoutString(r as never) as string);
const cel = fc.constantFrom("predicate.x == 1", "size(subject) > 0", "predicateType.startsWith('https://')", "'{tag}' in predicate.tags");

describe("importAttestationLayout", () => {
  it("writes, for any layout the language can express, a formatted policy that compiles back to the same model", () => {
    const layouts = attestationLayoutArbitrary({ text, name, label: fc.stringMatching(/^wf[A-Za-z0-9_-]{0,6}$/), rule, cel });
    fc.assert(
      fc.property(layouts, (layout) => {
        const { source, issues } = importAttestationLayout(layout, { celSyntax });
        expect(issues).toEqual([]);
        expect(format(source)).toBe(source);
        expect(compiled(source)).toEqual(layout);
      }),
      { numRuns: 80 },
    );
  });

  it("imports examples/gha-attestations/layout.yml to a policy that compiles back to the same bytes", async () => {
    const yaml = readFileSync(join(ROOT, "examples/gha-attestations/layout.yml"), "utf8");
    const { source, issues } = importAttestationLayout(await parsed(yaml), { name: "layout", celSyntax });
    expect(issues).toEqual([]);
    expect(attestationLayoutToYaml(compiled(source) as AttestationLayout)).toBe(yaml);
  });

  it("imports a layout shaped like attestation-verifier's own (modern keyid, identity pattern, thresholds, ITE-11 flags) exactly", async () => {
    const yaml = readFileSync(join(FIXTURES, "verifier-shaped.yml"), "utf8");
    const layout = await parsed(yaml);
    const { source, issues } = importAttestationLayout(layout, { name: "verifier-shaped", celSyntax });
    expect(issues).toEqual([]);
    expectGolden(join(FIXTURES, "verifier-shaped.totem"), source);
    expect(compiled(source)).toEqual(layout);
  });

  it("still writes a rule whose string it reports as written otherwise (same verdict): --allow-lossy never drops a rule", async () => {
    const yaml = [
      'expires: "2030-01-01T00:00:00Z"',
      "functionaries:",
      "  wf:",
      "    keyType: sigstore-oidc",
      "    scheme: fulcio",
      '    keyVal: { identity: "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main", issuer: "https://token.actions.githubusercontent.com" }',
      "    keyID: wf",
      "steps:",
      "  - name: build",
      '    expectedProducts: ["CREATE app", "disallow *"]',
      "    expectedPredicates:",
      "      - predicateType: https://slsa.dev/provenance/v1",
      "        functionaries: [wf]",
      "",
    ].join("\n");
    const { source, issues } = importAttestationLayout(await parsed(yaml), { celSyntax });
    expect(issues.map((i) => `${i.code} ${i.path}`)).toEqual(["import-attestation-rule $.steps[0].expectedProducts[1]"]);
    expect(compiled(source)?.steps[0]?.expectedProducts).toEqual(["CREATE app", "DISALLOW *"]);
  });

  it("reports what a policy cannot say: rule strings written otherwise, names that are not Totem names", async () => {
    const yaml = readFileSync(join(FIXTURES, "inexpressible.yml"), "utf8");
    const { issues } = importAttestationLayout(await parsed(yaml), { celSyntax });
    expect(issues.map((i) => `${i.code} ${i.path}`)).toEqual([
      "import-name $.functionaries[\"release workflow\"]",
      "import-name $.steps[0].name",
      "import-attestation-rule $.steps[0].expectedMaterials[0]",
      "import-attestation-rule $.steps[0].expectedProducts[0]",
    ]);
  });
});

// attestationLayoutToYaml is the inverse of the layout parser: any valid attestation layout written
// and read back is the same model, and writing is deterministic.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AttestationLayout, type AttestationStep, attestationLayoutToYaml, type EnvelopeKey, keyidFor, parseAttestationLayout, type SigstoreIdentity } from "../src/index.js";

/** Any text, awkward for YAML on purpose: quotes, colons, `#`, newlines, controls, any code point. */
const text = fc.oneof(
  fc.string({ minLength: 1 }),
  fc.string({ minLength: 1, unit: "binary" }),
  fc.constantFrom("yes", "no", "null", "~", "true", "1e5", "0x1F", "- x", "a: b", "#c", "'q'", '"', "\\", "{x}", "\u0085", "\u2028", "\ufeff", " lead", "trail "),
);
const nonBlank = text.filter((s) => s.trim() !== "");

const key: fc.Arbitrary<EnvelopeKey> = fc
  .record({ keytype: fc.constantFrom("ed25519", "rsa", "ecdsa"), scheme: text, public: text, legacy: fc.boolean() })
  .map(({ keytype, scheme, public: pub, legacy }) => {
    const body = { keytype, scheme, keyval: { public: pub } };
    return { keyid: keyidFor(body, legacy ? "in-toto-1.3" : "in-toto"), ...body };
  });

const identity: fc.Arbitrary<SigstoreIdentity> = fc.oneof(
  fc.record({ identity: text, issuer: text, pattern: fc.constant(false) }),
  fc.record({
    identity: fc.stringMatching(/^[a-z0-9/._@*-]{0,20}$/).map((path) => `https://github.com/${path}`),
    issuer: text,
    pattern: fc.constant(true),
  }),
);

function steps(ids: string[]): fc.Arbitrary<AttestationStep[]> {
  const predicate = fc.uniqueArray(fc.constantFrom(...ids), { minLength: 1, maxLength: 3 }).chain((functionaries) =>
    fc.record({
      predicateType: text,
      functionaries: fc.constant(functionaries),
      threshold: fc.integer({ min: 1, max: functionaries.length }),
      expectedAttributes: fc.array(
        fc.record({ rule: nonBlank, allowIfNoClaim: fc.boolean(), warn: fc.boolean(), debug: fc.option(text, { nil: undefined }) }).map(({ debug, ...rest }) => ({
          ...rest,
          ...(debug === undefined ? {} : { debug }),
        })),
        { maxLength: 3 },
      ),
    }),
  );
  const step = fc
    .record({
      command: fc.option(fc.string(), { nil: undefined }),
      expectedMaterials: fc.array(text, { maxLength: 3 }),
      expectedProducts: fc.array(text, { maxLength: 3 }),
      expectedPredicates: fc.array(predicate, { minLength: 1, maxLength: 3 }),
    })
    .map(({ command, ...rest }) => ({ ...rest, ...(command === undefined ? {} : { command }) }));
  return fc
    .uniqueArray(text, { minLength: 1, maxLength: 4 })
    .chain((names) => fc.tuple(...names.map((name) => step.map((s) => ({ name, ...s })))));
}

const layout: fc.Arbitrary<AttestationLayout> = fc
  .record({
    expires: fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().replace(/\.\d{3}Z$/, "Z")),
    keys: fc.uniqueArray(key, { maxLength: 3, selector: (k) => k.keyid }),
    identities: fc.uniqueArray(fc.tuple(text, identity), { maxLength: 3, selector: ([label]) => label }),
  })
  .filter(({ keys, identities }) => keys.length + identities.length > 0 && !identities.some(([label]) => keys.some((k) => k.keyid === label)))
  .chain(({ expires, keys, identities }) =>
    steps([...keys.map((k) => k.keyid), ...identities.map(([label]) => label)]).map((s) => ({
      expires,
      functionaries: new Map(keys.map((k) => [k.keyid, k])),
      identities: new Map(identities),
      steps: s,
    })),
  );

describe("attestationLayoutToYaml", () => {
  it("writes any valid layout so that parsing gives the same model back, the same bytes every time", async () => {
    await fc.assert(
      fc.asyncProperty(layout, async (model) => {
        const yaml = attestationLayoutToYaml(model);
        const parsed = await parseAttestationLayout(yaml);
        expect(parsed.ok ? parsed.value : parsed.error).toEqual(model);
        expect(attestationLayoutToYaml(model)).toBe(yaml);
        if (parsed.ok) expect(attestationLayoutToYaml(parsed.value)).toBe(yaml);
      }),
      { numRuns: 300 },
    );
  });
});

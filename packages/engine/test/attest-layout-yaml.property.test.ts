// attestationLayoutToYaml is the inverse of the layout parser: any valid attestation layout written
// and read back is the same model, and writing is deterministic.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { attestationLayoutToYaml, parseAttestationLayout } from "../src/index.js";
import { attestationLayoutArbitrary } from "./fixtures/attest/layout-arbitrary.js";

/** Any text, awkward for YAML on purpose: quotes, colons, `#`, newlines, controls, any code point. */
const text = fc.oneof(
  fc.string({ minLength: 1 }),
  fc.string({ minLength: 1, unit: "binary" }),
  fc.constantFrom("yes", "no", "null", "~", "true", "1e5", "0x1F", "- x", "a: b", "#c", "'q'", '"', "\\", "{x}", "\u0085", "\u2028", "\ufeff", " lead", "trail "),
);
const layout = attestationLayoutArbitrary({ text, name: text, label: text, rule: () => text, cel: text.filter((s) => s.trim() !== "") });

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

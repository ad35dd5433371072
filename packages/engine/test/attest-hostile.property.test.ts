// No attestation input makes the engine throw: random JSON and random mutations of valid bundles,
// envelopes and layouts come back as typed failures (or, for harmless mutations, verdicts).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type JsonValue, loadEvidence, parseAttestationLayout, verifySigstoreBundle } from "../src/index.js";
import * as lf from "./fixtures/attest/layout-fixtures.js";
import * as f from "./fixtures/attest/sigstore-fixtures.js";
import { jsonValue } from "./json-arbitrary.js";

const auth = f.makeAuthority();
const who = f.makeSigner(auth, { identity: { email: "a@example.com" }, issuer: "https://accounts.example" });
const artifact = Buffer.from("x");
const signer = { identity: "a@example.com", issuer: "https://accounts.example" };
const bundle = f.dsseBundle(auth, who, f.statementFor(artifact)) as unknown as JsonValue;

/** Replaces the value at a random path of `value` with `replacement`. */
function mutate(value: JsonValue, path: number[], replacement: JsonValue): JsonValue {
  if (path.length === 0 || value === null || typeof value !== "object") return replacement;
  const [head, ...rest] = path as [number, ...number[]];
  if (Array.isArray(value)) {
    if (value.length === 0) return replacement;
    const i = head % value.length;
    return value.map((v, j) => (j === i ? mutate(v, rest, replacement) : v));
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return replacement;
  const key = keys[head % keys.length] as string;
  return { ...value, [key]: mutate(value[key] as JsonValue, rest, replacement) };
}

describe("hostile attestation input", () => {
  it("verifySigstoreBundle returns a result for random and mutated bundles and roots", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 8 }), jsonValue, fc.boolean(), async (path, replacement, inRoot) => {
        const b = inRoot ? bundle : mutate(bundle, path, replacement);
        const r = inRoot ? mutate(auth.rootJson as unknown as JsonValue, path, replacement) : (auth.rootJson as unknown as JsonValue);
        const result = await verifySigstoreBundle(b, r, signer, { bytes: artifact });
        expect(typeof result.ok).toBe("boolean");
      }),
      { numRuns: 150 },
    );
  });

  it("loadEvidence returns a result for any bytes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 200 }), jsonValue.map((v) => new TextEncoder().encode(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? Number(x) : x)) ?? "null"))), async (bytes) => {
        const result = await loadEvidence(bytes);
        expect(typeof result.ok).toBe("boolean");
      }),
      { numRuns: 300 },
    );
  });

  it("parseAttestationLayout returns a result for mutated layouts", async () => {
    const text = lf.layoutYaml(lf.functionary("p"));
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: text.length }), fc.string({ maxLength: 8 }), async (at, insert) => {
        const result = await parseAttestationLayout(text.slice(0, at) + insert + text.slice(at));
        expect(typeof result.ok).toBe("boolean");
      }),
      { numRuns: 300 },
    );
  });
});

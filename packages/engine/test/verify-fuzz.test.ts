// Light fuzzing: verification returns a result (never throws, never an internal error) for mutated
// evidence, and a mutation that changes the signed meaning of a link or layout never passes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadEnvelope } from "../src/load/envelope.js";
import { linkFileName } from "../src/verify/link-stages.js";
import { verifyChain } from "../src/verify/verify-chain.js";
import { bob, carl, cloneLink, demoLayout, layoutFile, linkFile, linksDir, owner, packageLink, untarOutcome } from "./fixtures/chains/build-chain.js";

const layoutBytes = layoutFile(demoLayout(), [owner]);
const cloneBytes = linkFile(cloneLink, bob);
const packageBytes = linkFile(packageLink, carl);
const dec = new TextDecoder();

/** A byte-level mutation: overwrite, delete or insert at a position. */
const mutation = fc.record({
  kind: fc.constantFrom("set", "delete", "insert"),
  at: fc.nat(),
  byte: fc.integer({ min: 0, max: 255 }),
});

function mutate(bytes: Uint8Array, m: { kind: string; at: number; byte: number }): Uint8Array {
  const at = m.at % bytes.length;
  const arr = Array.from(bytes);
  if (m.kind === "set") arr[at] = m.byte;
  else if (m.kind === "delete") arr.splice(at, 1);
  else arr.splice(at, 0, m.byte);
  return new Uint8Array(arr);
}

/** Same signed payload? Then passing is legitimate (e.g. whitespace changed). */
function sameSigned(a: Uint8Array, b: Uint8Array): boolean {
  const x = loadEnvelope(a);
  const y = loadEnvelope(b);
  return x.ok && y.ok && dec.decode(x.value.signedBytes) === dec.decode(y.value.signedBytes) && JSON.stringify(x.value.signatures) === JSON.stringify(y.value.signatures);
}

async function run(layout: Uint8Array, clone: Uint8Array) {
  return verifyChain({
    layout,
    layoutKeys: [owner.input],
    readLink: linksDir({ [linkFileName("clone", bob.keyid)]: clone, [linkFileName("package", carl.keyid)]: packageBytes }),
    now: new Date("2026-01-01T00:00:00Z"),
    runInspection: async () => untarOutcome,
  });
}

describe("verifyChain under mutated evidence", () => {
  it("returns a result for every mutated link, and passes only when the signed payload is unchanged", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
        const bytes = ms.reduce(mutate, cloneBytes);
        const r = await run(layoutBytes, bytes);
        expect(r.failures.map((f) => f.code)).not.toContain("internal-error");
        if (r.passed) expect(sameSigned(bytes, cloneBytes)).toBe(true);
      }),
      { numRuns: 150, seed: 42 },
    );
  });

  it("returns a result for every mutated layout, and passes only when the signed payload is unchanged", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
        const bytes = ms.reduce(mutate, layoutBytes);
        const r = await run(bytes, cloneBytes);
        expect(r.failures.map((f) => f.code)).not.toContain("internal-error");
        if (r.passed) expect(sameSigned(bytes, layoutBytes)).toBe(true);
      }),
      { numRuns: 150, seed: 7 },
    );
  });

  it("returns a result for arbitrary JSON values as links", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (v) => {
        const r = await run(layoutBytes, new TextEncoder().encode(JSON.stringify({ signed: v, signatures: [] })));
        expect(r.passed).toBe(false);
        expect(r.failures.map((f) => f.code)).not.toContain("internal-error");
      }),
      { numRuns: 100, seed: 3 },
    );
  });
});

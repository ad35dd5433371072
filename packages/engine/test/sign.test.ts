import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalize, compareCodePoints } from "../src/canonical-json.js";
import { parsePrivateKey } from "../src/keys/parse.js";
import type { PrivateKeyMaterial } from "../src/keys/types.js";
import type { JsonObject, JsonValue } from "../src/model.js";
import { pythonJsonDumps } from "../src/serialize.js";
import { addMetablockSignature, envelopeToText, signMetablock, signMetablockToText, verifyMetablockSignature } from "../src/sign.js";
import { jsonValue, plainJsonValue } from "./json-arbitrary.js";

const text = (url: URL) => readFileSync(url, "utf8");
const keyFile = (name: string) => text(new URL(`./fixtures/vectors/keyid/${name}`, import.meta.url));
const serialized = (name: string) => new URL(`./fixtures/serialize/${name}`, import.meta.url);

function signer(name: string, password?: string): PrivateKeyMaterial {
  const parsed = parsePrivateKey(keyFile(name), password ? { password } : {});
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

/** The layout payload of serialize.test.ts's sample, as JSON. */
const payload = JSON.parse(text(serialized("layout.json"))) as JsonObject;
const ed = signer("ed25519");
const rsa = signer("rsa");
const ecdsa = signer("ecdsa");

describe("signMetablock", () => {
  it("writes the file in-toto's Metablock.dump writes, plus a newline (golden from the reference)", () => {
    // layout.signed.golden: the reference loaded Totem's file, verified the ed25519 signature with
    // the vector's public key, and wrote it back with Metablock.dump.
    const mb = signMetablock(payload, [ed], "in-toto-1.3");
    expect(envelopeToText(mb)).toBe(`${text(serialized("layout.signed.golden"))}\n`);
  });

  it("signs and writes in one step exactly what signMetablock and envelopeToText give", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(plainJsonValue, jsonValue), { maxKeys: 4 }), fc.constantFrom(0, 1, 2), (payload, n) => {
        const signers = [ed, ed, ed].slice(0, n);
        const envelope = signMetablock(payload, signers, "in-toto-1.3");
        expect(signMetablockToText(payload, signers, "in-toto-1.3")).toEqual({ envelope, text: envelopeToText(envelope) });
      }),
      { numRuns: 100 },
    );
  });

  it("signs with every key, under each target's keyid, and each signature verifies", () => {
    for (const target of ["in-toto-1.3", "in-toto"] as const) {
      const mb = signMetablock(payload, [ed, rsa, ecdsa], target);
      expect(mb.signatures.map((s) => s.keyid)).toEqual([ed, rsa, ecdsa].map((s) => s.public.keyid(target)));
      for (const s of [ed, rsa, ecdsa]) {
        const checked = verifyMetablockSignature(mb, s.public.toLayoutKey(target));
        expect(checked.ok).toBe(true);
      }
    }
  });

  it("reports a missing and an invalid signature in 1.3.1's words", () => {
    const mb = signMetablock(payload, [ed], "in-toto-1.3");
    const rsaKey = rsa.public.toLayoutKey("in-toto-1.3");
    expect(verifyMetablockSignature(mb, rsaKey)).toEqual({
      ok: false,
      error: { code: "no-signature", message: `No signature found for key '${rsaKey.keyid}'.` },
    });
    const tampered = { ...mb, signed: { ...payload, readme: "changed" } };
    const edKey = ed.public.toLayoutKey("in-toto-1.3");
    expect(verifyMetablockSignature(tampered, edKey)).toEqual({
      ok: false,
      error: { code: "invalid-signature", message: `Invalid signature for keyid '${edKey.keyid}'.` },
    });
    const notHex = { ...mb, signatures: [{ keyid: edKey.keyid, sig: "zz" }] };
    expect(verifyMetablockSignature(notHex, edKey).ok).toBe(false);
    expect(verifyMetablockSignature({ signed: { n: 0.5 }, signatures: mb.signatures }, edKey)).toMatchObject({
      ok: false,
      error: { code: "unsignable-payload" },
    });
  });

  it("checks only the first signature with the key's keyid, as 1.3.1 does", () => {
    const mb = signMetablock(payload, [ed], "in-toto-1.3");
    const first = mb.signatures[0] as { keyid: string; sig: string };
    const shadowed = { ...mb, signatures: [{ keyid: first.keyid, sig: "00".repeat(64) }, first] };
    expect(verifyMetablockSignature(shadowed, ed.public.toLayoutKey("in-toto-1.3")).ok).toBe(false);
  });

  it("verifies over explicit payload bytes when given", () => {
    const mb = signMetablock(payload, [ed], "in-toto-1.3");
    const withExtra = { ...mb, signed: { ...payload, extra: "dropped by 1.3.1" } };
    expect(verifyMetablockSignature(withExtra, ed.public.toLayoutKey("in-toto-1.3"), canonicalize(payload)).ok).toBe(true);
  });
});

describe("addMetablockSignature", () => {
  it("adds a signature over the payload as parsed and replaces one with the same keyid", () => {
    const first = signMetablock(payload, [ed], "in-toto-1.3");
    const added = addMetablockSignature(first, ecdsa, "in-toto-1.3");
    if (!added.ok) throw new Error(added.error);
    expect(added.value.signed).toBe(payload);
    expect(added.value.signatures.map((s) => s.keyid)).toEqual([ed.public.keyid("in-toto-1.3"), ecdsa.public.keyid("in-toto-1.3")]);
    const again = addMetablockSignature(added.value, ed, "in-toto-1.3");
    if (!again.ok) throw new Error(again.error);
    expect(again.value.signatures.map((s) => s.keyid)).toEqual([ecdsa.public.keyid("in-toto-1.3"), ed.public.keyid("in-toto-1.3")]);
    for (const s of [ed, ecdsa]) expect(verifyMetablockSignature(again.value, s.public.toLayoutKey("in-toto-1.3")).ok).toBe(true);
  });

  it("fails without throwing for a payload that cannot be canonicalized", () => {
    const added = addMetablockSignature({ signed: { threshold: 1.5 }, signatures: [] }, ed, "in-toto-1.3");
    expect(added).toEqual({ ok: false, error: "The payload cannot be signed: canonical JSON cannot encode the non-integer or unsafe number 1.5." });
    expect(addMetablockSignature({ signed: { s: "\ud800" }, signatures: [] }, ed, "in-toto-1.3").ok).toBe(false);
  });
});

describe("pythonJsonDumps", () => {
  // Expected strings printed by CPython 3.11: json.dumps(v, sort_keys=True[, indent=1]).
  const value = { "é": ["\u0000\u001f\u007f", "\n\r\t\b\f\"\\/", "😀\u2028"], b: {}, a: [], z: [1, -2, true, null, 12345678901234567890n] };
  it("writes like json.dumps(sort_keys=True)", () => {
    expect(pythonJsonDumps(value)).toBe(
      '{"a": [], "b": {}, "z": [1, -2, true, null, 12345678901234567890], "\\u00e9": ["\\u0000\\u001f\\u007f", "\\n\\r\\t\\b\\f\\"\\\\/", "\\ud83d\\ude00\\u2028"]}',
    );
  });
  it("writes any JSON value as JSON.stringify does once keys are sorted and non-ASCII escaped", () => {
    // JSON.stringify with an indent has json.dumps's separators and short escapes; ensure_ascii
    // then writes every unit from U+007F up as \uXXXX (lowercase hex), including DEL.
    const sorted = (v: JsonValue): JsonValue => {
      if (Array.isArray(v)) return v.map(sorted);
      if (v === null || typeof v !== "object") return v;
      const out: Record<string, JsonValue> = {};
      for (const k of Object.keys(v).sort(compareCodePoints)) out[k] = sorted(v[k] as JsonValue);
      return out;
    };
    const reference = (v: JsonValue, indent?: number) =>
      JSON.stringify(sorted(v), null, indent)
        .replace(/[^\u0000-\u007e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
        .replace(/,(?=[^\n])/g, (c) => (indent === undefined ? ", " : c))
        .replace(/":(?=[^ ])/g, (c) => (indent === undefined ? '": ' : c));
    fc.assert(
      fc.property(fc.oneof(plainJsonValue, jsonValue), fc.constantFrom(undefined, 1, 2), (v, indent) => {
        expect(pythonJsonDumps(v, indent)).toBe(reference(v, indent));
        // The same value, sorted beforehand and written in insertion order, takes the walking writer.
        expect(pythonJsonDumps(sorted(v), indent, false)).toBe(pythonJsonDumps(v, indent));
      }),
      { numRuns: 300 },
    );
  });

  it("writes like json.dumps(sort_keys=True, indent=1)", () => {
    expect(pythonJsonDumps(value, 1)).toBe(
      '{\n "a": [],\n "b": {},\n "z": [\n  1,\n  -2,\n  true,\n  null,\n  12345678901234567890\n ],\n "\\u00e9": [\n  "\\u0000\\u001f\\u007f",\n  "\\n\\r\\t\\b\\f\\"\\\\/",\n  "\\ud83d\\ude00\\u2028"\n ]\n}',
    );
  });
});

// Shapes other in-toto tools write, through import and lowering: the empty `keyval.private` of
// in-toto 1.3.1's RSA loader, DSSE layouts with in-toto 1.3 keyids (target in-toto-golang), and
// in-toto-golang's X.509 fields. Each must come back byte for byte.
import { canonicalString, dsseBody, keyidFor, type Layout, layoutToJson, type PublicKey } from "@totem/engine";
import { describe, expect, it } from "vitest";
import { dssePayloadForm } from "../src/checks/dsse-payload.js";
import { diffPolicies } from "../src/diff/diff-policies.js";
import { importLayout } from "../src/import/import-layout.js";
import { compilePolicy } from "../src/lower.js";

const PEM = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxcz9\n-----END PUBLIC KEY-----";
const CERT = "-----BEGIN CERTIFICATE-----\nMIIDqjCCApKg\n-----END CERTIFICATE-----\n";
const NOW = new Date("2026-01-01T00:00:00Z");

function rsaKey(): PublicKey {
  const body = { keytype: "rsa", scheme: "rsassa-pss-sha256", keyval: { public: PEM } };
  return { ...body, keyid: keyidFor(body, "in-toto-1.3"), keyval: { public: PEM, private: "" }, keyid_hash_algorithms: ["sha256", "sha512"] };
}

function layoutWith(key: PublicKey, extra: Partial<Layout> = {}, step: Partial<Layout["steps"][number]> = {}): Layout {
  return {
    _type: "layout",
    expires: "2030-01-01T00:00:00Z",
    readme: "",
    keys: { [key.keyid]: key },
    steps: [
      { _type: "step", name: "build", threshold: 1, pubkeys: [key.keyid], expected_command: [], expected_materials: [], expected_products: [{ type: "disallow", pattern: "*" }], ...step },
    ],
    inspect: [],
    ...extra,
  };
}

/** The payload the imported policy compiles to (canonical), or the compile errors. */
function recompiled(source: string): string {
  const r = compilePolicy(source, { readKey: () => undefined, now: NOW });
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  if (r.layout === undefined) throw new Error(errors.map((d) => `${d.code}: ${d.message}`).join("\n"));
  return canonicalString(layoutToJson(r.layout));
}

describe("foreign layout shapes through import and lowering", () => {
  it("writes the empty private part as `private \"\"` and lowers it back without changing the keyid", () => {
    const layout = layoutWith(rsaKey());
    const result = importLayout(layout);
    expect(result.issues).toEqual([]);
    expect(result.source).toContain('private ""');
    expect(result.source).not.toContain("keyid ");
    expect(recompiled(result.source)).toBe(canonicalString(layoutToJson(layout)));
  });

  it("guesses in-toto-golang for a DSSE layout with in-toto 1.3 keyids, and the guess round-trips", () => {
    const layout = layoutWith(rsaKey());
    const result = importLayout(layout, { envelope: "dsse" });
    expect(result.target).toBe("in-toto-golang");
    expect(result.targetReason).toBe("1 of 1 keyids are computed the in-toto 1.3 way and the envelope is DSSE, which in-toto 1.3.1 cannot read");
    expect(result.issues).toEqual([]);
    expect(recompiled(result.source)).toBe(canonicalString(layoutToJson(layout)));
  });

  it("names a DSSE payload's text form when it is not the default, and warns when it is none Totem writes", () => {
    const layout = layoutWith(rsaKey());
    const body = dsseBody(layoutToJson(layout));
    const plain = importLayout(layout, { envelope: "dsse", payloadBytes: body });
    expect(plain.issues).toEqual([]);
    expect(plain.source).not.toContain("dsse-payload");
    const withNewline = new Uint8Array([...body, 0x0a]);
    expect(withNewline).toEqual(dsseBody(layoutToJson(layout), "sorted-json-newline"));
    const newline = importLayout(layout, { envelope: "dsse", payloadBytes: withNewline });
    expect(newline.issues).toEqual([]);
    expect(newline.source).toContain('dsse-payload "sorted-json-newline"');
    const compiled = compilePolicy(newline.source, { readKey: () => undefined, now: NOW });
    expect(dssePayloadForm(compiled.analysis.file.layout)).toBe("sorted-json-newline");
    const compact = new TextEncoder().encode(JSON.stringify(layoutToJson(layout)));
    const issues = importLayout(layout, { envelope: "dsse", payloadBytes: compact }).issues;
    expect(issues.map((i) => `${i.severity} ${i.code} ${i.path}`)).toEqual(["warning import-dsse-form $.payload"]);
  });

  it("writes a key object without its own keyid (in-toto-rs) as `omit [\"keyid\"]` and lowers it back without one", () => {
    const { keyid: _, ...keyless } = rsaKey();
    const layout = layoutWith({ ...rsaKey(), keyidAbsent: true });
    expect(layoutToJson(layout).keys).toEqual({ [rsaKey().keyid]: keyless });
    const result = importLayout(layout);
    expect(result.issues).toEqual([]);
    expect(result.source).toContain('omit ["keyid"]');
    expect(recompiled(result.source)).toBe(canonicalString(layoutToJson(layout)));
  });

  it("writes in-toto-rs's other shapes: a key without keyid_hash_algorithms beside one with it, a step keyid with no key", () => {
    const ed: PublicKey = { keyid: "e0294a3f", keytype: "ed25519", scheme: "ed25519", keyval: { public: "eb8ac26b" }, keyidAbsent: true };
    const layout = layoutWith(rsaKey(), {}, { pubkeys: [rsaKey().keyid, "e0294a3f", "3e26343b"] });
    layout.keys.e0294a3f = ed;
    const result = importLayout(layout, { target: "in-toto-1.3" });
    expect(result.issues).toEqual([]);
    expect(result.source).toContain('omit ["keyid", "hash-algorithms"]');
    expect(result.source).toMatch(/key \{\s*keyid "3e26343b"\s*\}/);
    expect(recompiled(result.source)).toBe(canonicalString(layoutToJson(layout)));
    expect(Object.keys(layoutToJson(layout).keys as object)).not.toContain("3e26343b");
  });

  it("keeps guessing in-toto-1.3 for the same layout in a Metablock", () => {
    expect(importLayout(layoutWith(rsaKey()), { envelope: "metablock" }).target).toBe("in-toto-1.3");
  });

  it("carries in-toto-golang's certificate authorities and cert_constraints, empty ones included", () => {
    const ca: PublicKey = { keyid: "da6360ef", keytype: "rsa", scheme: "rsassa-pss-sha256", keyval: { public: "", certificate: CERT }, keyid_hash_algorithms: ["sha256", "sha512"] };
    const constraint = { common_name: "build.example.com", dns_names: [], emails: [], organizations: ["example"], roots: ["da6360ef"], uris: ["spiffe://example.com/build"] };
    for (const layout of [
      layoutWith(rsaKey(), { rootcas: { da6360ef: ca }, intermediatecas: {} }, { cert_constraints: [constraint] }),
      layoutWith(rsaKey(), { rootcas: {}, intermediatecas: {} }, { cert_constraints: [] }),
    ]) {
      const result = importLayout(layout);
      expect(result.target).toBe("in-toto-golang");
      expect(result.issues).toEqual([]);
      expect(recompiled(result.source)).toBe(canonicalString(layoutToJson(layout)));
    }
  });

  it("refuses to write in-toto-golang's fields for a target that would not sign them", () => {
    const layout = layoutWith(rsaKey(), { rootcas: {} });
    const result = importLayout(layout, { target: "in-toto-1.3" });
    expect(result.issues.map((i) => i.code)).toEqual(["import-round-trip"]);
    expect(result.issues[0]?.message).toContain("invalid-golang-field");
  });

  it("does not call dropping the empty private part a key change (same public key, same keyid)", () => {
    const withPrivate = layoutWith(rsaKey());
    const { private: _empty, ...keyval } = rsaKey().keyval;
    const without = layoutWith({ ...rsaKey(), keyval });
    expect(Object.keys(without.keys)).toEqual(Object.keys(withPrivate.keys));
    expect(diffPolicies(withPrivate, without)).toEqual([]);
  });
});

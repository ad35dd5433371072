// Key and layout shapes written by other in-toto tools: in-toto 1.3.1's RSA loader (`keyval.private: ""`)
// and in-toto-golang's X.509 fields (`rootcas`, `intermediatecas`, step `cert_constraints`, `keyval.certificate`).
// The loader carries them into the model and the serializer writes them back unchanged.
import { describe, expect, it } from "vitest";
import { canonicalString } from "../src/canonical-json.js";
import { keyidFor } from "../src/keyid.js";
import { loadEnvelope } from "../src/load/envelope.js";
import { layoutToJson } from "../src/serialize.js";

const enc = (s: string) => new TextEncoder().encode(s);
const PEM = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBg\n-----END PUBLIC KEY-----";
const CERT = "-----BEGIN CERTIFICATE-----\nMIIDqjCCApKg\n-----END CERTIFICATE-----\n";

function rsaKey(extra: object = {}) {
  const body = { keytype: "rsa", scheme: "rsassa-pss-sha256", keyval: { public: PEM } };
  const keyid = keyidFor(body, "in-toto-1.3");
  return { keyid, key: { ...body, keyid, keyid_hash_algorithms: ["sha256", "sha512"], keyval: { private: "", public: PEM }, ...extra } };
}

function load(signed: object) {
  const text = JSON.stringify({ signatures: [], signed: { _type: "layout", expires: "2030-01-01T00:00:00Z", readme: "", inspect: [], ...signed } });
  const r = loadEnvelope(enc(text), { expect: "layout" });
  if (!r.ok) throw new Error(`${r.error.message} ${r.error.path}`);
  if (r.value.type !== "layout") throw new Error("not a layout");
  return r.value.layout;
}

describe("foreign key and layout shapes", () => {
  it("keeps the empty private part in-toto 1.3.1's RSA loader writes, without changing the keyid", () => {
    const { keyid, key } = rsaKey();
    const signed = { keys: { [keyid]: key }, steps: [] };
    const layout = load(signed);
    expect(layout.keys[keyid]?.keyval).toEqual({ private: "", public: PEM });
    expect(keyidFor(layout.keys[keyid]!, "in-toto-1.3")).toBe(keyid);
    expect(canonicalString(layoutToJson(layout))).toBe(canonicalString({ _type: "layout", expires: "2030-01-01T00:00:00Z", readme: "", inspect: [], ...signed }));
  });

  it("carries in-toto-golang's certificate authorities and cert_constraints byte for byte", () => {
    const { keyid, key } = rsaKey();
    const ca = { keyid: "da63", keyid_hash_algorithms: ["sha256", "sha512"], keytype: "rsa", keyval: { certificate: CERT, public: "" }, scheme: "rsassa-pss-sha256" };
    const constraint = { common_name: "write-code.example.com", dns_names: [], emails: [], organizations: ["example"], roots: ["da63"], uris: ["spiffe://example.com/write-code"] };
    const step = { _type: "step", name: "write-code", threshold: 1, pubkeys: [keyid], expected_command: [], expected_materials: [], expected_products: [], cert_constraints: [constraint] };
    const signed = { keys: { [keyid]: key }, rootcas: { da63: ca }, intermediatecas: {}, steps: [step] };
    const layout = load(signed);
    expect(layout.rootcas?.da63?.keyval.certificate).toBe(CERT);
    expect(layout.intermediatecas).toEqual({});
    expect(layout.steps[0]?.cert_constraints).toEqual([constraint]);
    expect(canonicalString(layoutToJson(layout))).toBe(canonicalString({ _type: "layout", expires: "2030-01-01T00:00:00Z", readme: "", inspect: [], ...signed }));
  });

  it("loads a key object without its own keyid (in-toto-rs) under the keyid it is listed as, and writes it back without one", () => {
    const { keyid, key } = rsaKey();
    const { keyid: _, ...keyless } = key;
    const signed = { keys: { [keyid]: keyless }, steps: [] };
    const layout = load(signed);
    expect(layout.keys[keyid]).toMatchObject({ keyid, keyidAbsent: true });
    expect(canonicalString(layoutToJson(layout))).toBe(canonicalString({ _type: "layout", expires: "2030-01-01T00:00:00Z", readme: "", inspect: [], ...signed }));
  });

  it("tells an absent field from an empty one", () => {
    const step = { _type: "step", name: "a", threshold: 1, pubkeys: [], expected_command: [], expected_materials: [], expected_products: [] };
    const without = load({ steps: [step] });
    expect("rootcas" in layoutToJson(without)).toBe(false);
    expect("cert_constraints" in (layoutToJson(without).steps as object[])[0]!).toBe(false);
    const empty = load({ steps: [{ ...step, cert_constraints: [] }], rootcas: {} });
    expect(layoutToJson(empty).rootcas).toEqual({});
    expect((layoutToJson(empty).steps as { cert_constraints?: unknown }[])[0]?.cert_constraints).toEqual([]);
  });

  it("leaves out (for the importer to report) golang fields that are not of in-toto-golang's shape", () => {
    const step = { _type: "step", name: "a", threshold: 1, pubkeys: [], expected_command: [], expected_materials: [], expected_products: [] };
    const layout = load({ steps: [{ ...step, cert_constraints: [{ common_name: 3 }] }], rootcas: { x: { keyid: "x" } } });
    expect(layout.rootcas).toBeUndefined();
    expect(layout.steps[0]?.cert_constraints).toBeUndefined();
  });
});

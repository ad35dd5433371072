import { describe, expect, it } from "vitest";
import { loadEnvelope } from "../src/load/envelope.js";
import { parseStrictJson } from "../src/load/strict-json.js";
import { canonicalize } from "../src/canonical-json.js";
import { linkToJson } from "../src/serialize.js";
import { envelopeToText } from "../src/sign.js";
import { bob, cloneLink, demoLayout, dsse, layoutFile, linkFile, owner } from "./fixtures/chains/build-chain.js";

const enc = (s: string) => new TextEncoder().encode(s);

function loadError(text: string, opts = {}) {
  const r = loadEnvelope(enc(text), opts);
  return r.ok ? "ok" : `${r.error.code} ${r.error.path}`;
}

const link = (signed: object) => JSON.stringify({ signatures: [], signed: { _type: "link", name: "x", ...signed } });
const layout = (signed: object) =>
  JSON.stringify({ signatures: [], signed: { _type: "layout", expires: "2030-01-01T00:00:00Z", steps: [], inspect: [], ...signed } });

describe("parseStrictJson", () => {
  it("rejects a UTF-8 byte order mark, as in-toto 1.3.1 does", () => {
    const r = parseStrictJson(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]));
    expect(r.ok ? "ok" : r.error.code).toBe("json-bom");
  });

  it("rejects floats and exponents that in-toto cannot sign, with their path", () => {
    for (const n of ["1.0", "1e3", "-2E-1"]) {
      const r = parseStrictJson(enc(`{"a": [0, {"b": ${n}}]}`));
      expect(r.ok ? "ok" : `${r.error.code} ${r.error.path}`).toBe("json-float $.a[1].b");
    }
  });

  it("keeps digits inside strings apart from numbers", () => {
    expect(parseStrictJson(enc('{"v1.0.tar.gz": "1e3 \\" 2.5"}')).ok).toBe(true);
  });

  it("rejects integers beyond 2^53 and accepts the largest safe one", () => {
    expect(parseStrictJson(enc('{"n": 9007199254740991}')).ok).toBe(true);
    const r = parseStrictJson(enc('{"n": 12345678901234567890}'));
    expect(r.ok ? "ok" : `${r.error.code} ${r.error.path}`).toBe("json-integer-too-large $.n");
  });

  it("rejects duplicate keys and names the second one", () => {
    const r = parseStrictJson(enc('{"signed": {"materials": {"a": {}, "b": {}, "a": {}}}}'));
    expect(r.ok ? "ok" : `${r.error.code} ${r.error.path}`).toBe('json-duplicate-key $.signed.materials.a');
  });

  it("enforces the size and depth limits", () => {
    expect(parseStrictJson(enc("[1, 2, 3]"), { maxBytes: 4 }).ok).toBe(false);
    const r = parseStrictJson(enc(`${"[".repeat(10)}${"]".repeat(10)}`), { maxDepth: 5 });
    expect(r.ok ? "ok" : r.error.code).toBe("json-too-deep");
  });

  it("reports syntax errors and invalid UTF-8", () => {
    expect(parseStrictJson(enc('{"a": }')).ok).toBe(false);
    const r = parseStrictJson(new Uint8Array([0x22, 0xff, 0x22]));
    expect(r.ok ? "ok" : r.error.code).toBe("json-invalid-utf8");
  });
});

describe("loadEnvelope", () => {
  it("loads a signed Metablock link and signs over the canonical payload", () => {
    const r = loadEnvelope(linkFile(cloneLink, bob));
    expect(r.ok && r.value.type === "link" && r.value.envelope).toBe("metablock");
    if (r.ok && r.value.type === "link") {
      expect(r.value.link.products).toEqual(cloneLink.products);
      expect(new TextDecoder().decode(r.value.signedBytes)).toMatch(/^\{"_type":"link","byproducts":\{\},"command":\["git"/);
    }
  });

  it("loads a layout with parsed rules", () => {
    const r = loadEnvelope(layoutFile(demoLayout(), [owner]), { expect: "layout" });
    expect(r.ok && r.value.type === "layout" && r.value.layout.steps[1]?.expected_materials[0]).toEqual({
      type: "match",
      pattern: "demo-project/*",
      destinationType: "products",
      destinationName: "clone",
    });
  });

  it("detects DSSE and signs over PAE of the raw payload", () => {
    const r = loadEnvelope(dsse(linkToJson(cloneLink), [bob]));
    expect(r.ok && r.value.envelope).toBe("dsse");
    if (r.ok) expect(new TextDecoder().decode(r.value.signedBytes.slice(0, 45))).toBe("DSSEv1 28 application/vnd.in-toto+json 257 {\"");
  });

  it("drops unknown fields from the signed bytes and inserts defaults, as 1.3.1 does", () => {
    const r = loadEnvelope(enc(link({ spec_version: "1.0" })));
    expect(r.ok && new TextDecoder().decode(r.value.signedBytes)).toBe(
      '{"_type":"link","byproducts":{},"command":[],"environment":{},"materials":{},"name":"x","products":{}}',
    );
  });

  it("keeps rule lists as written in the signed bytes (lowercase keywords)", () => {
    const steps = [{ name: "a", expected_products: [["allow", "*"]] }];
    const r = loadEnvelope(enc(layout({ steps })));
    expect(r.ok && new TextDecoder().decode(r.value.signedBytes)).toContain('"expected_products":[["allow","*"]]');
  });

  it.each([
    ["not an object", "[]", "not-an-envelope $"],
    ["neither envelope", '{"a": 1}', "not-an-envelope $"],
    ["unknown _type", '{"signed": {"_type": "root"}}', "schema $.signed._type"],
    ["base64 signature on a Metablock", JSON.stringify({ signatures: [{ keyid: "ab", sig: "q83v==" }], signed: { _type: "link", name: "x" } }), "schema $.signatures[0].sig"],
    ["float threshold", layout({ steps: [{ name: "a", threshold: 2 }] }).replace('"threshold":2', '"threshold":2.0'), "json-float $.signed.steps[0].threshold"],
    ["string threshold", layout({ steps: [{ name: "a", threshold: "2" }] }), "schema $.signed.steps[0].threshold"],
    ["bad rule", layout({ steps: [{ name: "a", expected_products: [["ALLOW", "*"], ["MATCH", "x", "WITH", "PRODUCT", "FROM", "b"]] }] }), "rule $.signed.steps[0].expected_products[1]"],
    ["duplicate step names", layout({ steps: [{ name: "a" }], inspect: [{ name: "a" }] }), "duplicate-name $.signed.inspect[0].name"],
    ["expires with offset", layout({ expires: "2030-01-01T00:00:00+00:00" }), "schema $.signed.expires"],
    ["impossible date", layout({ expires: "2030-02-30T00:00:00Z" }), "schema $.signed.expires"],
    ["missing steps", JSON.stringify({ signed: { _type: "layout", expires: "2030-01-01T00:00:00Z", inspect: [] } }), "schema $.signed"],
    ["non-hex hash", link({ products: { "a/b": { sha256: "xyz" } } }), 'schema $.signed.products["a/b"].sha256'],
    ["numeric-looking artifact path", link({ products: { "10": { sha256: 5 } } }), 'schema $.signed.products["10"].sha256'],
    ["keyid that is not hex", layout({ keys: { zz: { keyid: "zz", keytype: "ed25519", scheme: "ed25519", keyval: { public: "00" } } } }), "schema $.signed.keys"],
    ["link where a layout is expected", link({}), "wrong-type $.signed._type"],
  ])("rejects %s", (_what, text, expected) => {
    expect(loadError(text, expected.startsWith("wrong-type") ? { expect: "layout" } : {})).toBe(expected);
  });

  it("signs over the canonical bytes whether the file is in-toto's sorted form or not", () => {
    const payload = linkToJson(cloneLink);
    const exact = new TextDecoder().decode(canonicalize(payload));
    // Sorted (what in-toto writes): the one-pass reader takes it and its bytes are the canonical ones.
    const sorted = loadEnvelope(enc(envelopeToText({ signed: payload, signatures: [] })));
    expect(sorted.ok && new TextDecoder().decode(sorted.value.signedBytes)).toBe(exact);
    // Unsorted keys: the plain path encodes the canonical bytes from the parsed value.
    const unsorted = loadEnvelope(linkFile(cloneLink, bob));
    expect(unsorted.ok && new TextDecoder().decode(unsorted.value.signedBytes)).toBe(exact);
  });

  it("explains a missing field in a sentence", () => {
    const r = loadEnvelope(enc(JSON.stringify({ signed: { _type: "link" } })));
    expect(r.ok ? "" : r.error.message).toBe('The link lacks the field "name" at $.signed; add it.');
  });
});

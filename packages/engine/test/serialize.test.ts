import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePublicKey } from "../src/keys/parse.js";
import { loadEnvelope } from "../src/load/envelope.js";
import type { Layout, Link, PublicKey } from "../src/model.js";
import { layoutPayloadBytes, layoutToJson, linkPayloadBytes, linkToJson, publicKeyToJson } from "../src/serialize.js";
import { verifyMetablockSignature } from "../src/sign.js";

const fixture = (name: string) => new URL(`./fixtures/serialize/${name}`, import.meta.url);

/** A layout using every construct: all rule kinds, prefixes, unicode, an RSA PEM, extra key fields. */
export const sampleLayout: Layout = {
  _type: "layout",
  expires: "2030-01-01T00:00:00Z",
  readme: "Ünïcode readme with \"quotes\", a \\ and a\nnewline 😀",
  keys: {
    aaaa: {
      keyid: "aaaa",
      keytype: "ed25519",
      scheme: "ed25519",
      keyval: { public: "087389bb6f0c83f50f827d94aad8b80c11410ef26dde0e94d3495d1cdeb070ae" },
      keyid_hash_algorithms: ["sha256", "sha512"],
      extra: { comment: "kept and signed", nested: { z: 1, a: [true, null] } },
    },
    bbbb: {
      keyid: "bbbb",
      keytype: "rsa",
      scheme: "rsassa-pss-sha256",
      keyval: { public: "-----BEGIN PUBLIC KEY-----\nMIIBIjAN\n-----END PUBLIC KEY-----" },
    },
  },
  steps: [
    {
      _type: "step",
      name: "clone",
      threshold: 1,
      pubkeys: ["aaaa"],
      expected_command: ["git", "clone", "https://example.org/x.git"],
      expected_materials: [],
      expected_products: [
        { type: "create", pattern: "x/foo.py" },
        { type: "require", pattern: "x/README" },
        { type: "disallow", pattern: "*" },
      ],
    },
    {
      _type: "step",
      name: "package",
      threshold: 2,
      pubkeys: ["aaaa", "bbbb"],
      expected_command: [],
      expected_materials: [
        { type: "match", pattern: "x/*", destinationType: "products", destinationName: "clone" },
        { type: "match", pattern: "*", sourcePrefix: "a", destinationType: "materials", destinationPrefix: "b", destinationName: "clone" },
        { type: "delete", pattern: "tmp/*" },
        { type: "modify", pattern: "x/ＦＵＬＬ.txt" },
        { type: "allow", pattern: "docs/😀.md" },
      ],
      expected_products: [{ type: "create", pattern: "x.tar.gz" }],
    },
  ],
  inspect: [
    {
      _type: "inspection",
      name: "untar",
      run: ["tar", "xzf", "x.tar.gz"],
      expected_materials: [{ type: "match", pattern: "x.tar.gz", destinationType: "products", destinationName: "package" }],
      expected_products: [{ type: "match", pattern: "x/foo.py", sourcePrefix: "x", destinationType: "products", destinationName: "clone" }],
    },
  ],
};

export const sampleLink: Link = {
  _type: "link",
  name: "clone",
  command: ["git", "clone"],
  materials: {},
  products: { "x/foo.py": { sha256: "ab".repeat(32) }, "x/ＦＵＬＬ.txt": { sha256: "cd".repeat(32), sha512: "ef".repeat(64) } },
  byproducts: { "return-value": 0, stderr: "", stdout: "hi\n" },
  environment: { big: 12345678901234567890n },
};

describe("layoutToJson", () => {
  it("emits exactly the fields in-toto 1.3.1 signs", () => {
    const json = layoutToJson(sampleLayout);
    expect(Object.keys(json).sort()).toEqual(["_type", "expires", "inspect", "keys", "readme", "steps"]);
    const step = (json.steps as Record<string, unknown>[])[0] as Record<string, unknown>;
    expect(Object.keys(step).sort()).toEqual([
      "_type",
      "expected_command",
      "expected_materials",
      "expected_products",
      "name",
      "pubkeys",
      "threshold",
    ]);
    const inspection = (json.inspect as Record<string, unknown>[])[0] as Record<string, unknown>;
    expect(Object.keys(inspection).sort()).toEqual(["_type", "expected_materials", "expected_products", "name", "run"]);
    const keys = json.keys as Record<string, Record<string, unknown>>;
    expect(Object.keys(keys.aaaa as object).sort()).toEqual([
      "comment",
      "keyid",
      "keyid_hash_algorithms",
      "keytype",
      "keyval",
      "nested",
      "scheme",
    ]);
    expect(Object.keys(keys.bbbb as object).sort()).toEqual(["keyid", "keytype", "keyval", "scheme"]);
  });

  it("produces the bytes in-toto 1.3.1 signs for the same layout (golden from Layout.read + signable_bytes)", () => {
    // fixtures/serialize/layout.canonical.bin was written by the reference: Layout.read(json) then
    // encode_canonical(attr.asdict(layout)).encode("utf-8"), from layout.json below.
    expect(Buffer.from(layoutPayloadBytes(sampleLayout))).toEqual(readFileSync(fixture("layout.canonical.bin")));
  });
});

describe("linkToJson", () => {
  it("emits exactly the link fields and the bytes 1.3.1 signs (golden from Link.read)", () => {
    expect(Object.keys(linkToJson(sampleLink)).sort()).toEqual([
      "_type",
      "byproducts",
      "command",
      "environment",
      "materials",
      "name",
      "products",
    ]);
    expect(Buffer.from(linkPayloadBytes(sampleLink))).toEqual(readFileSync(fixture("link.canonical.bin")));
  });
});

describe("publicKeyToJson: foreign key objects (SPEC-NOTES §2)", () => {
  // fixtures/serialize/foreign-keys.layout was signed by in-toto-sign 1.3.1 with vectors/keyid/ed25519.
  // Its RSA key comes from 1.3.1's own import_rsa_publickey_from_file, which writes
  // `keyval: {public, private: ""}`; the ECDSA key carries an extra keyval field and a key-level `expires`.
  const signedFile = readFileSync(fixture("foreign-keys.layout"), "utf8");
  const rsaId = "056c1b35a53e56f6416a0ff8d310387ef022bf6577b3c53bfb957ec85aa82248";
  const ecId = "1483d7a3bdb9a7146e5e72064bc1021df982764aed89ba622d7434120694b70c";
  const raw = JSON.parse(signedFile).signed;
  const owner = parsePublicKey(readFileSync(new URL("./fixtures/vectors/keyid/ed25519.pub", import.meta.url), "utf8"));
  /** The model the loader builds from that file: `private: ""` and keyval extras kept. */
  const model: Layout = {
    _type: "layout",
    expires: "2030-01-01T00:00:00Z",
    readme: "foreign key objects",
    keys: {
      [rsaId]: {
        keyid: rsaId,
        keytype: "rsa",
        scheme: "rsassa-pss-sha256",
        keyval: { public: raw.keys[rsaId].keyval.public, private: "" },
        keyid_hash_algorithms: ["sha256", "sha512"],
      },
      [ecId]: {
        keyid: ecId,
        keytype: "ecdsa",
        scheme: "ecdsa-sha2-nistp256",
        keyval: { public: raw.keys[ecId].keyval.public },
        keyvalExtra: { note: { b: [1, "ü"], a: null } },
        keyid_hash_algorithms: ["sha256", "sha512"],
        extra: { expires: "2031-01-01T00:00:00Z" },
      },
    },
    steps: [
      {
        _type: "step",
        name: "build",
        threshold: 2,
        pubkeys: [rsaId, ecId],
        expected_command: ["make"],
        expected_materials: [],
        expected_products: [{ type: "create", pattern: "out" }],
      },
    ],
    inspect: [],
  };

  it("re-emits the key objects 1.3.1 signed, so its layout signature still verifies", () => {
    if (!owner.ok) throw new Error(owner.error.message);
    const keys = layoutToJson(model).keys as Record<string, unknown>;
    expect(keys[rsaId]).toEqual(raw.keys[rsaId]);
    expect(keys[ecId]).toEqual(raw.keys[ecId]);
    const mb = { signed: raw, signatures: JSON.parse(signedFile).signatures };
    const result = verifyMetablockSignature(mb, owner.value.toLayoutKey("in-toto-1.3"), layoutPayloadBytes(model));
    expect(result).toMatchObject({ ok: true, value: { keyid: owner.value.keyid("in-toto-1.3") } });
  });

  it("without them the signed bytes change: the same signature no longer verifies", () => {
    if (!owner.ok) throw new Error(owner.error.message);
    const plain = structuredClone(model);
    for (const key of Object.values(plain.keys)) {
      delete key.keyval.private;
      delete key.keyvalExtra;
    }
    const mb = { signed: raw, signatures: JSON.parse(signedFile).signatures };
    const result = verifyMetablockSignature(mb, owner.value.toLayoutKey("in-toto-1.3"), layoutPayloadBytes(plain));
    expect(result).toMatchObject({ ok: false, error: { code: "invalid-signature" } });
  });

  it("is what the strict loader builds from the file, so loading and re-emitting keeps the signed bytes", () => {
    const loaded = loadEnvelope(new TextEncoder().encode(signedFile));
    if (!loaded.ok) throw new Error(loaded.error.message);
    expect(loaded.value.layout).toEqual(model);
    expect(Buffer.from(layoutPayloadBytes(loaded.value.layout!))).toEqual(Buffer.from(loaded.value.signedBytes));
  });

  it("never writes a non-empty private value, even from an untyped caller", () => {
    const key = { keyid: "aa", keytype: "ed25519", scheme: "ed25519", keyval: { public: "ab", private: "secret" } };
    expect(publicKeyToJson(key as unknown as PublicKey).keyval).toEqual({ public: "ab" });
  });

  it("keeps public and private over same-named keyval extras", () => {
    const key: PublicKey = { keyid: "aa", keytype: "ed25519", scheme: "ed25519", keyval: { public: "ab", private: "" }, keyvalExtra: { public: "x", private: "y", z: 1 } };
    expect(publicKeyToJson(key).keyval).toEqual({ z: 1, public: "ab", private: "" });
  });
});

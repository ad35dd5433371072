// Attestation evidence loading (engine/attest): Statements, DSSE envelopes, Sigstore bundles, and
// key signatures on envelopes. Strictness where attestation-verifier is lax is part of the contract.
import { generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadEvidence, parseStatement, STATEMENT_V01, STATEMENT_V1, subjectsMatching, verifyEnvelopeWithKeys } from "../src/index.js";
import * as f from "./fixtures/attest/sigstore-fixtures.js";

const subject = [{ name: "foo", digest: { sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" } }];
const statement = { _type: STATEMENT_V1, subject, predicateType: "https://in-toto.io/attestation/test-result/v0.1", predicate: { result: "PASSED" } };
const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

function envelope(payload: unknown, key = generateKeyPairSync("ed25519"), keyid = "k1") {
  const body = Buffer.from(JSON.stringify(payload));
  const type = "application/vnd.in-toto+json";
  const sig = sign(null, f.pae(type, body), key.privateKey);
  return { payload: body.toString("base64"), payloadType: type, signatures: [{ keyid, sig: sig.toString("base64") }] };
}

function edKey(pair: ReturnType<typeof generateKeyPairSync>, keyid: string) {
  const raw = (pair.publicKey.export({ format: "jwk" }) as { x: string }).x;
  return { keyid, keytype: "ed25519", scheme: "ed25519", keyval: { public: Buffer.from(raw, "base64url").toString("hex") } };
}

describe("parseStatement", () => {
  it("reads v1 and legacy v0.1 Statements", () => {
    expect(parseStatement(statement)).toMatchObject({ ok: true, value: { type: STATEMENT_V1, predicate: { result: "PASSED" } } });
    expect(parseStatement({ ...statement, _type: STATEMENT_V01 })).toMatchObject({ ok: true, value: { type: STATEMENT_V01 } });
  });

  it("reads the protobuf field name type for a v1 Statement (statement.proto's json_name is _type)", () => {
    const { _type, ...rest } = statement;
    expect(parseStatement({ ...rest, type: _type })).toMatchObject({ ok: true, value: { type: STATEMENT_V1 } });
  });

  it("gives an absent predicate as an empty object", () => {
    const { predicate: _, ...bare } = statement;
    expect(parseStatement(bare)).toMatchObject({ ok: true, value: { predicate: {} } });
  });

  const refused: Array<[string, unknown, string, string]> = [
    ["the protobuf spelling type for v0.1", { ...statement, _type: undefined, type: STATEMENT_V01 }, "statement-type", "$.type"],
    ["both spellings of the type", { ...statement, type: STATEMENT_V1 }, "statement-type", "$.type"],
    ["an unknown _type", { ...statement, _type: "https://in-toto.io/Statement/v2" }, "statement-type", "$._type"],
    ["an unknown field", { ...statement, extra: 1 }, "statement-field", "$.extra"],
    ["no subject", { ...statement, subject: [] }, "statement-subject", "$.subject"],
    ["a subject without digest", { ...statement, subject: [{ name: "foo" }] }, "subject-digest", "$.subject[0].digest"],
    ["a digest that is not text", { ...statement, subject: [{ name: "foo", digest: { sha256: 1 } }] }, "descriptor-digest", "$.subject[0].digest.sha256"],
    ["an unknown descriptor field", { ...statement, subject: [{ ...subject[0], size: 3 }] }, "descriptor-field", "$.subject[0].size"],
    ["no predicateType", { ...statement, predicateType: "" }, "statement-predicate-type", "$.predicateType"],
    ["a predicate that is a list", { ...statement, predicate: [] }, "statement-predicate", "$.predicate"],
  ];
  for (const [what, value, code, path] of refused) {
    it(`refuses ${what}`, () => {
      const clean = JSON.parse(JSON.stringify(value));
      expect(parseStatement(clean)).toEqual({ ok: false, error: { code, path, message: expect.any(String) } });
    });
  }
});

describe("subjectsMatching", () => {
  const parsed = parseStatement(statement);
  it("matches on a shared algorithm, case-insensitively, and not on a differing one", () => {
    if (!parsed.ok) throw new Error("fixture");
    expect(subjectsMatching(parsed.value, { sha256: subject[0]?.digest.sha256.toUpperCase() as string })).toHaveLength(1);
    expect(subjectsMatching(parsed.value, { sha256: "00".repeat(32) })).toHaveLength(0);
    expect(subjectsMatching(parsed.value, { sha512: "00" })).toHaveLength(0);
  });
});

describe("loadEvidence", () => {
  it("loads a DSSE envelope and checks its signature with the signer's key only", async () => {
    const pair = generateKeyPairSync("ed25519");
    const loaded = await loadEvidence(bytes(envelope(statement, pair)));
    if (!loaded.ok || loaded.value.kind !== "dsse") throw new Error(JSON.stringify(loaded));
    expect(loaded.value.statement.predicateType).toBe(statement.predicateType);
    expect(verifyEnvelopeWithKeys(loaded.value.envelope, [edKey(pair, "k1")])).toEqual(["k1"]);
    expect(verifyEnvelopeWithKeys(loaded.value.envelope, [edKey(pair, "k2")])).toEqual([]); // keyid names k1
    expect(verifyEnvelopeWithKeys(loaded.value.envelope, [edKey(generateKeyPairSync("ed25519"), "k1")])).toEqual([]);
  });

  it("loads Sigstore bundles of both media-type generations", async () => {
    const auth = f.makeAuthority();
    const who = f.makeSigner(auth, { identity: { email: "a@example.com" }, issuer: "https://accounts.example" });
    for (const version of ["0.1", "0.2", "0.3", "0.3-legacy"] as const) {
      const loaded = await loadEvidence(bytes(f.dsseBundle(auth, who, statement, version)));
      expect(loaded).toMatchObject({ ok: true, value: { kind: "bundle", statement: { predicateType: statement.predicateType } } });
      const message = await loadEvidence(bytes(f.messageBundle(auth, who, Buffer.from("x"), version)));
      expect(message).toMatchObject({ ok: true, value: { kind: "bundle-message" } });
    }
  });

  const refused: Array<[string, Uint8Array, string]> = [
    ["text that is not JSON", new TextEncoder().encode("{"), "json-syntax"],
    ["a byte order mark", new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), "json-bom"],
    ["an envelope with another payloadType", bytes({ ...envelope(statement), payloadType: "text/plain" }), "envelope-payload-type"],
    ["an unsigned envelope", bytes({ ...envelope(statement), signatures: [] }), "envelope-unsigned"],
    ["an envelope field in-toto does not define", bytes({ ...envelope(statement), note: "x" }), "envelope-field"],
    ["a payload that is not base64", bytes({ ...envelope(statement), payload: "***" }), "envelope-payload"],
    ["an envelope whose Statement has no _type", bytes(envelope({ ...statement, _type: undefined })), "statement-type"],
    ["a bundle missing its content", bytes({ mediaType: f.MEDIA_TYPES["0.3"], verificationMaterial: {} }), "bundle-invalid"],
  ];
  for (const [what, input, code] of refused) {
    it(`refuses ${what}`, async () => {
      const loaded = await loadEvidence(input);
      expect(loaded.ok || loaded.error.code).toBe(code);
    });
  }
});

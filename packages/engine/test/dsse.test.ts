import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fromBase64, toHex } from "../src/crypto/bytes.js";
import { dsseBody, pae, signDsse, verifyDsseSignature } from "../src/dsse.js";
import { parsePrivateKey, parsePublicKey } from "../src/keys/parse.js";
import type { PrivateKeyMaterial } from "../src/keys/types.js";
import { type DsseEnvelope, INTOTO_PAYLOAD_TYPE, type JsonObject } from "../src/model.js";

const text = (path: string) => readFileSync(new URL(path, import.meta.url), "utf8");
const vectors = JSON.parse(text("./fixtures/vectors/dsse/cases.json")) as {
  payloadType_in_toto: string;
  pae_example: { payloadType: string; body_utf8: string; pae_utf8: string };
};
const utf8 = (s: string) => new TextEncoder().encode(s);

function signer(name: string): PrivateKeyMaterial {
  const parsed = parsePrivateKey(text(`./fixtures/vectors/keyid/${name}`));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}
function publicKey(name: string) {
  const parsed = parsePublicKey(text(`./fixtures/vectors/keyid/${name}`));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}
const payload = JSON.parse(text("./fixtures/serialize/layout.json")) as JsonObject;

describe("pae", () => {
  it("encodes the DSSE spec example", () => {
    const v = vectors.pae_example;
    expect(new TextDecoder().decode(pae(v.payloadType, utf8(v.body_utf8)))).toBe(v.pae_utf8);
    expect(vectors.payloadType_in_toto).toBe(INTOTO_PAYLOAD_TYPE);
  });

  it("counts bytes, not characters", () => {
    expect(new TextDecoder().decode(pae("t", utf8("é😀")))).toBe("DSSEv1 1 t 6 é😀");
  });
});

describe("reference DSSE envelopes (intoto_ref.py dsse-wrap, as in-toto ≥1.4 writes them)", () => {
  it.each([
    ["layout.ed25519.dsse", "ed25519.pub"],
    ["layout.rsa.dsse", "rsa.pub"],
  ])("verifies %s with the 1.3 keyid of %s", (file, pub) => {
    const env = JSON.parse(text(`./fixtures/dsse/${file}`)) as DsseEnvelope;
    const key = publicKey(pub).toLayoutKey("in-toto-1.3");
    const body = verifyDsseSignature(env, key);
    expect(body.ok).toBe(true);
    // The reference body is json.dumps(payload, sort_keys=True): what dsseBody writes.
    if (body.ok) expect(toHex(body.value)).toBe(toHex(dsseBody(payload)));
    const tampered = { ...env, payload: Buffer.from(dsseBody({ ...payload, readme: "x" })).toString("base64") };
    expect(verifyDsseSignature(tampered, key)).toMatchObject({ ok: false, error: { code: "invalid-signature" } });
  });
});

describe("signDsse", () => {
  const signers = [signer("ed25519"), signer("rsa"), signer("ecdsa")];

  it("signs PAE(type, body) with base64 signatures that each key verifies", () => {
    const body = dsseBody(payload);
    const env = signDsse(body, signers, "in-toto");
    expect(env.payloadType).toBe(INTOTO_PAYLOAD_TYPE);
    expect(fromBase64(env.payload)).toEqual(body);
    expect(JSON.parse(new TextDecoder().decode(body))).toEqual(payload);
    for (const s of signers) {
      const key = s.public.toLayoutKey("in-toto");
      expect(env.signatures.some((sig) => sig.keyid === key.keyid)).toBe(true);
      expect(verifyDsseSignature(env, key).ok).toBe(true);
    }
  });

  it("accepts URL-safe base64 and hex signatures, and reports missing ones", () => {
    const [ed] = signers as [PrivateKeyMaterial];
    const env = signDsse(utf8("{}"), [ed], "in-toto");
    const sig = env.signatures[0] as { keyid: string; sig: string };
    const key = ed.public.toLayoutKey("in-toto");
    const raw = fromBase64(sig.sig) as Uint8Array;
    const urlSafe = { ...env, signatures: [{ keyid: sig.keyid, sig: Buffer.from(raw).toString("base64url") }] };
    const hex = { ...env, signatures: [{ keyid: sig.keyid, sig: toHex(raw) }] };
    expect(verifyDsseSignature(urlSafe, key).ok).toBe(true);
    expect(verifyDsseSignature(hex, key).ok).toBe(true);
    expect(verifyDsseSignature(env, ed.public.toLayoutKey("in-toto-1.3"))).toMatchObject({ ok: false, error: { code: "no-signature" } });
    expect(verifyDsseSignature({ ...env, payload: "%%%" }, key)).toMatchObject({ ok: false, error: { code: "unsignable-payload" } });
    expect(verifyDsseSignature({ ...env, signatures: null as never }, key).ok).toBe(false);
  });
});

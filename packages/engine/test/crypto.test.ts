import { constants, generateKeyPairSync, sign, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../src/crypto/bytes.js";
import { type Ed25519, nobleEd25519, nodeEd25519 } from "../src/crypto/ed25519.js";
import { keyVerifier, selectEd25519, verifySignature } from "../src/crypto/verify.js";
import { parsePrivateKey, parsePublicKey } from "../src/keys/parse.js";

const dir = new URL("./fixtures/vectors/signatures/", import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir));
const hex = (s: string) => fromHex(s) as Uint8Array;

// RFC 8032 §7.1, TEST 1, 2, 3 and TEST SHA(abc).
const RFC8032 = [
  {
    seed: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    pub: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    msg: "",
    sig: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  },
  {
    seed: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    pub: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    msg: "72",
    sig: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  },
  {
    seed: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
    pub: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
    msg: "af82",
    sig: "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
  },
  {
    seed: "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
    pub: "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
    msg: "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    sig: "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704",
  },
];

const IMPLS: [string, Ed25519][] = [
  ["node:crypto", nodeEd25519],
  ["@noble/ed25519", nobleEd25519],
];

describe.each(IMPLS)("Ed25519 via %s", (_name, ed) => {
  it.each(RFC8032.map((v, i) => [i + 1, v] as const))("passes RFC 8032 test %i", (_i, v) => {
    expect(toHex(ed.publicFromSeed(hex(v.seed)))).toBe(v.pub);
    expect(toHex(ed.sign(hex(v.seed), hex(v.msg)))).toBe(v.sig);
    expect(ed.verify(hex(v.pub), hex(v.msg), hex(v.sig))).toBe(true);
    const tampered = hex(v.sig);
    tampered[0] = (tampered[0] as number) ^ 1;
    expect(ed.verify(hex(v.pub), hex(v.msg), tampered)).toBe(false);
  });

  it("verifies the in-toto signature vector and refuses a tampered payload", () => {
    const c = vectors.cases[0] as SignatureCase;
    const pub = JSON.parse(read("ed25519.pub").toString()).keyval.public as string;
    const payload = new Uint8Array(read("payload.canonical.bin"));
    expect(ed.verify(hex(pub), payload, hex(c.signature.sig))).toBe(true);
    expect(ed.verify(hex(pub), new Uint8Array([...payload, 32]), hex(c.signature.sig))).toBe(false);
  });

  it("returns false instead of throwing for wrong lengths and non-points", () => {
    const v = RFC8032[0] as (typeof RFC8032)[0];
    expect(ed.verify(hex(v.pub), new Uint8Array(), hex(v.sig).subarray(1))).toBe(false);
    expect(ed.verify(hex(v.pub).subarray(1), new Uint8Array(), hex(v.sig))).toBe(false);
    expect(ed.verify(new Uint8Array(32).fill(0xff), new Uint8Array(), hex(v.sig))).toBe(false);
    expect(ed.verify(hex(v.pub), new Uint8Array(), new Uint8Array(64).fill(0xff))).toBe(false);
  });
});

interface SignatureCase {
  key_type: string;
  private_key_file: string;
  public_key_file: string;
  keyid: string;
  signature: { keyid: string; sig: string };
  deterministic: boolean;
}
const vectors = JSON.parse(read("cases.json").toString()) as { cases: SignatureCase[] };

describe("verifySignature over the in-toto signature vectors", () => {
  const payload = new Uint8Array(read("payload.canonical.bin"));

  it.each(vectors.cases.map((c) => [c.key_type, c] as const))("verifies the %s vector and signs like the reference", (_t, c) => {
    const pub = parsePublicKey(read(c.public_key_file).toString());
    if (!pub.ok) throw new Error(pub.error.message);
    const key = pub.value.toLayoutKey("in-toto-1.3");
    expect(key.keyid).toBe(c.keyid);
    expect(verifySignature(key, payload, hex(c.signature.sig))).toBe(true);
    expect(verifySignature(key, payload.subarray(1), hex(c.signature.sig))).toBe(false);

    const priv = parsePrivateKey(read(c.private_key_file).toString());
    if (!priv.ok) throw new Error(priv.error.message);
    const sig = priv.value.sign(payload);
    if (c.deterministic) expect(toHex(sig)).toBe(c.signature.sig);
    expect(verifySignature(key, payload, sig)).toBe(true);
  });

  it("signs RSA-PSS with a 32-byte salt and verifies any salt length", () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const key = { keytype: "rsa", scheme: "rsassa-pss-sha256", keyval: { public: publicKey.export({ type: "spki", format: "pem" }).toString() } };
    const priv = parsePrivateKey(privateKey.export({ type: "pkcs8", format: "pem" }).toString());
    if (!priv.ok) throw new Error(priv.error.message);
    const data = new TextEncoder().encode("payload");
    expect(verifySignature(key, data, priv.value.sign(data))).toBe(true);
    // The salt length shows when verifying with a fixed one: 32 passes, 20 fails.
    const sig = priv.value.sign(data);
    expect(verify("sha256", data, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig)).toBe(true);
    expect(verify("sha256", data, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 20 }, sig)).toBe(false);
    const salt0 = sign("sha256", data, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 0 });
    expect(verifySignature(key, data, salt0)).toBe(true);
    const pkcs1 = sign("sha256", data, { key: privateKey, padding: constants.RSA_PKCS1_PADDING });
    expect(verifySignature(key, data, pkcs1)).toBe(false);
    expect(verifySignature({ ...key, scheme: "rsa-pkcs1v15-sha256" }, data, pkcs1)).toBe(true);
  });

  it("signs and verifies ECDSA P-384 with SHA-384 DER signatures", () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
    const priv = parsePrivateKey(privateKey.export({ type: "sec1", format: "pem" }).toString());
    if (!priv.ok) throw new Error(priv.error.message);
    expect(priv.value.public.scheme).toBe("ecdsa-sha2-nistp384");
    const data = new TextEncoder().encode("payload");
    const sig = priv.value.sign(data);
    expect(sig[0]).toBe(0x30); // DER SEQUENCE
    const key = priv.value.public.toLayoutKey("in-toto");
    expect(verifySignature(key, data, sig)).toBe(true);
    expect(verifySignature({ ...key, scheme: "ecdsa-sha2-nistp256" }, data, sig)).toBe(false);
  });

  it("returns false, never throws, for bad keys, schemes and signatures", () => {
    const c = vectors.cases[2] as SignatureCase;
    const pub = parsePublicKey(read(c.public_key_file).toString());
    if (!pub.ok) throw new Error(pub.error.message);
    const key = pub.value.toLayoutKey("in-toto-1.3");
    const sig = hex(c.signature.sig);
    expect(verifySignature(key, payload, sig.subarray(0, 10))).toBe(false);
    expect(verifySignature(key, payload, new Uint8Array())).toBe(false);
    expect(verifySignature({ ...key, scheme: "ecdsa-sha2-nistp521" }, payload, sig)).toBe(false);
    expect(verifySignature({ ...key, keytype: "rsa" }, payload, sig)).toBe(false);
    expect(verifySignature({ ...key, keyval: { public: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----" } }, payload, sig)).toBe(false);
    expect(verifySignature({ keytype: "ed25519", scheme: "ed25519", keyval: { public: "zz" } }, payload, sig)).toBe(false);
    expect(verifySignature(null as never, payload, sig)).toBe(false);
    expect(keyVerifier({ ...key, scheme: "bogus" })).toEqual({ ok: false, error: expect.stringMatching(/unsupported signature scheme "bogus"/) });
  });

  it("verifies ed25519 through @noble/ed25519 when selected", () => {
    const c = vectors.cases[0] as SignatureCase;
    const pub = parsePublicKey(read(c.public_key_file).toString());
    if (!pub.ok) throw new Error(pub.error.message);
    const key = pub.value.toLayoutKey("in-toto-1.3");
    selectEd25519("noble");
    try {
      expect(verifySignature(key, payload, hex(c.signature.sig))).toBe(true);
      expect(verifySignature(key, payload.subarray(1), hex(c.signature.sig))).toBe(false);
    } finally {
      selectEd25519("node");
    }
  });

  it("parses each key once for many verifications", () => {
    const c = vectors.cases[1] as SignatureCase;
    const pub = parsePublicKey(read(c.public_key_file).toString());
    if (!pub.ok) throw new Error(pub.error.message);
    const key = pub.value.toLayoutKey("in-toto-1.3");
    const first = keyVerifier(key);
    expect(keyVerifier({ ...key }).ok && first.ok && keyVerifier({ ...key }).value === first.value).toBe(true);
  });
});

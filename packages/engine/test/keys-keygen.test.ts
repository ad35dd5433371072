import { describe, expect, it } from "vitest";
import { verifySignature } from "../src/crypto/verify.js";
import { generateKeyPair, generateKeyPairChecked } from "../src/keys/keygen.js";
import type { KeyType } from "../src/keys/types.js";
import { parsePrivateKey, parsePublicKey } from "../src/keys/parse.js";

const data = new TextEncoder().encode("payload");

describe("generateKeyPair", () => {
  const combos = [
    ["ed25519", "securesystemslib"],
    ["ecdsa", "securesystemslib"],
    ["rsa", "pem"],
    ["ed25519", "pem"],
    ["ecdsa", "pem"],
    ["rsa", "securesystemslib"],
  ] as const;

  it.each(combos.flatMap(([t, f]) => [[t, f, undefined] as const, [t, f, "pw ünï"] as const]))(
    "makes a %s key in %s format (password %j) that reads back, signs and verifies",
    (type, format, password) => {
      const pair = generateKeyPair(type, format, password === undefined ? { bits: 2048 } : { bits: 2048, password });
      const pub = parsePublicKey(pair.publicText, { type });
      const priv = parsePrivateKey(pair.privateText, password === undefined ? {} : { password });
      if (!pub.ok || !priv.ok) throw new Error("unreadable generated key");
      expect([pub.value.keyid("in-toto-1.3"), pub.value.keyid("in-toto")]).toEqual([pair.keyid13, pair.keyidModern]);
      expect(priv.value.public.keyid("in-toto-1.3")).toBe(pair.keyid13);
      expect(verifySignature(pub.value.toLayoutKey("in-toto-1.3"), data, priv.value.sign(data))).toBe(true);
      if (password !== undefined) expect(parsePrivateKey(pair.privateText).ok).toBe(false);
    },
  );

  it("writes ed25519 files the way in-toto-keygen does", () => {
    const pair = generateKeyPair("ed25519", "securesystemslib");
    expect(pair.publicText).toMatch(
      /^\{"keytype": "ed25519", "scheme": "ed25519", "keyid_hash_algorithms": \["sha256", "sha512"\], "keyval": \{"public": "[0-9a-f]{64}"\}\}$/,
    );
    const priv = JSON.parse(pair.privateText);
    expect(Object.keys(priv)).toEqual(["keytype", "scheme", "keyid", "keyid_hash_algorithms", "keyval"]);
    expect(priv.keyid).toBe(pair.keyid13);
    expect(priv.keyval.private).toMatch(/^[0-9a-f]{64}$/);
    expect(generateKeyPair("ed25519", "securesystemslib", { password: "x" }).privateText).toMatch(
      /^[0-9a-f]{32}@@@@100000@@@@[0-9a-f]{64}@@@@[0-9a-f]{32}@@@@[0-9a-f]+$/,
    );
  });

  it("writes RSA as SPKI public and PKCS#1 private PEMs, encrypted with AES-256-CBC", () => {
    const pair = generateKeyPair("rsa", "pem", { bits: 2048, password: "pw" });
    expect(pair.publicText).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(pair.privateText).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,/);
  });

  it("writes ecdsa keyval.public with its trailing newline and an EC private key", () => {
    const priv = JSON.parse(generateKeyPair("ecdsa", "securesystemslib").privateText);
    expect(priv.scheme).toBe("ecdsa-sha2-nistp256");
    expect(priv.keyval.public).toMatch(/-----END PUBLIC KEY-----\n$/);
    expect(priv.keyval.private).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
  });

  it("refuses RSA sizes outside 2048..8192 bits with an error value, not an exception", () => {
    for (const bits of [1000, 2047, 8193, 3072.5, Number.NaN]) {
      const result = generateKeyPairChecked("rsa", "pem", { bits });
      expect(result).toEqual({ ok: false, error: { code: "key-unsupported", message: `RSA keys need 2048 to 8192 bits (in-toto-keygen uses 3072), not ${bits}.` } });
    }
    // The unchecked variant is for validated options only; it throws the same message.
    expect(() => generateKeyPair("rsa", "pem", { bits: 1024 })).toThrow(new RangeError("RSA keys need 2048 to 8192 bits (in-toto-keygen uses 3072), not 1024."));
  });

  it("refuses unknown key types and formats from untyped callers", () => {
    expect(generateKeyPairChecked("dsa" as KeyType, "pem")).toEqual({ ok: false, error: { code: "key-unsupported", message: 'Totem generates ed25519, rsa, ecdsa keys, not "dsa".' } });
    expect(generateKeyPairChecked("ed25519", "ssh" as "pem")).toEqual({ ok: false, error: { code: "key-unsupported", message: 'Key files are written as pem or securesystemslib, not "ssh".' } });
  });

  it("ignores bits for non-RSA keys (only RSA has a modulus size)", () => {
    const pair = generateKeyPairChecked("ed25519", "securesystemslib", { bits: 1 });
    expect(pair.ok && JSON.parse(pair.value.publicText).keytype).toBe("ed25519");
  });
});

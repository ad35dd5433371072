import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { verifySignature } from "../src/crypto/verify.js";
import { parsePrivateKey, parsePublicKey, publicKeyFromLayoutKey } from "../src/keys/parse.js";

const dir = new URL("./fixtures/vectors/keyid/", import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir), "utf8");
const data = new TextEncoder().encode("some payload");

function errorOf<T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }) {
  return r.ok ? undefined : r.error;
}

describe("parsePublicKey", () => {
  it("reads an ed25519 SPKI PEM as the 64-hex keyval.public in-toto uses", () => {
    const { publicKey } = generateKeyPairSync("ed25519");
    const jwkX = Buffer.from(publicKey.export({ format: "jwk" }).x as string, "base64url").toString("hex");
    const parsed = parsePublicKey(publicKey.export({ type: "spki", format: "pem" }).toString());
    expect(parsed.ok && parsed.value.publicValue13).toBe(jwkX);
    expect(parsed.ok && parsed.value.scheme).toBe("ed25519");
  });

  it("reads EC P-256 and P-384 SPKI PEMs with a trailing newline in keyval.public", () => {
    for (const [curve, scheme] of [
      ["prime256v1", "ecdsa-sha2-nistp256"],
      ["secp384r1", "ecdsa-sha2-nistp384"],
    ] as const) {
      const { publicKey } = generateKeyPairSync("ec", { namedCurve: curve });
      const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
      const parsed = parsePublicKey(pem);
      expect(parsed.ok && [parsed.value.keytype, parsed.value.scheme, parsed.value.publicValue13]).toEqual(["ecdsa", scheme, pem]);
    }
  });

  it.each([
    ["garbage", "hello", "key-unreadable"],
    ["broken JSON", "{\"keytype\": ", "key-unreadable"],
    ["JSON without keyval", '{"keytype": "ed25519", "scheme": "ed25519"}', "key-unreadable"],
    ["JSON with a bad ed25519 value", '{"keytype": "ed25519", "scheme": "ed25519", "keyval": {"public": "abc"}}', "key-unreadable"],
    ["an unknown keytype", '{"keytype": "dsa", "scheme": "dsa", "keyval": {"public": "x"}}', "key-unsupported"],
    ["a scheme of another family", '{"keytype": "ed25519", "scheme": "rsassa-pss-sha256", "keyval": {"public": "x"}}', "key-unsupported"],
    ["a damaged PEM", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "key-unreadable"],
    ["a private JSON key", read("ed25519"), "key-not-public"],
    ["an encrypted private key", read("ed25519-encrypted"), "key-not-public"],
    ["an RSA private PEM", read("rsa"), "key-not-public"],
  ])("refuses %s with a typed error", (_name, text, code) => {
    const error = errorOf(parsePublicKey(text));
    expect(error?.code).toBe(code);
    expect(error?.message.length).toBeGreaterThan(20);
  });

  it("refuses a key of another type than the hint", () => {
    expect(errorOf(parsePublicKey(read("ed25519.pub"), { type: "rsa" }))).toEqual({
      code: "key-unsupported",
      message: "This is an ed25519 key, but an rsa key was expected; check the key type option.",
    });
  });

  it("refuses curves other than P-256 and P-384", () => {
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "secp256k1" });
    expect(errorOf(parsePublicKey(publicKey.export({ type: "spki", format: "pem" }).toString()))?.code).toBe("key-unsupported");
  });

  it("never throws for non-string input", () => {
    expect(errorOf(parsePublicKey(42 as never))?.code).toBe("key-unreadable");
    expect(errorOf(parsePrivateKey(undefined as never))?.code).toBe("key-unreadable");
  });
});

describe("parsePrivateKey", () => {
  it("decrypts securesystemslib and OpenSSL encrypted keys with the password", () => {
    for (const name of ["ed25519-encrypted", "rsa-encrypted"]) {
      const parsed = parsePrivateKey(read(name), { password: "correct horse" });
      expect(parsed.ok).toBe(true);
      if (parsed.ok) expect(verifySignature(parsed.value.public.toLayoutKey("in-toto-1.3"), data, parsed.value.sign(data))).toBe(true);
    }
  });

  it("keeps the keyid written in a securesystemslib JSON key", () => {
    const parsed = parsePrivateKey(read("ed25519"));
    expect(parsed.ok && parsed.value.declaredKeyid).toBe("df8536a1ad98a9b77da19d61d3dfbbd84a9e47131a11152d16d9d2cf60fe58cb");
  });

  it.each([
    ["a missing password (ssl JSON)", "ed25519-encrypted", undefined, "key-wrong-password", /give its password/],
    ["a wrong password (ssl JSON)", "ed25519-encrypted", "wrong", "key-wrong-password", /does not decrypt/],
    ["a missing password (PKCS#1 PEM)", "rsa-encrypted", undefined, "key-wrong-password", /give its password/],
    ["a wrong password (PKCS#1 PEM)", "rsa-encrypted", "wrong", "key-wrong-password", /does not decrypt/],
    ["a public PEM", "rsa.pub", undefined, "key-not-private", /pass the private key file/],
    ["a public JSON key", "ed25519.pub", undefined, "key-not-private", /no private part/],
  ])("refuses %s", (_name, file, password, code, message) => {
    const error = errorOf(parsePrivateKey(read(file), password === undefined ? {} : { password }));
    expect(error?.code).toBe(code);
    expect(error?.message).toMatch(message);
  });

  it("refuses a damaged encrypted file and mismatched halves", () => {
    const damaged = read("ed25519-encrypted").replace(/@@@@[0-9a-f]+$/, "@@@@zz");
    expect(errorOf(parsePrivateKey(damaged, { password: "correct horse" }))?.code).toBe("key-unreadable");
    const mixed = JSON.parse(read("ed25519"));
    mixed.keyval.public = JSON.parse(read("ed25519-encrypted.pub")).keyval.public;
    expect(errorOf(parsePrivateKey(JSON.stringify(mixed)))?.message).toMatch(/do not belong together/);
  });

  it("reads PKCS#8 (plain and encrypted) and SEC1 PEMs", () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const texts = [
      privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      privateKey.export({ type: "sec1", format: "pem" }).toString(),
      privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "pw" }).toString(),
    ];
    for (const text of texts) {
      const parsed = parsePrivateKey(text, { password: "pw" });
      expect(parsed.ok && parsed.value.public.scheme).toBe("ecdsa-sha2-nistp256");
    }
    expect(errorOf(parsePrivateKey(texts[2] as string))?.code).toBe("key-wrong-password");
  });
});

describe("publicKeyFromLayoutKey", () => {
  it("returns a verifier for a usable key and typed errors otherwise", () => {
    const signer = parsePrivateKey(read("ecdsa"));
    if (!signer.ok) throw new Error(signer.error.message);
    const key = signer.value.public.toLayoutKey("in-toto-1.3");
    const verifier = publicKeyFromLayoutKey(key);
    expect(verifier.ok && verifier.value.verify(data, signer.value.sign(data))).toBe(true);
    expect(errorOf(publicKeyFromLayoutKey({ ...key, scheme: "x" }))?.code).toBe("key-unsupported");
    expect(errorOf(publicKeyFromLayoutKey({ ...key, keyval: { public: "nope" } }))?.code).toBe("key-unreadable");
    expect(errorOf(publicKeyFromLayoutKey({ keyid: "k" } as never))?.code).toBe("key-unreadable");
  });
});

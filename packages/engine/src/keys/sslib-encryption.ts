// securesystemslib's encrypted key file format (SPEC-NOTES §4.1, ssl/rsa_keys.py:919-1080):
// `salt@@@@iterations@@@@hmac@@@@iv@@@@ciphertext`, all hex. PBKDF2-HMAC-SHA256 (100000 iterations,
// 16-byte salt) derives a 32-byte key; AES-256-CTR encrypts the key's JSON; HMAC-SHA256 of the
// ciphertext under the same derived key authenticates it.

import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import { fromHex, toHex } from "../crypto/bytes.js";

const DELIMITER = "@@@@";
const ITERATIONS = 100_000;
/** Refuse absurd iteration counts from a file instead of hanging on them. */
const MAX_ITERATIONS = 10_000_000;
const ENCRYPTED = /^[0-9a-fA-F]+@@@@[0-9]+@@@@[0-9a-fA-F]+@@@@[0-9a-fA-F]+@@@@[0-9a-fA-F]+$/;

/** Whether `text` (trimmed) is a securesystemslib encrypted key. */
export function isSslibEncrypted(text: string): boolean {
  return ENCRYPTED.test(text.trim());
}

function derive(password: string, salt: Uint8Array, iterations: number): Buffer {
  return pbkdf2Sync(Buffer.from(password, "utf8"), salt, iterations, 32, "sha256");
}

/** Decrypts to the key JSON text, or says why not: `"malformed"` or `"wrong-password"`. */
export function sslibDecrypt(text: string, password: string): { ok: true; json: string } | { ok: false; why: "malformed" | "wrong-password" } {
  const parts = text.trim().split(DELIMITER);
  const [saltHex, iterText, hmacHex, ivHex, ctHex] = parts as [string, string, string, string, string];
  const salt = fromHex(saltHex);
  const iv = fromHex(ivHex);
  const ciphertext = fromHex(ctHex);
  const iterations = Number(iterText);
  if (parts.length !== 5 || !salt || !iv || iv.length !== 16 || !ciphertext || !(iterations >= 1 && iterations <= MAX_ITERATIONS)) {
    return { ok: false, why: "malformed" };
  }
  const key = derive(password, salt, iterations);
  const mac = createHmac("sha256", key).update(ciphertext).digest();
  const read = fromHex(hmacHex);
  if (!read || read.length !== mac.length || !timingSafeEqual(mac, read)) return { ok: false, why: "wrong-password" };
  const decipher = createDecipheriv("aes-256-ctr", key, iv);
  const plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  return { ok: true, json: plain.toString("utf8") };
}

/** Encrypts key JSON text the way securesystemslib's `encrypt_key` does (random salt and IV). */
export function sslibEncrypt(json: string, password: string): string {
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const key = derive(password, salt, ITERATIONS);
  const cipher = createCipheriv("aes-256-ctr", key, iv);
  const ciphertext = Buffer.concat([cipher.update(json, "utf8"), cipher.final()]);
  const mac = createHmac("sha256", key).update(ciphertext).digest();
  return [toHex(salt), String(ITERATIONS), toHex(mac), toHex(iv), toHex(ciphertext)].join(DELIMITER);
}

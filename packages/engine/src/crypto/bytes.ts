// Strict hex and base64 codecs. Buffer's own decoders stop silently at the first bad character,
// which would let a malformed signature or key decode to something shorter instead of failing.

const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Lowercase hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** Decodes hex (either case, even length), or returns undefined when `text` is not hex. */
export function fromHex(text: string): Uint8Array | undefined {
  return HEX.test(text) ? new Uint8Array(Buffer.from(text, "hex")) : undefined;
}

/** Standard base64 with padding. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/**
 * Decodes standard or URL-safe base64 (the DSSE spec allows both), or returns undefined when
 * `text` is neither.
 */
export function fromBase64(text: string): Uint8Array | undefined {
  if (BASE64.test(text)) return new Uint8Array(Buffer.from(text, "base64"));
  if (BASE64URL.test(text) && text.length % 4 !== 1) return new Uint8Array(Buffer.from(text, "base64url"));
  return undefined;
}

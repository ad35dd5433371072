// PEM text helpers that follow securesystemslib 0.26 exactly where keyids depend on the text.

const PUBLIC_HEADER = "-----BEGIN PUBLIC KEY-----";
const PUBLIC_FOOTER = "-----END PUBLIC KEY-----";

/**
 * The SPKI PEM as securesystemslib's `extract_pem` slices it (ssl/keys.py:1178): from the header
 * through the footer, nothing around it, and `\r\n` → `\n` (import_rsakey_from_public_pem).
 * The base64 body is not re-encoded, so its line breaks are part of the 1.3 keyid.
 */
export function extractPublicPem(text: string): string | undefined {
  const start = text.indexOf(PUBLIC_HEADER);
  if (start < 0) return undefined;
  const footer = text.indexOf(PUBLIC_FOOTER, start + PUBLIC_HEADER.length);
  if (footer < 0) return undefined;
  return text.slice(start, footer + PUBLIC_FOOTER.length).replace(/\r\n/g, "\n");
}

/** The PEM block labels Totem recognizes, by what they hold. */
const PRIVATE_LABELS = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;
const PUBLIC_LABELS = /-----BEGIN (?:RSA )?PUBLIC KEY-----/;

/** What kind of PEM block `text` holds, if any. */
export function pemKind(text: string): "private" | "public" | "other" | undefined {
  if (PRIVATE_LABELS.test(text)) return "private";
  if (PUBLIC_LABELS.test(text)) return "public";
  return text.includes("-----BEGIN ") ? "other" : undefined;
}

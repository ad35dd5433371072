// DSSE envelopes (SPEC-NOTES §1.2) for the modern target: in-toto ≥1.4 and in-toto-golang.
// in-toto-verify 1.3.1 rejects every DSSE file, so this is never the default envelope.

const encoder = new TextEncoder();

/**
 * The DSSE pre-authentication encoding, the bytes a DSSE signature covers:
 * `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, LEN = ASCII decimal byte length
 * (dsse protocol.md). Example: `DSSEv1 29 http://example.com/HelloWorld 11 hello world`.
 */
export function pae(payloadType: string, body: Uint8Array): Uint8Array {
  const type = encoder.encode(payloadType);
  const head = encoder.encode(`DSSEv1 ${type.length} ${payloadType} ${body.length} `);
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

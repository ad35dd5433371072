// One truth for signed bytes: whatever path loadEnvelope takes for a file (the one-pass reader of
// canonical link files, or strict parse + canonical encode), a signature's verdict must be the one
// in-toto 1.3.1 reaches — it verifies over canonical(parsed value), never over the file's own text.
// Random link payloads are rendered as hostile signers might write them (number forms, string
// escapes, key orders, whitespace, unicode) and signed three ways: honestly over the canonical bytes,
// over the file's own text with its whitespace removed (what a parser differential would accept), and
// as DSSE over the raw rendering. The verdict through loadEnvelope must equal the plain path's, and
// the text signature must verify only when the text IS the canonical form.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalize, compareCodePoints } from "../src/canonical-json.js";
import { toBase64, toHex } from "../src/crypto/bytes.js";
import { pae } from "../src/dsse.js";
import { generateKeyPair } from "../src/keys/keygen.js";
import { parsePrivateKey } from "../src/keys/parse.js";
import { loadEnvelope, loadParsedEnvelope } from "../src/load/envelope.js";
import { INTOTO_PAYLOAD_TYPE, type JsonObject, type JsonValue } from "../src/model.js";
import { checkEnvelopeSignature } from "../src/verify/envelope-signature.js";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

const pair = generateKeyPair("ed25519", "pem");
const parsed = parsePrivateKey(pair.privateText);
if (!parsed.ok) throw new Error(parsed.error.message);
const signer = parsed.value;
const key = signer.public.toLayoutKey("in-toto-1.3");

/** How one value is written: choices drawn once per rendering, applied everywhere. */
interface Style {
  /** Whitespace put between tokens, cycled. */
  spaces: string[];
  /** Key order: canonical (code points), UTF-16 units (JS's default sort), reversed, or as built. */
  order: "canonical" | "utf16" | "reversed" | "asis";
  /** Per character class: written raw, or as a \u escape (controls are always escaped). */
  escapeNonAscii: boolean;
  escapeSome: boolean;
  slash: boolean;
  /** Zero as `-0`. */
  negativeZero: boolean;
}

function escapeString(s: string, st: Style): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    const u = (n: number) => `\\u${n.toString(16).padStart(4, "0")}`;
    if (ch === '"') out += st.escapeSome ? u(0x22) : '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (c < 0x20) out += c === 0x0a && !st.escapeSome ? "\\n" : u(c);
    else if (ch === "/" && st.slash) out += "\\/";
    else if (c > 0x7f && st.escapeNonAscii) {
      out += c > 0xffff ? u(0xd800 + ((c - 0x10000) >> 10)) + u(0xdc00 + ((c - 0x10000) & 0x3ff)) : u(c);
    } else if (st.escapeSome && ch === "a") out += u(0x61);
    else out += ch;
  }
  return `${out}"`;
}

/** The tokens of `v` as `st` writes them. */
function tokens(v: JsonValue, st: Style, out: string[]): void {
  if (v === null || typeof v === "boolean") out.push(String(v));
  else if (typeof v === "number") out.push(v === 0 && st.negativeZero ? "-0" : String(v));
  else if (typeof v === "string") out.push(escapeString(v, st));
  else if (Array.isArray(v)) {
    out.push("[");
    v.forEach((x, i) => {
      if (i > 0) out.push(",");
      tokens(x, st, out);
    });
    out.push("]");
  } else {
    let keys = Object.keys(v);
    if (st.order === "canonical") keys = keys.sort(compareCodePoints);
    else if (st.order === "utf16") keys = keys.sort();
    else if (st.order === "reversed") keys = keys.sort(compareCodePoints).reverse();
    out.push("{");
    keys.forEach((k, i) => {
      if (i > 0) out.push(",");
      out.push(escapeString(k, st), ":");
      tokens(v[k] as JsonValue, st, out);
    });
    out.push("}");
  }
}

function render(v: JsonValue, st: Style, spaced: boolean): string {
  const out: string[] = [];
  tokens(v, st, out);
  if (!spaced) return out.join("");
  return out.map((t, i) => t + (st.spaces[i % st.spaces.length] ?? "")).join("");
}

const text = fc.oneof(
  { arbitrary: fc.string({ unit: fc.constantFrom(..."abz/._- 09"), maxLength: 8 }), weight: 20 },
  { arbitrary: fc.string({ unit: fc.constantFrom(..."a\"\\/é\t\n\u007f\u2028\uffff\u{10000}\u{1f600}"), maxLength: 4 }), weight: 3 },
);
const hex = fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 1, maxLength: 6 });
const artifacts = fc.dictionary(text, fc.dictionary(fc.constantFrom("sha256", "sha512"), hex, { minKeys: 1 }), { maxKeys: 4 });
const scalar = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.constant(0), fc.boolean(), fc.constant(null), text);
const payload = fc.record({
  _type: fc.constant("link"),
  name: text,
  command: fc.array(text, { maxLength: 3 }),
  materials: artifacts,
  products: artifacts,
  byproducts: fc.dictionary(text, scalar, { maxKeys: 3 }),
  environment: fc.dictionary(text, scalar, { maxKeys: 2 }),
}) as fc.Arbitrary<JsonObject>;
const style: fc.Arbitrary<Style> = fc.record({
  spaces: fc.array(fc.constantFrom("", " ", "\n", "\t", "\r\n  "), { minLength: 1, maxLength: 3 }),
  order: fc.constantFrom("canonical", "utf16", "reversed", "asis"),
  escapeNonAscii: fc.boolean(),
  escapeSome: fc.boolean(),
  slash: fc.boolean(),
  negativeZero: fc.boolean(),
}) as fc.Arbitrary<Style>;

type Verdict = "unreadable" | "valid" | "invalid" | "missing";

function verdictOf(load: typeof loadEnvelope, bytes: Uint8Array): Verdict {
  const r = load(bytes);
  return r.ok ? checkEnvelopeSignature(r.value, key.keyid, key) : "unreadable";
}

/** Both paths' verdicts on a file; they must be equal. */
function bothVerdicts(file: string): Verdict {
  const bytes = enc(file);
  const verdict = verdictOf(loadEnvelope, bytes);
  expect(verdictOf(loadParsedEnvelope, bytes)).toBe(verdict);
  return verdict;
}

function metablock(signedText: string, sig: Uint8Array, st: Style): string {
  return `{${st.spaces[0]}"signatures"${st.spaces[0]}:[{"keyid":"${key.keyid}","sig":"${toHex(sig)}"}],"signed":${signedText}}`;
}

describe("signed bytes: one truth on both envelope kinds", () => {
  it("gives the plain path's verdict for every rendering, and never accepts a signature over non-canonical text", () => {
    let textAccepted = 0;
    let fastTaken = 0;
    fc.assert(
      fc.property(payload, style, (value, st) => {
        const canonical = dec(canonicalize(value));
        const spaced = render(value, st, true);
        const compact = render(value, st, false);
        // 1. Honest: the signature covers canonical(value). Valid whenever the rendering parses.
        const honest = bothVerdicts(metablock(spaced, signer.sign(enc(canonical)), st));
        expect(["valid", "unreadable"]).toContain(honest);
        if (honest === "valid") {
          const loaded = loadEnvelope(enc(metablock(spaced, signer.sign(enc(canonical)), st)));
          if (loaded.ok && loaded.value.type === "link" && loaded.value.link.materials instanceof Map) fastTaken++;
        }
        // 2. Hostile: the signature covers the file's own text without whitespace. 1.3.1 accepts it
        // only if that text is the canonical form; so must Totem, on either path.
        const own = bothVerdicts(metablock(spaced, signer.sign(enc(compact)), st));
        if (own === "valid") {
          expect(compact).toBe(canonical);
          textAccepted++;
        }
        // 3. DSSE signs the raw payload bytes (PAE), whatever their form.
        const dsse = JSON.stringify({
          payload: toBase64(enc(spaced)),
          payloadType: INTOTO_PAYLOAD_TYPE,
          signatures: [{ keyid: key.keyid, sig: toBase64(signer.sign(pae(INTOTO_PAYLOAD_TYPE, enc(spaced)))) }],
        });
        const viaDsse = bothVerdicts(dsse);
        expect(viaDsse).toBe(honest === "unreadable" ? "unreadable" : "valid");
      }),
      { numRuns: 600 },
    );
    // Both kinds of outcome happened: canonical renderings were taken by the one-pass reader, and
    // signatures over canonical text verified.
    expect(fastTaken).toBeGreaterThan(10);
    expect(textAccepted).toBeGreaterThan(10);
  });

  it.each([
    ["negative zero", '{"_type":"link","byproducts":{"return-value":-0},"command":[],"environment":{},"materials":{},"name":"a","products":{}}'],
    ["keys by escaped bytes", '{"_type":"link","byproducts":{"aZ":1,"a\\"":2},"command":[],"environment":{},"materials":{},"name":"a","products":{}}'],
    ["an escaped slash", '{"_type":"link","byproducts":{},"command":["a\\/b"],"environment":{},"materials":{},"name":"a","products":{}}'],
    ["UTF-16 key order", '{"_type":"link","byproducts":{"\\ud83d\\ude00":1,"\\uffff":2},"command":[],"environment":{},"materials":{},"name":"a","products":{}}'],
  ])("rejects a signature over the file's own non-canonical text: %s", (_what, signedText) => {
    const file = `{"signatures":[{"keyid":"${key.keyid}","sig":"${toHex(signer.sign(enc(signedText)))}"}],"signed":${signedText}}`;
    expect(bothVerdicts(file)).toBe("invalid");
  });
});

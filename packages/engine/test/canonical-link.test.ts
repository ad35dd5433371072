// The one-pass reader for canonical link files (load/canonical-link.ts) is a shortcut: whatever it
// accepts, the general loader must read to the same link, and the bytes it hands out must be the
// canonical bytes in-toto 1.3.1 checks signatures against. These tests check exactly that, on
// in-toto-style files it must take, on files it must decline, and on random mutations of both.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalize } from "../src/canonical-json.js";
import { readCanonicalLink } from "../src/load/canonical-link.js";
import { type LoadedEnvelope, loadEnvelope, loadParsedEnvelope } from "../src/load/envelope.js";
import type { ArtifactDict, JsonObject } from "../src/model.js";
import { artifactAt, artifactCount, artifactPaths } from "../src/verify/artifact-dict.js";
import { envelopeToText } from "../src/sign.js";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** The file in-toto (and Totem) write for a link payload: `json.dumps(indent=1, sort_keys=True)`. */
const intotoFile = (signed: JsonObject, sig = "ab12") => enc(envelopeToText({ signed, signatures: [{ keyid: "00ff", sig }] } as never));

const payload = (fields: Partial<Record<string, unknown>> = {}): JsonObject =>
  ({
    _type: "link",
    byproducts: { "return-value": 0, stderr: "", stdout: "built 2 files" },
    command: ["make", "-j2"],
    environment: {},
    materials: { "src/a.c": { sha256: "aa".repeat(32) }, "src/b.c": { sha256: "bb".repeat(32), sha512: "cc".repeat(64) } },
    name: "build",
    products: { "out/app": { sha256: "dd".repeat(32) } },
    ...fields,
  }) as JsonObject;

/** A loaded envelope with its artifact dicts as entry lists (a Map and an object compare alike, order included). */
function comparable(loaded: LoadedEnvelope) {
  const { signedBytes, ...rest } = loaded;
  if (rest.type !== "link") return { ...rest, signedBytes: dec(signedBytes) };
  const entries = (d: ArtifactDict) => [...artifactPaths(d)].map((p) => [p, artifactAt(d, p)]);
  return { ...rest, link: { ...rest.link, materials: entries(rest.link.materials), products: entries(rest.link.products) }, signedBytes: dec(signedBytes) };
}

/** The bytes followed by 64 KiB of spaces (one allocation: spreading 64 Ki numbers per run was most of this file's time). */
function padTo64KiB(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length + 64 * 1024).fill(0x20);
  out.set(bytes);
  return out;
}

/**
 * The contract, for any bytes: loadEnvelope (which takes the one-pass reader where it applies) gives
 * the same outcome as the plain path (same error, or same link, signatures and exact signed bytes);
 * and when the reader accepts the bytes, it read the same JSON value as JSON.parse and its signed
 * bytes are that payload's canonical form. Returns whether the reader took the bytes.
 */
function agreesWithGeneralLoader(bytes: Uint8Array): "accepted" | "declined" {
  const fast = loadEnvelope(bytes);
  const general = loadParsedEnvelope(bytes);
  expect(fast.ok).toBe(general.ok);
  if (!fast.ok || !general.ok) expect(fast).toStrictEqual(general);
  else expect(comparable(fast.value)).toStrictEqual(comparable(general.value));
  const read = readCanonicalLink(bytes);
  // The same file padded past 64 KiB is read by the byte loop instead of the regular expression
  // (canonical-link.ts, NATIVE_FILES_BELOW): both ways must decide and read alike.
  const padded = readCanonicalLink(padTo64KiB(bytes));
  expect(padded === undefined, "padded").toBe(read === undefined);
  if (read && padded) {
    expect(dec(padded.signedBytes)).toBe(dec(read.signedBytes));
    expect(padded.root).toStrictEqual(read.root);
    for (const side of ["materials", "products"] as const) {
      const entries = (d: ArtifactDict) => [...artifactPaths(d)].map((p) => [p, artifactAt(d, p)]);
      expect(entries(padded.artifacts[side]), side).toStrictEqual(entries(read.artifacts[side]));
    }
  }
  if (!read) return "declined";
  const parsed = JSON.parse(dec(bytes)) as { signed: JsonObject; signatures: unknown };
  const { materials, products, ...rest } = parsed.signed;
  expect(read.root).toStrictEqual({ ...parsed, signed: { ...rest, materials: {}, products: {} } });
  for (const [side, dict] of [["materials", materials], ["products", products]] as const) {
    const d = read.artifacts[side];
    expect([...artifactPaths(d)].map((p) => [p, artifactAt(d, p)]), side).toStrictEqual(Object.entries(dict as JsonObject));
  }
  expect(dec(read.signedBytes)).toBe(dec(canonicalize(parsed.signed)));
  return "accepted";
}

describe("readCanonicalLink", () => {
  it("reads an in-toto-style link file and yields its canonical signed bytes", () => {
    const file = intotoFile(payload());
    expect(agreesWithGeneralLoader(file)).toBe("accepted");
    expect(dec(readCanonicalLink(file)?.signedBytes ?? new Uint8Array())).toBe(dec(canonicalize(payload())));
  });

  it("gives loadEnvelope's one-pass reader the same link as its plain path, artifact dicts included", () => {
    const file = intotoFile(payload());
    const fast = loadEnvelope(file);
    const general = loadParsedEnvelope(file);
    if (!fast.ok || !general.ok || fast.value.type !== "link" || general.value.type !== "link") throw new Error("the link must load");
    expect(fast.value.link.materials).toBeInstanceOf(Map); // the reader took it
    expect(comparable(fast.value)).toStrictEqual(comparable(general.value));
    expect(artifactCount(fast.value.link.products)).toBe(1);
  });

  it("reads compact canonical text as well as indented text", () => {
    const compact = enc(`{"signatures":[],"signed":${dec(canonicalize(payload()))}}`);
    expect(agreesWithGeneralLoader(compact)).toBe("accepted");
  });

  const canonicalText = dec(canonicalize(payload()));
  it.each([
    ["keys out of order", JSON.stringify({ signatures: [], signed: { name: "build", ...payload() } })],
    ["an unknown payload field (1.3.1 drops it before checking)", JSON.stringify({ signatures: [], signed: { ...payload(), spec_version: "1.0" } })],
    ["a missing payload field (1.3.1 adds it)", `{"signed":${JSON.stringify({ ...payload(), environment: undefined })}}`],
    ["an unknown root field", `{"extra":1,"signatures":[],"signed":${canonicalText}}`],
    ["a duplicate key", `{"signatures":[],"signed":${canonicalText.replace('"name":"build"', '"name":"build","name":"build"')}}`],
    ["a duplicate artifact", `{"signatures":[],"signed":${canonicalText.replace('"out/app":', '"out/app":{"sha256":"00"},"out/app":')}}`],
    ["a float", `{"signatures":[],"signed":${canonicalText.replace('"return-value":0', '"return-value":0.0')}}`],
    ["negative zero", `{"signatures":[],"signed":${canonicalText.replace('"return-value":0', '"return-value":-0')}}`],
    ["a leading zero", `{"signatures":[],"signed":${canonicalText.replace('"return-value":0', '"return-value":01')}}`],
    ["an escape", `{"signatures":[],"signed":${canonicalText.replace('"build"', '"bu\\u0069ld"')}}`],
    ["an escaped quote", `{"signatures":[],"signed":${canonicalText.replace('"built 2 files"', '"built \\"2\\" files"')}}`],
    ["a non-ASCII path", `{"signatures":[],"signed":${canonicalText.replace('"out/app"', '"out/äpp"')}}`],
    ["a raw tab in a string", `{"signatures":[],"signed":${canonicalText.replace('"built 2 files"', '"built\t2 files"')}}`],
    ["a trailing comma", `{"signatures":[],"signed":${canonicalText.replace('"-j2"]', '"-j2",]')}}`],
    ["a digest that is not hex", `{"signatures":[],"signed":${canonicalText.replace("dddd", "dxdd")}}`],
    ["an empty digest", `{"signatures":[],"signed":${canonicalText.replace(`"${"dd".repeat(32)}"`, '""')}}`],
    ["an artifact that is not a dict", `{"signatures":[],"signed":${canonicalText.replace(`{"sha256":"${"dd".repeat(32)}"}`, '"x"')}}`],
    ["a __proto__ path", `{"signatures":[],"signed":${canonicalText.replace('"out/app"', '"__proto__"')}}`],
    ["a layout", JSON.stringify({ signatures: [], signed: { _type: "layout" } })],
    ["a DSSE envelope", JSON.stringify({ payload: "e30=", payloadType: "application/vnd.in-toto+json", signatures: [] })],
    ["text after the object", `{"signatures":[],"signed":${canonicalText}} x`],
    ["a truncated file", `{"signatures":[],"signed":${canonicalText}`.slice(0, 200)],
    ["a byte order mark", `\ufeff{"signatures":[],"signed":${canonicalText}}`],
    // src/a.c has the usual digest dict, the next path has another: the order is kept across the two.
    ["paths out of order where the digest dict changes form", `{"signatures":[],"signed":${canonicalText.replace('"src/b.c"', '"src/0.c"')}}`],
    ["a duplicate path where the digest dict changes form", `{"signatures":[],"signed":${canonicalText.replace('"src/b.c"', '"src/a.c"')}}`],
  ])("declines %s (the general loader decides)", (_what, text) => {
    expect(readCanonicalLink(enc(text))).toBe(undefined);
    expect(readCanonicalLink(enc(text + " ".repeat(64 * 1024)))).toBe(undefined); // the byte loop too
  });

  it("gives artifact dicts as Maps unless a path is an array index, which objects order first", () => {
    const plain = { "a.txt": { sha256: "aa" }, "b.txt": { sha256: "bb" } };
    const indexed = { "10": { sha256: "aa" }, "9": { sha256: "bb" }, "9x": { sha256: "cc" }, "4294967295": { sha256: "dd" } };
    const file = intotoFile(payload({ materials: plain, products: indexed }));
    const read = readCanonicalLink(file);
    expect(read?.artifacts.materials).toBeInstanceOf(Map);
    const products = read?.artifacts.products;
    expect(products).not.toBeInstanceOf(Map);
    // The order JSON.parse gives: array indices first, by value, then the rest as written (sorted).
    expect(Object.keys(products ?? {})).toStrictEqual(["9", "10", "4294967295", "9x"]);
    expect(Object.keys(products ?? {})).toStrictEqual(Object.keys(JSON.parse(dec(file)).signed.products));
  });

  it("reads a dict whose digest dicts change form, in either order", () => {
    const mixed = {
      "a.txt": { sha256: "aa" },
      "b.txt": { md5: "bb", sha256: "cc" },
      "c.txt": { sha256: "dd" },
      "d.txt": { sha512: "ee" },
      "e.txt": { sha256: "ff" },
    };
    expect(agreesWithGeneralLoader(intotoFile(payload({ materials: mixed, products: mixed })))).toBe("accepted");
  });

  it("accepts the largest safe integers and declines longer ones", () => {
    const withReturn = (n: string) => enc(`{"signatures":[],"signed":${canonicalText.replace('"return-value":0', `"return-value":${n}`)}}`);
    expect(agreesWithGeneralLoader(withReturn("-999999999999999"))).toBe("accepted");
    expect(readCanonicalLink(withReturn("9007199254740993"))).toBe(undefined);
  });

  // Random payloads in in-toto's format: ASCII text without `"` or `\` is taken, anything else is
  // declined, and either way the contract holds.
  const text = fc.oneof(
    { arbitrary: fc.string({ unit: fc.constantFrom(..."abz/._- 09:~"), maxLength: 12 }), weight: 30 },
    { arbitrary: fc.string({ unit: fc.constantFrom(..."a\"\\é\t\u2028\u{1f600}"), maxLength: 4 }), weight: 1 },
  );
  const hex = fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEF"), minLength: 1, maxLength: 8 });
  const artifacts = fc.dictionary(text, fc.dictionary(fc.constantFrom("sha256", "sha512", "md5"), hex, { minKeys: 1 }), { maxKeys: 6 });
  const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: "small" }, fc.integer(), fc.boolean(), fc.constant(null), text, fc.array(tie("value"), { maxLength: 3 }), fc.dictionary(text, tie("value"), { maxKeys: 3 })),
  })).value;
  const link = fc.record({
    name: text,
    command: fc.array(text, { maxLength: 4 }),
    materials: artifacts,
    products: artifacts,
    byproducts: fc.dictionary(text, json, { maxKeys: 3 }),
    environment: fc.dictionary(text, json, { maxKeys: 2 }),
  });

  it("agrees with the general loader on random in-toto-style links", () => {
    let accepted = 0;
    fc.assert(
      fc.property(link, (fields) => {
        const file = intotoFile(payload(fields));
        // JSON.stringify escapes `"`, `\` and tabs with a backslash; json.dumps also escapes non-ASCII.
        const plain = !/[\\\u0080-\uffff]/.test(JSON.stringify(fields));
        const outcome = agreesWithGeneralLoader(file);
        if (outcome === "accepted") accepted++;
        // Python's json.dumps escapes every non-ASCII character, so only plain text is taken.
        expect(outcome).toBe(plain ? "accepted" : "declined");
      }),
      { numRuns: 300 },
    );
    expect(accepted).toBeGreaterThan(50);
  });

  it("agrees with the general loader on random mutations of a link file", () => {
    const base = dec(intotoFile(payload()));
    const edit = fc.tuple(fc.nat({ max: base.length }), fc.nat({ max: 3 }), fc.string({ unit: fc.constantFrom(..." \n{}[]\":,0-9.eE-atfnul\\x"), maxLength: 3 }));
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        let text = base;
        for (const [at, del, ins] of edits) text = text.slice(0, at) + ins + text.slice(at + del);
        if (agreesWithGeneralLoader(enc(text)) === "accepted") accepted++;
      }),
      { numRuns: 1500 },
    );
    // Whitespace-only edits and edits inside strings keep the file canonical: some must be taken.
    expect(accepted).toBeGreaterThan(0);
  });
});

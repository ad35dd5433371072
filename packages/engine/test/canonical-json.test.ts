import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalize, canonicalizeChecked, canonicalString, compareCodePoints, stringifyForm } from "../src/canonical-json.js";
import type { JsonValue } from "../src/model.js";
import { jsonValue, plainJsonValue } from "./json-arbitrary.js";

interface Case {
  id: string;
  input_json: string;
  expected_canonical_base64?: string;
  expected_sha256?: string;
  expected_error?: string;
}
const vectors = JSON.parse(
  readFileSync(new URL("./fixtures/vectors/canonical-json/cases.json", import.meta.url), "utf8"),
) as { cases: Case[] };

/**
 * A tiny JSON reader for the vectors that keeps integers above 2^53 exact (as bigint) and reports
 * floats and NaN instead of reading them, which is what the project's strict loader does.
 */
function readJson(text: string): JsonValue {
  const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
  const STRING = /"(?:[^"\\]|\\.)*"/y;
  let i = 0;
  const ws = () => {
    while (/\s/.test(text[i] ?? "")) i++;
  };
  const value = (): JsonValue => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const obj: Record<string, JsonValue> = {};
      ws();
      if (text[i] === "}") {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        const key = value() as string;
        ws();
        i++; // ':'
        obj[key] = value();
        ws();
        if (text[i++] === "}") return obj;
      }
    }
    if (c === "[") {
      i++;
      const arr: JsonValue[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        ws();
        if (text[i++] === "]") return arr;
      }
    }
    if (c === '"') {
      STRING.lastIndex = i;
      const m = STRING.exec(text) as RegExpExecArray;
      i += m[0].length;
      return JSON.parse(m[0]) as string;
    }
    for (const [word, v] of [["true", true], ["false", false], ["null", null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) throw new SyntaxError(`not JSON at ${i}: ${text.slice(i, i + 10)}`);
    if (m[1] !== undefined || m[2] !== undefined) throw new RangeError(`float ${m[0]}`);
    i += m[0].length;
    const n = Number(m[0]);
    return Number.isSafeInteger(n) ? n : BigInt(m[0]);
  };
  return value();
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

describe("canonical JSON vectors (securesystemslib 0.26 encode_canonical)", () => {
  const encodable = vectors.cases.filter((c) => c.expected_canonical_base64 !== undefined);
  const failing = vectors.cases.filter((c) => c.expected_error !== undefined);

  it("covers every vector", () => {
    expect(encodable.length + failing.length).toBe(vectors.cases.length);
    expect(encodable.length).toBeGreaterThanOrEqual(10);
  });

  it.each(encodable.map((c) => [c.id, c] as const))("encodes %s byte for byte", (_id, c) => {
    const bytes = canonicalize(readJson(c.input_json));
    expect(b64(bytes)).toBe(c.expected_canonical_base64);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(c.expected_sha256);
  });

  it.each(failing.map((c) => [c.id, c] as const))("refuses %s as securesystemslib does", (_id, c) => {
    if (c.expected_error?.startsWith("FormatError")) {
      // Floats and NaN never reach canonicalize: the reader (like the strict loader) refuses them.
      expect(() => readJson(c.input_json.replace("NaN", "0.5"))).toThrow(RangeError);
    } else {
      const checked = canonicalizeChecked(readJson(c.input_json));
      expect(checked.ok).toBe(false);
      if (!checked.ok) expect(checked.error).toMatch(/lone UTF-16 surrogate/);
    }
  });
});

describe("canonicalize", () => {
  it("throws TypeError for floats, NaN, infinities and unsafe integers", () => {
    for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
      expect(() => canonicalize({ n: bad })).toThrow(TypeError);
    }
  });

  it("returns an error instead of throwing from canonicalizeChecked", () => {
    expect(canonicalizeChecked({ n: 0.5 })).toEqual({
      ok: false,
      error: "canonical JSON cannot encode the non-integer or unsafe number 0.5",
    });
    const good = canonicalizeChecked({ b: [1n, -0], a: "x" });
    expect(good.ok && new TextDecoder().decode(good.value)).toBe('{"a":"x","b":[1,0]}');
  });

  it("sorts keys by code point, not by UTF-16 unit", () => {
    const keys = ["\u{1F600}", "\uE000", "\uFF21", "z", "Z", "_", "10", "9"];
    expect([...keys].sort(compareCodePoints)).toEqual(["10", "9", "Z", "_", "z", "\uE000", "\uFF21", "\u{1F600}"]);
    expect(canonicalString(Object.fromEntries(keys.map((k) => [k, 0])))).toBe(
      '{"10":0,"9":0,"Z":0,"_":0,"z":0,"\uE000":0,"\uFF21":0,"\u{1F600}":0}',
    );
  });

  it("keeps control characters raw and escapes only quote and backslash", () => {
    expect(canonicalString(["a\"b\\c/\n\t\u0000\u2028"])).toBe('["a\\"b\\\\c/\n\t\u0000\u2028"]');
  });

  /** The definition (SPEC-NOTES §5), written as plainly as possible. */
  const naive = (v: JsonValue): string => {
    if (typeof v === "string") return `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    if (Array.isArray(v)) return `[${v.map(naive).join(",")}]`;
    if (v !== null && typeof v === "object")
      return `{${Object.keys(v)
        .sort(compareCodePoints)
        .map((k) => `${naive(k)}:${naive(v[k] as JsonValue)}`)
        .join(",")}}`;
    return String(v);
  };

  it("agrees with a naive encoder on any JSON value (natively stringified or walked)", () => {
    fc.assert(
      fc.property(fc.oneof(plainJsonValue, jsonValue), (v) => {
        expect(canonicalString(v)).toBe(naive(v));
      }),
      { numRuns: 300 },
    );
  });

  it("stringifies plain JSON natively only in its canonical form: keys sorted, copied only where needed", () => {
    const hashes = { sha256: "ab" };
    const value = { b: [1, { z: "x", a: hashes }], a: hashes };
    const form = stringifyForm(value) as { b: [number, object]; a: object };
    expect(JSON.stringify(form)).toBe('{"a":{"sha256":"ab"},"b":[1,{"a":{"sha256":"ab"},"z":"x"}]}');
    expect(form.a).toBe(hashes);
    expect(stringifyForm({ s: "\n" })).toBeUndefined();
    expect(stringifyForm({ "😀": 1 })).toBeUndefined();
    expect(stringifyForm({ "1": 1 })).toBeUndefined();
    expect(stringifyForm([1.5])).toBeUndefined();
    expect(stringifyForm(JSON.parse('{"__proto__": 1}'))).toBeUndefined();
    expect(canonicalString(JSON.parse('{"__proto__": {"b": 1, "a": 2}}'))).toBe('{"__proto__":{"a":2,"b":1}}');
    expect(canonicalString({ "10": 1, "9": 2, a: "\n" })).toBe('{"10":1,"9":2,"a":"\n"}');
  });

  it("agrees with a naive encoder on a link with 20000 artifacts", () => {
    const products: Record<string, JsonValue> = {};
    for (let i = 0; i < 20000; i++) products[`src/dir${i % 97}/file-${i}.py`] = { sha256: "ab".repeat(32) };
    const link: JsonValue = { _type: "link", name: "build", products, materials: products, command: ["make"] };
    expect(canonicalString(link)).toBe(naive(link));
  });
});

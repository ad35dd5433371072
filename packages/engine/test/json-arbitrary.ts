// A fast-check arbitrary for the JSON the serializers write: nested objects and arrays, integers,
// booleans, null, and strings with quotes, backslashes, control characters, non-ASCII and astral
// characters. Objects of strings (hash dicts) are frequent, as the serializers special-case them.
import fc from "fast-check";
import type { JsonObject, JsonValue } from "../src/model.js";

/** Strings from a small alphabet rich in characters that need escaping or sort unusually. */
const text = fc.string({ unit: fc.constantFrom("a", "b", "Z", "/", " ", '"', "\\", "\n", "\u0000", "\u007f", "é", "\u2028", "\uffff", "😀"), maxLength: 6 });

/** Keys are never integer-like ("1"), so an object built in sorted order keeps that order in JS. */
const key = text.map((k) => `k${k}`);

/** Any JSON value without floats (the serializers refuse them) and without bigint. */
export const jsonValue: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    text,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(key, text, { maxKeys: 3 }) as fc.Arbitrary<JsonObject>,
    fc.dictionary(key, tie("value"), { maxKeys: 4 }) as fc.Arbitrary<JsonObject>,
  ),
})).value;

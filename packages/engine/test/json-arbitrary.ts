// fast-check arbitraries for the JSON the serializers write: nested objects and arrays, integers,
// booleans, null, and strings with quotes and backslashes. Objects of strings (hash dicts) are
// frequent, as the serializers special-case them.
import fc from "fast-check";
import type { JsonObject, JsonValue } from "../src/model.js";

/** JSON values (no floats, no bigint) whose strings are made of `units`. */
function jsonValueOf(units: readonly string[]): fc.Arbitrary<JsonValue> {
  const text = fc.string({ unit: fc.constantFrom(...units), maxLength: 6 });
  // Keys are never integer-like ("1"), so an object built in sorted order keeps that order in JS.
  const key = text.map((k) => `k${k}`);
  return fc.letrec<{ value: JsonValue }>((tie) => ({
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
}

/** Printable and non-ASCII characters, quote and backslash: what native JSON.stringify can write. */
const PLAIN = ["a", "b", "Z", "/", " ", "~", '"', "\\", "\u007f", "é", "\u2028", "\uffff"];

/** JSON whose strings hold no control character and no surrogate (the writers' native fast path). */
export const plainJsonValue: fc.Arbitrary<JsonValue> = jsonValueOf(PLAIN);

/** JSON whose strings may also hold control characters and astral characters (surrogate pairs). */
export const jsonValue: fc.Arbitrary<JsonValue> = jsonValueOf([...PLAIN, "\n", "\u0000", "\u001f", "😀"]);

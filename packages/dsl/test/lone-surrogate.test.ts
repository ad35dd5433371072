// `lone-surrogate` (issue 13): a string whose value would hold half a surrogate pair is an error with
// a span, whether an escape wrote it (fixtures/check/lone-surrogate.totem) or the text itself holds
// the code unit, as an editor's document can (a UTF-8 file cannot). Such a policy never compiles.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyze } from "../src/analyze.js";

const NOW = new Date("2026-06-01T00:00:00Z");
const policy = (readme: string) =>
  `layout "x" {\n  expires "2027-01-01T00:00:00Z"\n  readme "${readme}"\n  functionary bob key "keys/bob.pub"\n  step s { by bob  materials { disallow "*" }  products { disallow "*" } }\n}\n`;
const lone = (text: string) => analyze(text, { now: NOW }).diagnostics.filter((d) => d.code === "lone-surrogate");

describe("lone-surrogate", () => {
  it("reports a raw lone surrogate in the text on its one code unit", () => {
    const text = policy("a\uD800b");
    const [d, ...rest] = lone(text);
    expect(rest).toEqual([]);
    expect(d?.severity).toBe("error");
    expect(d?.span).toEqual({ start: text.indexOf("\uD800"), end: text.indexOf("\uD800") + 1 });
  });

  it("accepts a raw surrogate pair (an emoji) and reports a reversed one twice", () => {
    expect(lone(policy("\uD83D\uDE00"))).toEqual([]);
    expect(lone(policy("\uDE00\uD83D")).length).toBe(2);
  });

  it("reports exactly the strings whose value is not well-formed UTF-16", () => {
    const unit = fc.oneof(fc.constantFrom("a", "é", "\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\\u{D83D}", "\\u{DE00}", "\\u{41}", "😀"));
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 8 }), (parts) => {
        const written = parts.join("");
        const value = written.replace(/\\u\{([0-9A-F]+)\}/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
        expect(lone(policy(written)).length > 0).toBe(!value.isWellFormed());
      }),
      { numRuns: 300 },
    );
  });
});

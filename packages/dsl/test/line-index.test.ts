// The one offset/position conversion: its incremental line index equals a fresh one after any edit,
// including edits that split or join `\r\n` pairs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LineIndex } from "@totem/dsl";

const chunk = fc.oneof(fc.constantFrom("\r", "\n", "\r\n", "a", "bc", "😀", ""), fc.string({ maxLength: 4 }));
const text = fc.array(chunk, { maxLength: 30 }).map((parts) => parts.join(""));

/** Every offset's position, and every position's offset, as one comparable list. */
function table(index: LineIndex, length: number): string {
  const rows: string[] = [];
  for (let o = 0; o <= length; o++) {
    const p = index.positionAt(o);
    rows.push(`${o}:${p.line},${p.character}`);
  }
  for (let line = 0; line <= index.lineCount; line++) rows.push(`L${line}:${index.lineStart(line)}-${index.lineEnd(line)}`);
  return rows.join(" ");
}

describe("LineIndex", () => {
  it("gives 1-based lines and columns and line texts for code frames and SARIF", () => {
    const index = new LineIndex("ab\r\ncd\ref\n😀x");
    expect(index.lineColumn(4)).toEqual({ line: 2, column: 1 });
    expect(index.lineColumn(12)).toEqual({ line: 4, column: 3 }); // after the surrogate pair
    expect(index.lineText(0)).toBe("ab");
    expect(index.lineText(3)).toBe("😀x");
    expect(index.lineColumn(-5)).toEqual({ line: 1, column: 1 });
    expect(index.lineColumn(99)).toEqual({ line: 4, column: 4 }); // clamped to the end of the text
    expect(index.lineColumn(Number.NaN)).toEqual({ line: 1, column: 1 });
  });

  it("converts UTF-16 offsets and positions, clamping past line ends", () => {
    const index = new LineIndex("a😀b\r\ncd\re");
    expect(index.positionAt(3)).toEqual({ line: 0, character: 3 });
    expect(index.positionAt(6)).toEqual({ line: 1, character: 0 });
    expect(index.positionAt(9)).toEqual({ line: 2, character: 0 });
    expect(index.offsetAt({ line: 0, character: 99 })).toBe(4);
    expect(index.offsetAt({ line: 7, character: 0 })).toBe(10);
  });

  it("updated by an edit, equals the index of the edited text", () => {
    fc.assert(
      fc.property(text, fc.nat(), fc.nat(), chunk, (before, x, y, inserted) => {
        const a = x % (before.length + 1);
        const b = a + (y % (before.length - a + 1));
        const after = before.slice(0, a) + inserted + before.slice(b);
        const incremental = new LineIndex(before).withEdit({ start: a, end: b }, inserted, after);
        expect(table(incremental, after.length)).toBe(table(new LineIndex(after), after.length));
      }),
      { numRuns: 3000 },
    );
  });
});

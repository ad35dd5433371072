import { LineIndex } from "@totem/dsl";
import { describe, expect, it } from "vitest";

describe("LineIndex", () => {
  it("counts lines after \\n, \\r\\n and a lone \\r, columns in UTF-16 units", () => {
    const index = new LineIndex("ab\r\ncd\ref\n😀x");
    expect(index.positionAt(0)).toEqual({ line: 0, character: 0 });
    expect(index.lineColumn(4)).toEqual({ line: 2, column: 1 });
    expect(index.lineColumn(7)).toEqual({ line: 3, column: 1 });
    expect(index.lineColumn(12)).toEqual({ line: 4, column: 3 }); // after the surrogate pair
    expect(index.lineText(0)).toBe("ab");
    expect(index.lineText(1)).toBe("cd");
    expect(index.lineText(3)).toBe("😀x");
    expect(index.offsetAt({ line: 1, character: 99 })).toBe(6); // clamped to the end of "cd"
  });

  it("clamps offsets outside the text", () => {
    const index = new LineIndex("ab\n");
    expect(index.lineColumn(-5)).toEqual({ line: 1, column: 1 });
    expect(index.lineColumn(99)).toEqual({ line: 2, column: 1 });
    expect(index.lineColumn(Number.NaN)).toEqual({ line: 1, column: 1 });
  });

  it("gives the same index after an edit as after a fresh scan", () => {
    const before = "a\r\nb\nc";
    const after = "a\r\nXY\n\rb\nc";
    const edited = new LineIndex(before).withEdit({ start: 3, end: 3 }, "XY\n\r", after);
    const fresh = new LineIndex(after);
    for (let o = 0; o <= after.length; o++) expect(edited.positionAt(o)).toEqual(fresh.positionAt(o));
  });
});

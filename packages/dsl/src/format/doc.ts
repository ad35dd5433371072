// A small document IR and its printer, after Wadler's "prettier printer" and prettier's doc
// builders: text, line breaks that print flat or broken, groups that break when they do not fit,
// indentation. The policy printer builds a Doc; `printDoc` lays it out at a given width.

/** A line break. Flat (its group fits on one line) it prints `flat`; broken, a newline and indent. */
export interface Line {
  kind: "line";
  flat: string;
  hard: boolean;
}

/** Contents printed on one line when they fit in the remaining width, else with every line broken. */
export interface Group {
  kind: "group";
  contents: Doc;
}

/** Contents whose broken lines are indented one level more. */
export interface Indent {
  kind: "indent";
  contents: Doc;
}

/** Text printed only when the enclosing group is broken (a trailing comma, say). */
export interface IfBreak {
  kind: "if-break";
  text: string;
}

/** A document: text, a sequence, or one of the layout nodes. */
export type Doc = string | Doc[] | Line | Group | Indent | IfBreak;

/** A space when flat, a newline when broken. */
export const line: Line = { kind: "line", flat: " ", hard: false };
/** Nothing when flat, a newline when broken. */
export const softline: Line = { kind: "line", flat: "", hard: false };
/** Always a newline. */
export const hardline: Line = { kind: "line", flat: "", hard: true };

/** A line that prints `flat` when its group fits. */
export function lineOr(flat: string): Line {
  return { kind: "line", flat, hard: false };
}

export function group(contents: Doc): Group {
  return { kind: "group", contents };
}

export function indent(contents: Doc): Indent {
  return { kind: "indent", contents };
}

export function ifBreak(text: string): IfBreak {
  return { kind: "if-break", text };
}

/** `items` with `separator` between each pair. */
export function join(separator: Doc, items: Doc[]): Doc[] {
  const out: Doc[] = [];
  items.forEach((item, i) => {
    if (i > 0) out.push(separator);
    out.push(item);
  });
  return out;
}

/** Whether `doc` printed flat fits in `width` columns (a hard line never fits). */
function fits(doc: Doc, width: number): boolean {
  const stack: Doc[] = [doc];
  let remaining = width;
  while (stack.length > 0) {
    const d = stack.pop()!;
    if (typeof d === "string") remaining -= d.length;
    else if (Array.isArray(d)) for (let i = d.length - 1; i >= 0; i--) stack.push(d[i]!);
    else if (d.kind === "line") {
      if (d.hard) return false;
      remaining -= d.flat.length;
    } else if (d.kind === "group" || d.kind === "indent") stack.push(d.contents);
    if (remaining < 0) return false;
  }
  return true;
}

/** Output being built, and the column the next text starts at. */
interface Output {
  parts: string[];
  column: number;
  width: number;
}

/** Prints `d` with `ind` spaces of indentation; `flat` when an enclosing group fits on its line. */
function print(d: Doc, ind: number, flat: boolean, out: Output): void {
  if (typeof d === "string") {
    out.parts.push(d);
    out.column += d.length;
  } else if (Array.isArray(d)) {
    for (const part of d) print(part, ind, flat, out);
  } else if (d.kind === "indent") {
    print(d.contents, ind + 2, flat, out);
  } else if (d.kind === "group") {
    print(d.contents, ind, flat || fits(d.contents, out.width - out.column), out);
  } else if (d.kind === "if-break") {
    if (!flat) print(d.text, ind, flat, out);
  } else if (flat && !d.hard) {
    print(d.flat, ind, flat, out);
  } else {
    out.parts.push("\n", " ".repeat(ind));
    out.column = ind;
  }
}

/** Lays `doc` out in `width` columns with two-space indentation; lines carry no trailing spaces. */
export function printDoc(doc: Doc, width: number): string {
  const out: Output = { parts: [], column: 0, width };
  print(doc, 0, false, out);
  // Blank lines get indentation too; strip it (no string or comment can end a line in a space).
  return out.parts.join("").replace(/[ \t]+$/gm, "");
}

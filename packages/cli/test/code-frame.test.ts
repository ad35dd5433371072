// Code frames: location, source line, carets under the span (tabs, CRLF, astral characters, spans
// past the end of the line or file), related notes, fixes, and colour only when asked.
import type { Diagnostic } from "@totem/dsl";
import { describe, expect, it } from "vitest";
import { codeFrame } from "../src/code-frame.js";
import { colorEnabled, makeStyle } from "../src/terminal.js";
import { expectGolden } from "./run-cli.js";

const plain = makeStyle(false);

function diag(start: number, end: number, extra: Partial<Diagnostic> = {}): Diagnostic {
  return { code: "duplicate-step", severity: "error", message: 'Step "build" is declared twice.', span: { start, end }, ...extra };
}

describe("codeFrame", () => {
  const source = 'layout "x" {\n\tstep build {}\n  step "😀" build {}\n}';
  it("renders the golden frames", () => {
    const frames = [
      codeFrame("p.totem", source, diag(19, 24), plain),
      codeFrame("p.totem", source, diag(40, 45, {
        severity: "warning",
        code: "unused-functionary",
        message: "Functionary bob is declared but never used.",
        related: [{ span: { start: 19, end: 24 }, message: "first declared here" }],
        fix: { title: "Remove functionary bob", edits: [] },
      }), plain),
      codeFrame("p.totem", source, diag(source.length, source.length, { code: "syntax-error", message: "Expected '}'." }), plain),
      codeFrame("p.totem", source, diag(0, 20, { severity: "info", code: "multi-line" }), plain),
    ];
    expectGolden("code-frames.txt", frames.join("\n"));
  });

  it("colours only with a colour style", () => {
    expect(codeFrame("p.totem", source, diag(19, 24), plain)).not.toContain("\u001b[");
    const coloured = codeFrame("p.totem", source, diag(19, 24), makeStyle(true));
    expect(coloured).toContain("\u001b[31merror[duplicate-step]\u001b[39m");
    expect(coloured.replace(/\u001b\[\d+m/g, "")).toBe(codeFrame("p.totem", source, diag(19, 24), plain));
  });
});

describe("colorEnabled", () => {
  it("is on only for a TTY without NO_COLOR", () => {
    expect(colorEnabled(true, {})).toBe(true);
    expect(colorEnabled(false, {})).toBe(false);
    expect(colorEnabled(true, { NO_COLOR: "1" })).toBe(false);
    expect(colorEnabled(true, { NO_COLOR: "" })).toBe(true);
  });
});

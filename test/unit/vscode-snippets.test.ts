// The VS Code extension's snippets (packages/vscode-extension/snippets/totem.json), expanded with
// their default placeholder values: every rule list ends with `disallow "*"` (secure by default), and
// the policies they make parse and check as the dsl says.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { analyze, CODES, type Diagnostic } from "@totem/dsl";
import { describe, expect, it } from "vitest";

const SNIPPETS: Record<string, { prefix: string; body: string[] }> = JSON.parse(
  readFileSync(join(import.meta.dirname, "../../packages/vscode-extension/snippets/totem.json"), "utf8"),
);

/** A snippet's text as inserted when every placeholder keeps its default (the first of a choice). */
function expand(name: string): string {
  const snippet = SNIPPETS[name];
  if (!snippet) throw new Error(`no snippet ${name}`);
  let text = snippet.body.join("\n").replace(/\t/g, "  ");
  for (let before = ""; before !== text; ) {
    before = text;
    text = text.replace(/\$\{\d+:([^${}]*)\}/g, "$1").replace(/\$\{\d+\|([^,|]*)[^|]*\|\}/g, "$1");
  }
  return text.replace(/\$\d+/g, "");
}

/** The rule lists of a text: the inside of every `materials { … }`, `products { … }` and `rules NAME { … }`. */
function ruleLists(text: string): string[] {
  return [...text.matchAll(/(?:materials|products|rules [\w-]+) \{([^{}]*)\}/g)].map((m) => (m[1] ?? "").trim());
}

function codesOf(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => d.code);
}

const indent = (text: string) => text.replace(/^/gm, "  ");

describe("the VS Code snippets", () => {
  it("end every rule list with disallow \"*\"", () => {
    const names = Object.keys(SNIPPETS);
    expect(names).toEqual(expect.arrayContaining(["Layout", "Step", "Sigstore functionary", "Attestation step"]));
    for (const name of names) {
      for (const list of ruleLists(expand(name))) expect(list, `${name}: ${list}`).toMatch(/disallow "\*"$/);
    }
  });

  it("the layout snippet checks without syntax errors or rule warnings", () => {
    const codes = codesOf(analyze(expand("Layout")).diagnostics);
    expect(codes.filter((c) => CODES[c as keyof typeof CODES]?.phase === "syntax")).toEqual([]);
    expect(codes).not.toContain("missing-trailing-disallow");
    expect(codes).not.toContain("catch-all-allow");
  });

  it("a sigstore functionary and an attestation step make an ite-10 policy that checks cleanly", () => {
    const policy = [
      'layout "release" {',
      '  target "ite-10"',
      '  expires in 180d',
      '  functionary ci key "keys/ci.pub"',
      indent(expand("Sigstore functionary")),
      '  step checkout {',
      '    by ci',
      '    materials { disallow "*" }',
      '    products { create "src/*"  disallow "*" }',
      '  }',
      indent(expand("Attestation step")),
      "}",
      "",
    ].join("\n");
    const { diagnostics } = analyze(policy);
    expect(diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual([]);
  });
});

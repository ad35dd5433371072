// Messages an author meets while writing a first policy from the docs: each mistake is reported
// once, says how to fix it, and suggests the name or keyword that was probably meant.
import { describe, expect, it } from "vitest";
import { analyze, compilePolicy } from "../src/index.js";

const KEY = 'key { type "ed25519" scheme "ed25519" public "0000000000000000000000000000000000000000000000000000000000000000" }';

function problems(text: string): string[] {
  return compilePolicy(text, { readKey: () => undefined, now: new Date("2026-06-01T00:00:00Z") }).diagnostics.map((d) => `${d.code}@${text.slice(d.span.start, d.span.end)}: ${d.message}`);
}

function layout(body: string): string {
  return `layout "m" {\n  expires in 90d\n  functionary alice ${KEY}\n${body}\n}\n`;
}

describe("author-facing messages", () => {
  it("reports `expires 180d` once, with the fix that adds `in` (not also a missing expiry)", () => {
    const text = `layout "m" {\n  expires 180d\n  functionary alice ${KEY}\n  step a {\n    by alice\n    materials { disallow "*" }\n    products { disallow "*" }\n  }\n}\n`;
    const found = analyze(text, {}).diagnostics;
    expect(found.map((d) => d.code)).toEqual(["syntax-error"]);
    expect(found[0]?.message).toBe('`expires 180d` needs `in`: write `expires in 180d` (or a date: `expires "2027-01-01T00:00:00Z"`).');
    const edit = found[0]?.fix?.edits[0];
    const fixed = edit === undefined ? text : text.slice(0, edit.span.start) + edit.newText + text.slice(edit.span.end);
    expect(fixed).toContain("expires in 180d");
    expect(problems(fixed)).toEqual([]);
    expect(problems(text).map((p) => p.split(":")[0])).toEqual(["syntax-error@180d"]);
  });

  it("explains a quote inside a run string: `\\\"` or the list form", () => {
    const found = problems(layout('  inspection check {\n    run "bash -c "echo ok""\n  }'));
    expect(found.filter((p) => p.startsWith("syntax-error"))[0]).toBe(
      'syntax-error@echo: The string "bash -c " ends just before \'echo\': a `"` inside a string ends it. Write `\\"` for a quote inside a string (`"bash -c \\"echo ok\\""`), or give a command as a list (`["bash", "-c", "echo ok"]`).',
    );
  });

  it("suggests the keyword meant, once (not also an unknown constant)", () => {
    const found = problems(layout('  step a {\n    by alice\n    expect comand "make"\n  }'));
    expect(found.filter((p) => p.startsWith("syntax-error@comand"))).toEqual(["syntax-error@comand: Expected 'command' but found 'comand'. Did you mean `command`?"]);
    expect(found.some((p) => p.startsWith("unknown-constant"))).toBe(false);
    const block = problems(layout('  step a {\n    by alice\n    materails { disallow "*" }\n  }'));
    expect(block.some((p) => p.startsWith("syntax-error@materails") && p.endsWith("Did you mean `materials`?"))).toBe(true);
  });

  it("suggests a declared functionary or step for a misspelt one", () => {
    const found = problems(layout('  step build {\n    by alcie\n    materials { match "*" with products from biuld disallow "*" }\n    products { disallow "*" }\n  }'));
    expect(found).toContain('unknown-functionary@alcie: No functionary is named "alcie": declare it with `functionary alcie key "…"`, or fix the name. Did you mean "alice"?');
    expect(found).toContain('unknown-step@biuld: No step or inspection is named "biuld": declare it, or match from an existing one. Did you mean "build"?');
  });

  it("gives `disallow \"*\"` before `create` the unreachable-rule warning only", () => {
    const found = problems(layout('  step a {\n    by alice\n    materials { disallow "*" }\n    products {\n      disallow "*"\n      create "app"\n    }\n  }'));
    expect(found.map((p) => p.split(":")[0])).toEqual(['unreachable-rule@create "app"']);
  });
});

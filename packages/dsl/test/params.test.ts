// `param NAME [= "default"]`: a string given at compile time (--param NAME=value), usable wherever a
// constant is; resolved by checks and lowering alike, formatted, and required when it has no default.
import { describe, expect, it } from "vitest";
import { analyze, compilePolicy, format, parse } from "../src/index.js";

const KEY = 'key { type "ed25519" scheme "ed25519" public "0000000000000000000000000000000000000000000000000000000000000000" }';
const POLICY = `param VERSION
param REGISTRY = "ghcr.io/acme"
const IMAGE = "app-VERSION.tar"
layout "p" {
  expires in 90d
  functionary alice ${KEY}
  step build {
    by alice
    expect command ["make", VERSION]
    materials { disallow "*" }
    products { create REGISTRY disallow "*" }
  }
}
`;
const NOW = new Date("2026-06-01T00:00:00Z");

describe("param", () => {
  it("parses as a constant declared as a param, with or without a default", () => {
    const { file, diagnostics } = parse(POLICY);
    expect(diagnostics).toEqual([]);
    expect(file.consts.map((c) => [c.name.text, c.param === true, c.value?.kind === "string" ? c.value.value : undefined])).toEqual([
      ["VERSION", true, undefined],
      ["REGISTRY", true, "ghcr.io/acme"],
      ["IMAGE", false, "app-VERSION.tar"],
    ]);
  });

  it("is formatted as written, with or without a default", () => {
    const formatted = format(POLICY) ?? "";
    expect(formatted.startsWith('param VERSION\nparam REGISTRY = "ghcr.io/acme"\nconst IMAGE = "app-VERSION.tar"\n')).toBe(true);
    expect(format(formatted)).toBe(formatted);
    expect(parse(formatted).file.consts.map((c) => c.param === true)).toEqual([true, true, false]);
  });

  it("lowers with the values given, a default standing in for a missing one", () => {
    const r = compilePolicy(POLICY, { readKey: () => undefined, now: NOW, params: { VERSION: "1.4.2" } });
    expect(r.diagnostics).toEqual([]);
    expect(r.layout?.steps[0]?.expected_command).toEqual(["make", "1.4.2"]);
    expect(r.layout?.steps[0]?.expected_products[0]).toEqual({ type: "create", pattern: "ghcr.io/acme" });
    const overridden = compilePolicy(POLICY, { readKey: () => undefined, now: NOW, params: { VERSION: "2", REGISTRY: "quay.io/x" } });
    expect(overridden.layout?.steps[0]?.expected_products[0]).toEqual({ type: "create", pattern: "quay.io/x" });
  });

  it("refuses to lower a param without a value or default (missing-param), but checks without one", () => {
    const r = compilePolicy(POLICY, { readKey: () => undefined, now: NOW });
    expect(r.layout).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, POLICY.slice(d.span.start, d.span.end), d.message])).toEqual([
      ["missing-param", "VERSION", 'The param VERSION has no value: compile with --param VERSION=… (or give it a default: param VERSION = "…").'],
    ]);
    expect(analyze(POLICY, { now: NOW }).diagnostics).toEqual([]);
  });

  it("type-checks a value where it is used, like a written string", () => {
    const text = POLICY.replace('create REGISTRY', 'require REGISTRY');
    const r = analyze(text, { now: NOW, params: { VERSION: "1", REGISTRY: "dist/*" } });
    expect(r.diagnostics.map((d) => d.code)).toContain("require-glob");
  });
});

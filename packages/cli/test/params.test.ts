// `--param NAME=VALUE` end to end: compile puts the value where the param is used and refuses a
// param without one; check does not require values but checks those given; an undeclared or
// misspelt name is a usage error (exit 2); policy tests take `param NAME = "value"` and --param.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDir } from "./run-cli.js";

const POLICY = `param VERSION
param REGISTRY = "ghcr.io/acme"
const NOTE = "fixed"

layout "p" {
  expires in 90d
  readme NOTE
  functionary alice key "alice.pub"

  step build {
    by alice
    expect command ["make", VERSION]
    materials { disallow "*" }
    products {
      create REGISTRY
      disallow "*"
    }
  }
}
`;

let cwd: string;
beforeAll(async () => {
  cwd = tempDir("totem-params-");
  writeFileSync(join(cwd, "p.totem"), POLICY);
  expect((await runCli(["keygen", "alice"], { cwd })).code).toBe(0);
});

describe("--param", () => {
  it("compiles the values into the layout, a default standing in", async () => {
    const r = await runCli(["compile", "p.totem", "--param", "VERSION=1.4.2", "-o", "p.layout"], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const step = JSON.parse(readFileSync(join(cwd, "p.layout"), "utf8")).signed.steps[0];
    expect(step.expected_command).toEqual(["make", "1.4.2"]);
    expect(step.expected_products[0]).toEqual(["CREATE", "ghcr.io/acme"]);
  });

  it("refuses to compile a param without a value (missing-param, exit 1)", async () => {
    const r = await runCli(["compile", "p.totem", "-o", "q.layout"], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("p.totem:1:7: error[missing-param] The param VERSION has no value: compile with --param VERSION=…");
  });

  it("checks without values, and checks the values given where they are used", async () => {
    expect((await runCli(["check", "p.totem"], { cwd })).stderr).toBe("1 file checked: no problems\n");
    const r = await runCli(["check", "p.totem", "--param", "VERSION=1", "--param", "REGISTRY=lib\\*.so"], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("error[non-portable-pattern]");
  });

  it("refuses a name the policy does not declare as a param (exit 2), suggesting the one meant", async () => {
    const typo = await runCli(["compile", "p.totem", "--param", "VERSON=1"], { cwd });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe("totem: --param VERSON: p.totem declares no param \"VERSON\"; did you mean VERSION?\n");
    const constant = await runCli(["check", "p.totem", "--param", "NOTE=x"], { cwd });
    expect(constant.stderr).toContain('totem: --param NOTE: "NOTE" is a constant in p.totem, not a param');
    const malformed = await runCli(["check", "p.totem", "--param", "VERSION"], { cwd });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain("totem: --param 'VERSION' is not NAME=VALUE");
  });

  it("gives policy tests their values from the test file, and --param overrides them", async () => {
    writeFileSync(
      join(cwd, "p.totem-test"),
      'param VERSION = "1.4.2"\ntest "built" {\n  step build { runs ["make", "1.4.2"] produces "ghcr.io/acme" }\n  expect pass\n}\n',
    );
    const r = await runCli(["test", "p.totem-test", "-v"], { cwd });
    expect(r.stdout).toBe("p.totem-test (policy p.totem)\n  ok   built\n");
    const other = await runCli(["test", "p.totem-test", "-v", "--param", "VERSION=2.0"], { cwd });
    expect(other.stdout).toContain("warnings: command-mismatch at build");
  });
});

describe("totem diff --param", () => {
  const diff = (...argv: string[]) => runCli(["diff", ...argv, "--now", "2026-06-01T00:00:00Z"], { cwd });

  it("gives both sides the value compile would, so a policy with a param diffs at all", async () => {
    expect((await diff("p.totem", "p.totem")).code).toBe(2);
    const r = await diff("p.totem", "p.totem", "--param", "VERSION=1.4.2");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("make");
  });

  it("compares two values of one param with --param-old and --param-new", async () => {
    const r = await diff("p.totem", "p.totem", "--param", "VERSION=1", "--param-old", "VERSION=1.4.2", "--param-new", "VERSION=1.5.0", "--format", "json");
    expect(r.code, r.stderr).toBe(0);
    const text = JSON.stringify(JSON.parse(r.stdout));
    expect(text).toContain("1.4.2");
    expect(text).toContain("1.5.0");
  });

  it("lets a side that does not declare a --param ignore it, but refuses a name neither declares", async () => {
    writeFileSync(join(cwd, "tagged.totem"), POLICY.replace("param VERSION\n", 'param VERSION\nparam TAG = "latest"\n').replace("create REGISTRY", "create TAG"));
    const r = await diff("p.totem", "tagged.totem", "--param", "VERSION=1", "--param", "TAG=stable", "--format", "json");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("stable");
    const nope = await diff("p.totem", "tagged.totem", "--param", "VERSION=1", "--param", "NOPE=1");
    expect(nope.code).toBe(2);
    expect(nope.stderr).toContain('--param NOPE: neither p.totem nor tagged.totem declares param "NOPE"');
    const misspelt = await diff("p.totem", "tagged.totem", "--param", "VERSION=1", "--param-new", "TAGG=1");
    expect(misspelt.code).toBe(2);
    expect(misspelt.stderr).toContain("did you mean TAG?");
  });
});

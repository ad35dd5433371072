// `totem test` end to end through main(argv): the examples' tests pass; reports in text, JSON and
// JUnit XML (golden files); an unmet expectation, bad evidence, a broken test file and a policy with
// errors each fail the run (exit 1); a recorded links folder is verified with the policy's real keys.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, expectGolden, runCli, tempDir } from "./run-cli.js";

const NOW = ["--now", "2026-06-01T00:00:00Z"];

function golden(name: string, actual: string): void {
  expectGolden(`policy-test/${name}`, actual);
}

const POLICY = `layout "small" {
  expires in 30d
  functionary alice key "alice.pub"
  functionary bob key "bob.pub"
  step build {
    by alice
    expect command "make"
    products { create "app" disallow "*" }
  }
  step ship {
    by bob
    materials { match "app" with products from build disallow "*" }
    products { disallow "*" }
  }
}
`;

let dir: string;
beforeAll(async () => {
  dir = tempDir("totem-policy-test-");
  writeFileSync(join(dir, "small.totem"), POLICY);
  for (const name of ["alice", "bob"]) expect((await runCli(["keygen", name], { cwd: dir })).code).toBe(0);
});

function testFile(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

const GOOD = `test "the chain passes" {
  step build { produces "app" }
  step ship { consumes "app" }
  expect pass
}
`;

describe("totem test", () => {
  it("runs every example's tests, covering each step with an attack, and they pass", async () => {
    const r = await runCli(["test", ...NOW], { cwd: join(ROOT, "examples") });
    expect(r.stderr).toBe("43 tests in 4 files: 43 passed\n");
    expect(r.code).toBe(0);
    golden("examples.txt", r.stdout);
  });

  it("passes a described chain and fails on an unmet expectation, saying what happened (exit 1)", async () => {
    const file = testFile(
      "small.totem-test",
      `${GOOD}
test "a wrong expectation" extends "the chain passes" {
  step ship { consumes "app" = "tampered" }
  expect pass
}

test "expects the wrong code" extends "the chain passes" {
  step ship { consumes "app" = "tampered" }
  expect fail link-missing at ship
}

test "expects a failure of a chain that verifies" extends "the chain passes" {
  expect fail
}
`,
    );
    const r = await runCli(["test", file, ...NOW], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("4 tests in 1 file: 1 passed, 3 failed\n");
    golden("small-failures.txt", r.stdout);
    const json = await runCli(["test", file, ...NOW, "--format", "json"], { cwd: dir });
    expect(json.code).toBe(1);
    expect(json.stderr).toBe("");
    golden("small-failures.json", json.stdout);
    const junit = await runCli(["test", file, ...NOW, "--format", "junit"], { cwd: dir });
    expect(junit.code).toBe(1);
    golden("small-failures.xml", junit.stdout);
  });

  it("uses test keys, not the policy's: a test needs no private key and the keys' type does not matter", async () => {
    const file = testFile("keys.totem-test", `policy "small.totem"\n${GOOD}`);
    const r = await runCli(["test", file, ...NOW, "--format", "json"], { cwd: dir });
    expect(JSON.parse(r.stdout).summary).toEqual({ tests: 1, passed: 1, failed: 0, errors: 0 });
  });

  it("reports a signer that is neither a functionary nor an outsider, with a suggestion (an error, exit 1)", async () => {
    const file = testFile("typo.totem-test", `policy "small.totem"\ntest "t" {\n  step build { by alcie produces "app" }\n  expect pass\n}\n`);
    const r = await runCli(["test", file, ...NOW], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`ERR  t\n       step "build" is signed by "alcie", who is neither a functionary of the policy nor declared \`outsider alcie\`; did you mean "alice"?`);
  });

  it("reports an unknown step with a suggestion", async () => {
    const file = testFile("step.totem-test", `policy "small.totem"\ntest "t" {\n  step biuld { produces "app" }\n  expect pass\n}\n`);
    const r = await runCli(["test", file, ...NOW], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('test "t": the policy has no step "biuld"; did you mean "build"?');
  });

  it("shows syntax errors of a test file as code frames and runs none of its tests", async () => {
    const file = testFile("broken.totem-test", `policy "small.totem"\ntest "t" {\n  step build { makes "app" }\n  expect pass\n}\n`);
    const r = await runCli(["test", file, ...NOW], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("broken.totem-test:3:16: error[test-syntax] Expected `by`, `consumes`, `produces`, `runs`, `attests`, `identity` or `issuer` in a step's evidence.");
    expect(r.stdout).toContain("ERR  t\n       broken.totem-test has errors (see above); its tests did not run");
  });

  it("runs no test of a policy with errors", async () => {
    writeFileSync(join(dir, "bad.totem"), 'layout "bad" {\n  expires in 30d\n  step a { by nobody }\n}\n');
    const file = testFile("bad.totem-test", `test "t" {\n  expect pass\n}\n`);
    const r = await runCli(["test", file, ...NOW], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[unknown-functionary]");
    expect(r.stdout).toContain("the policy bad.totem has errors (see above); its tests did not run");
  });

  it("exits 2 when there is no test file to run", async () => {
    const empty = tempDir("totem-policy-test-empty-");
    const r = await runCli(["test"], { cwd: empty });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("totem: no .totem-test files found in .");
  });

  it("verifies a recorded links folder with the policy's real keys", async () => {
    const work = tempDir("totem-policy-test-links-");
    cpSync(dir, work, { recursive: true });
    mkdirSync(join(work, "links"));
    writeFileSync(join(work, "app"), "the app\n");
    expect((await runCli(["run", "--step", "build", "--key", "alice", "-p", "app", "-d", "links", "--", "true"], { cwd: work })).code).toBe(0);
    expect((await runCli(["run", "--step", "ship", "--key", "bob", "-m", "app", "-d", "links", "-x"], { cwd: work })).code).toBe(0);
    const file = `policy "small.totem"
test "the recorded chain passes" {
  links "links"
  expect pass
}
`;
    writeFileSync(join(work, "recorded.totem-test"), file);
    const r = await runCli(["test", "recorded.totem-test", ...NOW, "-v"], { cwd: work });
    expect(r.stdout).toBe("recorded.totem-test (policy small.totem)\n  ok   the recorded chain passes\n       warnings: command-mismatch at build\n");
    expect(r.code).toBe(0);
    writeFileSync(join(work, "app"), "changed\n");
    expect((await runCli(["run", "--step", "ship", "--key", "bob", "-m", "app", "-d", "links", "-x"], { cwd: work })).code).toBe(0);
    writeFileSync(join(work, "recorded.totem-test"), file.replace("expect pass", "expect fail rule-disallow at ship materials rule 2"));
    const tampered = await runCli(["test", "recorded.totem-test", ...NOW], { cwd: work });
    expect(tampered.stdout).toContain("ok   the recorded chain passes (rule-disallow at ship materials rule 2)");
    expect(tampered.code).toBe(0);
  });
});

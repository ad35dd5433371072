// The GitHub Action (action.yml, action/main.mjs), run as the runner runs it: `node action/main.mjs`
// with INPUT_* variables, GITHUB_WORKSPACE and GITHUB_OUTPUT. Check writes SARIF and annotations,
// test runs policy tests, compile signs with a key given as content (never left on disk), verify
// verifies a recorded chain; failures exit 1 with an ::error:: line. Uses the CLI bundle (npm run build).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_STEPS, demoWorkspace, verifierFolder } from "./demo-chain.js";
import { ROOT, runCli, tempDir } from "./run-cli.js";

const ACTION = join(ROOT, "action.yml");

function runAction(workspace: string, inputs: Record<string, string>): { code: number | null; stdout: string; stderr: string; outputs: Record<string, string>; runnerTemp: string } {
  const outputFile = join(tempDir("totem-action-out-"), "output");
  writeFileSync(outputFile, "");
  const runnerTemp = tempDir("totem-action-temp-");
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", GITHUB_WORKSPACE: workspace, GITHUB_OUTPUT: outputFile, RUNNER_TEMP: runnerTemp };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const r = spawnSync(process.execPath, [join(ROOT, "action/main.mjs")], { cwd: workspace, env, encoding: "utf8" });
  const outputs: Record<string, string> = {};
  for (const m of readFileSync(outputFile, "utf8").matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2\n/gm)) outputs[m[1] as string] = m[3] as string;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, outputs, runnerTemp };
}

describe("the GitHub Action", () => {
  it("declares a node20 action whose every input the entry point reads", () => {
    const yml = readFileSync(ACTION, "utf8");
    expect(yml).toMatch(/runs:\n {2}using: node20\n {2}main: action\/main\.mjs\n/);
    const declared = [...yml.matchAll(/^ {2}([a-z-]+):\n {4}description:/gm)].map((m) => m[1]);
    const entry = readFileSync(join(ROOT, "action/main.mjs"), "utf8");
    const inputsSection = yml.slice(yml.indexOf("inputs:"), yml.indexOf("outputs:"));
    for (const name of declared.filter((n) => inputsSection.includes(`  ${n}:\n`))) expect(entry, name).toContain(`"${name}"`);
  });

  it("checks a policy: SARIF written, counts as outputs, exit 0", () => {
    const work = tempDir("totem-action-");
    demoWorkspace(work);
    const r = runAction(work, { policy: "demo.totem", "docs-url": "https://docs.example.org/totem/docs/" });
    expect(r.stdout).toBe("");
    expect(r.code).toBe(0);
    expect(r.outputs).toEqual({ "sarif-file": "totem.sarif", errors: "0", warnings: "0" });
    expect(JSON.parse(readFileSync(join(work, "totem.sarif"), "utf8")).version).toBe("2.1.0");
  });

  it("annotates the policy lines and fails (exit 1) on a policy with errors, still writing the SARIF", () => {
    const work = tempDir("totem-action-");
    writeFileSync(join(work, "bad.totem"), 'layout "bad" {\n  expires in 30d\n  step a { by nobody }\n}\n');
    const r = runAction(work, { policy: "bad.totem", "sarif-file": "out.sarif", check: "true" });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("::error file=bad.totem,line=3,col=15,endLine=3,endColumn=21,title=totem unknown-functionary::No functionary is named \"nobody\"");
    expect(r.stdout).toContain("::error::totem check: bad.totem has errors or too many warnings (SARIF in out.sarif)\n");
    expect(r.outputs.errors).toBe("1");
    expect(existsSync(join(work, "out.sarif"))).toBe(true);
  });

  it("runs the policy tests, compiles and signs with a key given as content, and verifies a chain", async () => {
    const work = tempDir("totem-action-");
    demoWorkspace(work);
    for (const step of DEMO_STEPS) expect((await runCli(step, { cwd: work })).code).toBe(0);
    const key = readFileSync(join(work, "keys/alice"), "utf8");
    const r = runAction(work, { policy: "demo.totem", tests: "demo.totem-test", compile: "true", "signing-key": key, layout: "root.layout" });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toContain("8 tests in 1 file: 8 passed");
    expect(r.outputs.layout).toBe("root.layout");
    expect(readdirSync(r.runnerTemp)).toEqual([]);
    expect(r.stdout + r.stderr).not.toContain(key.trim().slice(0, 40));
    const verifier = verifierFolder(work, ["root.layout"]);
    const verified = runAction(verifier, { check: "false", verify: "true", "layout-keys": "alice.pub" });
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.outputs).toEqual({ verified: "true" });
  });

  it("passes params to compile, one NAME=VALUE per line", () => {
    const work = tempDir("totem-action-");
    writeFileSync(join(work, "p.totem"), 'param VERSION\nparam CHANNEL\nlayout "p" {\n  expires in 90d\n  readme CHANNEL\n  inspection ls {\n    run ["ls", VERSION]\n  }\n}\n');
    const r = runAction(work, { policy: "p.totem", check: "false", compile: "true", params: "VERSION=1.4.2\nCHANNEL=stable release\n" });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const layout = JSON.parse(readFileSync(join(work, "root.layout"), "utf8")).signed;
    expect([layout.readme, layout.inspect[0].run]).toEqual(["stable release", ["ls", "1.4.2"]]);
  });

  it("fails verify with an ::error:: line when the chain does not verify", async () => {
    const work = tempDir("totem-action-");
    demoWorkspace(work);
    expect((await runCli(["compile", "demo.totem", "--key", "keys/alice", "-o", "root.layout"], { cwd: work })).code).toBe(0);
    const r = runAction(work, { policy: "demo.totem", check: "false", verify: "true", "layout-keys": "keys/alice.pub" });
    expect(r.code).toBe(1);
    expect(r.outputs).toEqual({ verified: "false" });
    expect(r.stdout).toContain("::error::totem verify: the chain in . did not verify against root.layout (exit 1)");
  });

  it("checks, tests, compiles and verifies an attestation policy (target ite-10) over its attestations folder", () => {
    const work = tempDir("totem-action-");
    cpSync(join(ROOT, "examples", "gha-attestations"), work, { recursive: true });
    const inputs = {
      policy: "release.totem",
      tests: "release.totem-test",
      compile: "true",
      layout: "compiled.yml",
      verify: "true",
      attestations: "attestations",
      "trusted-root": "trusted_root.json",
      "substitute-parameters": "parameters.json",
    };
    const r = runAction(work, inputs);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({ layout: "compiled.yml", verified: "true" });
    expect(readFileSync(join(work, "compiled.yml"), "utf8")).toBe(readFileSync(join(work, "layout.yml"), "utf8"));
    // Without the parameters its placeholders stay unfilled: verify fails with an ::error:: line.
    const unfilled = runAction(work, { ...inputs, tests: "", "substitute-parameters": "" });
    expect(unfilled.code).toBe(1);
    expect(unfilled.outputs).toMatchObject({ verified: "false" });
    expect(unfilled.stdout).toContain("::error::totem verify: the attestations in attestations did not verify against compiled.yml (exit 1)");
  });

  it("says which input is wrong", () => {
    const r = runAction(tempDir("totem-action-"), { policy: "p.totem", check: "maybe" });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('::error::input check must be "true" or "false", not "maybe"\n');
    const none = runAction(tempDir("totem-action-"), {});
    expect(none.stdout).toBe("::error::input policy is required to check or compile (set check: false for verify alone)\n");
  });
});

// `totem doc` end to end through main(argv): the Markdown, Mermaid and JSON forms of every example
// policy as golden files, -o written atomically, and a policy with errors documented not at all.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, expectGolden, runCli, tempDir } from "./run-cli.js";

const EXAMPLES = ["demo", "ci-pipeline", "rulesets"];

function golden(name: string, actual: string): void {
  expectGolden(`doc/${name}`, actual);
}

describe("totem doc", () => {
  for (const name of EXAMPLES) {
    it(`documents examples/${name} in Markdown with its Mermaid graph`, async () => {
      const r = await runCli(["doc", `${name}/${name}.totem`], { cwd: join(ROOT, "examples") });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("```mermaid\nflowchart LR\n");
      golden(`${name}.md`, r.stdout);
    });
  }

  it("documents an attestation policy (examples/gha-attestations): each attestation with its signers and checks, keyless functionaries with their identity", async () => {
    const r = await runCli(["doc", "gha-attestations/release.totem"], { cwd: join(ROOT, "examples") });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('n2["build<br/>provenance/v1 by release-workflow"]');
    expect(r.stdout).toContain("| `release-workflow` | keyless (Sigstore): identity `https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.4.0`");
    expect(r.stdout).not.toContain("nothing (unused)");
    golden("gha-attestations.md", r.stdout);
  });

  it("prints the graph alone with --format mermaid, the same as in the Markdown", async () => {
    const cwd = join(ROOT, "examples");
    const mermaid = await runCli(["doc", "ci-pipeline/ci-pipeline.totem", "--format", "mermaid"], { cwd });
    const markdown = await runCli(["doc", "ci-pipeline/ci-pipeline.totem"], { cwd });
    expect(mermaid.code).toBe(0);
    golden("ci-pipeline.mmd", mermaid.stdout);
    expect(markdown.stdout).toContain(`\`\`\`mermaid\n${mermaid.stdout}\`\`\``);
  });

  it("prints the graph as data with --format json: steps, signers, thresholds and MATCH edges", async () => {
    const r = await runCli(["doc", "ci-pipeline/ci-pipeline.totem", "--format", "json"], { cwd: join(ROOT, "examples") });
    expect(r.code).toBe(0);
    const graph = JSON.parse(r.stdout);
    const release = graph.nodes.find((n: { name: string }) => n.name === "release");
    expect(release).toMatchObject({ kind: "step", signers: ["dana", "erin", "frank"], threshold: 2 });
    expect(graph.edges.filter((e: { to: string }) => e.to === "release").map((e: { from: string; pattern: string }) => `${e.from}:${e.pattern}`)).toEqual([
      "image:image.tar",
      "sbom:sbom.spdx",
    ]);
    expect(graph.functionaries.map((f: { name: string; steps: string[] }) => `${f.name}=${f.steps.length}`)).toEqual(["ci=5", "dana=1", "erin=1", "frank=1"]);
  });

  it("writes -o atomically and says where", async () => {
    const cwd = tempDir("totem-doc-");
    writeFileSync(join(cwd, "p.totem"), 'layout "p" {\n  expires "2030-01-01T00:00:00Z"\n  inspection ls {\n    run "ls"\n  }\n}\n');
    const r = await runCli(["doc", "p.totem", "-o", "P.md"], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("documented p.totem → P.md\n");
    expect(readFileSync(join(cwd, "P.md"), "utf8")).toContain('n0{{"ls<br/>inspection"}}');
  });

  it("refuses a policy with errors and writes nothing (exit 1)", async () => {
    const cwd = tempDir("totem-doc-");
    writeFileSync(join(cwd, "bad.totem"), 'layout "p" {\n  expires "2030-01-01T00:00:00Z"\n  step a {\n    by nobody\n  }\n}\n');
    const r = await runCli(["doc", "bad.totem", "-o", "P.md"], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[unknown-functionary]");
    expect(r.stderr).toContain("totem: bad.totem has errors; no documentation was written\n");
    expect(existsSync(join(cwd, "P.md"))).toBe(false);
  });

  it("documents a policy whose key files are not there (documentation shows their paths)", async () => {
    const cwd = tempDir("totem-doc-");
    writeFileSync(join(cwd, "p.totem"), 'layout "p" {\n  expires "2030-01-01T00:00:00Z"\n  functionary a key "keys/a.pub"\n  step s {\n    by a\n  }\n}\n');
    const r = await runCli(["doc", "p.totem"], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("| `a` | key file `keys/a.pub` | `s` |");
  });

  it("shows a param without a value as {NAME}, and the value given with --param", async () => {
    const cwd = tempDir("totem-doc-");
    writeFileSync(join(cwd, "p.totem"), 'param VERSION\nlayout "p" {\n  expires "2030-01-01T00:00:00Z"\n  inspection ls {\n    run ["ls", VERSION]\n  }\n}\n');
    expect((await runCli(["doc", "p.totem"], { cwd })).stdout).toContain('- Runs: `["ls", "{VERSION}"]`');
    expect((await runCli(["doc", "p.totem", "--param", "VERSION=1.4.2"], { cwd })).stdout).toContain("- Runs: `\"ls 1.4.2\"`");
  });

  it("refuses to overwrite the policy it documents (exit 2)", async () => {
    const cwd = tempDir("totem-doc-");
    writeFileSync(join(cwd, "p.totem"), 'layout "p" {\n  expires "2030-01-01T00:00:00Z"\n}\n');
    const r = await runCli(["doc", "p.totem", "-o", "p.totem"], { cwd });
    expect(r.code).toBe(2);
    expect(readFileSync(join(cwd, "p.totem"), "utf8")).toContain('layout "p"');
  });
});

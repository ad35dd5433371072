// docs/git.md, tested: with `*.layout diff=totem` and `totem import --stdout --allow-lossy` as the
// textconv driver, `git diff` of a changed signed layout shows the policy lines that changed.
import { execFileSync } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, tempDir, requireBundle } from "./run-cli.js";

const LAYOUTS = join(ROOT, "packages/dsl/test/fixtures/import/layouts");

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: cwd, GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.invalid", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.invalid" },
  });
}

let repo: string;
beforeAll(() => {
  requireBundle();
  repo = tempDir("totem-git-");
  git(repo, "init", "-q", "-b", "main");
  // The set-up docs/git.md describes, with the binary spelled out instead of `totem` on PATH.
  writeFileSync(join(repo, ".gitattributes"), "*.layout diff=totem\n");
  const totem = `"${process.execPath}" "${join(ROOT, "packages/cli/bin/totem.js")}"`;
  git(repo, "config", "diff.totem.textconv", `${totem} import --stdout --allow-lossy`);
  git(repo, "config", "diff.totem.cachetextconv", "false");
  cpSync(join(LAYOUTS, "demo.layout"), join(repo, "root.layout"));
  git(repo, "add", ".");
  git(repo, "commit", "-q", "-m", "layout");
}, 60_000);

describe("git diff of a signed layout through the textconv driver", () => {
  it("shows the changed policy lines instead of JSON", () => {
    const json = readFileSync(join(repo, "root.layout"), "utf8");
    const changed = json.replace('"readme": "The in-toto demo supply chain."', '"readme": "The demo, reviewed."');
    expect(changed).not.toBe(json);
    writeFileSync(join(repo, "root.layout"), changed);
    const diff = git(repo, "diff", "--no-color", "root.layout");
    const lines = diff.split("\n").filter((l) => /^[-+][^-+]/.test(l));
    expect(lines).toContain('-  readme "The in-toto demo supply chain."');
    expect(lines).toContain('+  readme "The demo, reviewed."');
    expect(diff).not.toContain('"signatures"');
  });

  it("shows nothing for an unchanged layout and plain JSON without the attribute", () => {
    git(repo, "checkout", "--", "root.layout");
    expect(git(repo, "diff", "root.layout")).toBe("");
    writeFileSync(join(repo, "root.layout"), readFileSync(join(repo, "root.layout"), "utf8").replace("2030-01-01", "2031-01-01"));
    expect(git(repo, "diff", "--no-color", "root.layout")).toContain('+  expires "2031-01-01T00:00:00Z"');
    expect(git(repo, "diff", "--no-color", "--no-textconv", "root.layout")).toMatch(/^\+\s+"expires": "2031-01-01T00:00:00Z"/m);
  });
});

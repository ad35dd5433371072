// The artifact walker behind `totem run`, `record` and inspections, against what in-toto 1.3.1's
// record_artifacts_as_dict(..., follow_symlink_dirs=True) records for the same tree (SPEC-NOTES §10;
// the expected lists were produced by in-toto 1.3.1 on this layout of files).
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_EXCLUDES } from "@totem/engine";
import { beforeAll, describe, expect, it } from "vitest";
import { listArtifacts, recordArtifacts } from "@totem/node-io";
import { tempDir } from "./run-cli.js";

function tree(root: string, files: Record<string, string>, links: Record<string, string> = {}): string {
  for (const [f, content] of Object.entries(files)) {
    mkdirSync(join(root, f, ".."), { recursive: true });
    writeFileSync(join(root, f), content);
  }
  for (const [link, target] of Object.entries(links)) symlinkSync(target, join(root, link));
  return root;
}

let dir: string;
beforeAll(() => {
  dir = tree(
    tempDir("totem-walk-"),
    {
      "src/a.py": "a",
      "src/a.pyc": "c",
      "src/sub/b.txt": "b",
      "src/notes~": "x",
      "step.1234abcd.link": "{}\n",
      ".git/HEAD": "ref\n",
      "build/out.bin": "out\n",
      "real/r.txt": "r\n",
      "top.txt": "top",
    },
    { "src/link-to-top": "../top.txt", "src/linked-dir": "../real", "src/broken": "missing" },
  );
});

const keys = (paths: string[], excludes: readonly string[] = DEFAULT_EXCLUDES, cwd = dir) =>
  listArtifacts(paths, cwd, excludes)
    .map((f) => f.key)
    .sort();

describe("the artifact walker", () => {
  it("records what in-toto 1.3.1 records with its default excludes", () => {
    expect(keys(["./src//", "top.txt", "missing.txt"])).toEqual([
      "src/a.py",
      "src/link-to-top",
      "src/linked-dir/r.txt",
      "src/sub/b.txt",
      "top.txt",
    ]);
  });

  it("replaces the defaults with --exclude and prunes excluded directories, as 1.3.1 does", () => {
    expect(keys(["."], ["build/", "src", "*.txt"])).toEqual([".git/HEAD", "step.1234abcd.link"]);
  });

  it("hashes a file symlink's target content under the link's path", () => {
    const got = recordArtifacts(["src/link-to-top", "top.txt"], { cwd: dir, excludes: DEFAULT_EXCLUDES, hash: {} });
    expect(got).toEqual({
      ok: true,
      value: {
        "src/link-to-top": { sha256: "28720365c5e7476a011e4f43ac003ee5f16247a263b9d623aa85ed311d73bf39" },
        "top.txt": { sha256: "28720365c5e7476a011e4f43ac003ee5f16247a263b9d623aa85ed311d73bf39" },
      },
    });
  });

  it("walks a directory reached again through a symlink loop only once", () => {
    const loop = tree(tempDir("totem-loop-"), { "d/f.txt": "f" }, { "d/up": ".." });
    expect(keys(["."], DEFAULT_EXCLUDES, loop)).toEqual(["d/f.txt"]);
  });
});

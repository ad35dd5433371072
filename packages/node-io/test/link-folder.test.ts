// The links folder reader: what the engine asks for is read from inside the folder only, and only
// from regular files.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { listLinkDir, readLinkFile } from "../src/index.js";

const root = mkdtempSync(join(tmpdir(), "totem-links-"));
const dir = join(root, "links");
mkdirSync(join(dir, "sub.12345678"), { recursive: true });
writeFileSync(join(dir, "a.12345678.link"), "{}");
writeFileSync(join(dir, "sub.12345678", "b.87654321.link"), "[]");
writeFileSync(join(root, "secret.link"), "outside");
execFileSync("mkfifo", [join(dir, "fifo.12345678.link")]);

describe("links folder", () => {
  it("reads a link and a sublayout's link by their relative paths", () => {
    expect(new TextDecoder().decode(readLinkFile(dir, "a.12345678.link"))).toBe("{}");
    expect(new TextDecoder().decode(readLinkFile(dir, "sub.12345678/b.87654321.link"))).toBe("[]");
  });

  it("never reads outside the folder, nor a FIFO, nor what is absent", () => {
    for (const path of ["../secret.link", `${root}/secret.link`, "sub.12345678/../../secret.link", "fifo.12345678.link", "none.link", ""]) {
      expect(readLinkFile(dir, path), path).toBe(undefined);
    }
  });

  it("lists the folder and its sublayout directories, never a directory outside it", () => {
    expect(listLinkDir(dir, "").sort()).toEqual(["a.12345678.link", "fifo.12345678.link", "sub.12345678"]);
    expect(listLinkDir(dir, "sub.12345678/")).toEqual(["b.87654321.link"]);
    expect(listLinkDir(dir, "../")).toEqual([]);
    expect(listLinkDir(dir, "missing/")).toEqual([]);
  });
});

// The attestations folder reader shared by `totem verify --attestations` and the editor's simulate.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readAttestationFolder } from "../src/index.js";

describe("readAttestationFolder", () => {
  it("reads every file in name order", () => {
    const dir = mkdtempSync(join(tmpdir(), "totem-att-"));
    writeFileSync(join(dir, "b.1.json"), "B");
    writeFileSync(join(dir, "a.1.link"), "A");
    const read = readAttestationFolder(dir);
    expect(read.ok && read.value.map((f) => [f.name, Buffer.from(f.bytes).toString()])).toEqual([["a.1.link", "A"], ["b.1.json", "B"]]);
  });

  it("names an entry that is not a regular file instead of skipping it", () => {
    const dir = mkdtempSync(join(tmpdir(), "totem-att-"));
    writeFileSync(join(dir, "a.1.json"), "{}");
    mkdirSync(join(dir, "b.1.json"));
    expect(readAttestationFolder(dir)).toEqual({ ok: false, error: { kind: "unreadable", name: "b.1.json" } });
  });
});

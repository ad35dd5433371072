// The bounded reader: only regular files, never more than the limit, never blocking on a FIFO.
import { execFileSync } from "node:child_process";
import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { READ_LIMITS, readFileBounded, readTextBounded } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "totem-read-"));
const file = (name: string, content: string | Uint8Array) => {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
};
const fifo = (name: string) => {
  execFileSync("mkfifo", [join(dir, name)]);
  return join(dir, name);
};

describe("readFileBounded", () => {
  it("reads a regular file up to and including its limit", () => {
    const path = file("ten", "0123456789");
    expect(readTextBounded(path, 10)).toEqual({ ok: true, value: "0123456789" });
    expect(readFileBounded(path, 9)).toEqual({ ok: false, error: { code: "file-too-large", message: "it is 10 bytes or more, over the limit of 9 bytes" } });
    expect(readFileBounded(file("empty", ""), "key")).toEqual({ ok: true, value: new Uint8Array(0) });
  });

  it("refuses what is not a regular file before reading it, at once", () => {
    const start = performance.now();
    expect(readFileBounded("/dev/zero", "layout")).toEqual({ ok: false, error: { code: "file-not-regular", message: "it is a character device, not a regular file" } });
    expect(readFileBounded(fifo("pipe"), "link")).toEqual({ ok: false, error: { code: "file-not-regular", message: "it is a FIFO (named pipe), not a regular file" } });
    expect(readFileBounded(dir, "policy")).toEqual({ ok: false, error: { code: "file-not-regular", message: "it is a directory, not a file" } });
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it("reads a file that reports size 0 to its end, still within the limit (/proc)", () => {
    const status = readTextBounded("/proc/self/status", "key");
    expect(status.ok && status.value).toMatch(/^Name:/);
    expect(readFileBounded("/proc/self/status", 16)).toEqual({ ok: false, error: { code: "file-too-large", message: "it is 17 bytes or more, over the limit of 16 bytes" } });
  });

  it("follows a symbolic link unless told not to", () => {
    const target = file("target", "x");
    symlinkSync(target, join(dir, "link"));
    expect(readTextBounded(join(dir, "link"), "key")).toEqual({ ok: true, value: "x" });
    expect(readFileBounded(join(dir, "link"), "key", { noFollow: true })).toEqual({
      ok: false,
      error: { code: "file-not-regular", message: "it is a symbolic link, which is not followed here" },
    });
    symlinkSync("/dev/zero", join(dir, "zero-link"));
    expect(readFileBounded(join(dir, "zero-link"), "key").ok).toBe(false);
  });

  it("says what is missing or not text", () => {
    expect(readFileBounded(join(dir, "nope"), "policy")).toEqual({ ok: false, error: { code: "file-missing", message: "no such file or directory" } });
    expect(readTextBounded(file("latin1", new Uint8Array([0x68, 0xe9])), "policy")).toEqual({
      ok: false,
      error: { code: "file-unreadable", message: "it is not valid UTF-8 text" },
    });
  });

  it("has the documented limits", () => {
    expect(READ_LIMITS).toEqual({ policy: 16 * 2 ** 20, layout: 64 * 2 ** 20, link: 64 * 2 ** 20, key: 2 ** 20 });
  });
});

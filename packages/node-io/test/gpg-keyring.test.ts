// node-io's readKeyringKey on a directory: only a GnuPG home (one holding a keyring) is handed to
// gpg. gpg creates a pubring.kbx in any directory it is pointed at, so a policy naming some other
// folder (`key gpg "FPR" from "."`) would otherwise make the editor or `totem check` write into it.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readKeyringKey } from "../src/gpg-keyring.js";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("readKeyringKey of a directory", () => {
  it("refuses a directory that is no GnuPG home, and leaves it as it was", async () => {
    dir = mkdtempSync(join(tmpdir(), "totem-not-a-home-"));
    const read = await readKeyringKey(dir, "AB".repeat(20));
    expect(read).toEqual({ kind: "invalid", message: `${dir} is a directory but no GnuPG home: it holds no pubring.kbx, pubring.gpg or public-keys.d` });
    expect(readdirSync(dir)).toEqual([]);
  });
});

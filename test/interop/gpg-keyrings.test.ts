// GPG functionaries named by fingerprint from a keyring (`key gpg "FINGERPRINT" from "keyring.asc"`)
// or from a GnuPG home (`from "DIR"`), against the reference in-toto 1.3.1: keys made in a throwaway
// GnuPG home, links recorded with `in-toto-run --gpg`, the layout compiled by Totem and checked by
// in-toto-verify; the key objects Totem puts into the layout are securesystemslib's export_pubkey's.
// Also the two ways a reference goes wrong: a fingerprint the keyring does not hold, a file that is
// not a keyring.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { canonicalString, type JsonValue } from "@totem/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ThrowawayGnupg } from "../support/gnupg.js";
import { exec, PY, referenceVerdict, refKeygen, TOTEM, tmp } from "./reference.js";

let gnupg: ThrowawayGnupg;
let home: string;
let work: string;
const fpr: Record<string, string> = {};

const gpg = (args: string[]) => gnupg.run(args);
const fingerprint = (uid: string) => gnupg.fingerprint(uid);

/** securesystemslib's export_pubkey of `keyid` (what add_functionary_key_from_gpg_keyid puts into a layout). */
function referenceKey(keyid: string): JsonValue {
  const script = "import sys, json\nfrom securesystemslib.gpg.functions import export_pubkey\nprint(json.dumps(export_pubkey(sys.argv[1], homedir=sys.argv[2])))";
  const r = exec([PY, "-c", script, keyid, home]);
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as JsonValue;
}

const policy = (alice: string, bob: string) => `layout "keyrings" {
  expires "2031-01-01T00:00:00Z"
  functionary alice key gpg "${alice}" from "keyring.asc"
  functionary bob key gpg "${bob}" from "${home}"

  step write {
    by alice
    materials { disallow "*" }
    products { create "a.txt"  disallow "*" }
  }
  step package {
    by bob
    materials { match "a.txt" with products from write  disallow "*" }
    products { create "out.txt"  disallow "*" }
  }
}
`;

describe("GPG functionaries named by fingerprint from a keyring or a GnuPG home", () => {
  beforeAll(() => {
    gnupg = new ThrowawayGnupg();
    home = gnupg.home;
    work = tmp("totem-gpg-keyrings-");
    gpg(["--quick-gen-key", "alice <alice@example.org>", "ed25519", "sign", "never"]);
    gpg(["--quick-gen-key", "bob <bob@example.org>", "rsa2048", "sign", "never"]);
    gpg(["--quick-gen-key", "carl <carl@example.org>", "ed25519", "sign", "never"]);
    fpr.alice = fingerprint("alice");
    fpr.bob = fingerprint("bob");
    fpr.carl = fingerprint("carl");
    // The keyring file holds alice and carl: the fingerprint picks one.
    writeFileSync(join(work, "keyring.asc"), gpg(["--armor", "--export", fpr.alice, fpr.carl]));
    writeFileSync(join(work, "not-a-keyring.asc"), "hello\n");
    refKeygen(work, "owner", "ed25519");
    writeFileSync(join(work, "root.totem"), policy(fpr.alice, fpr.bob));
  });

  afterAll(() => {
    gnupg.dispose();
  });

  it("compiles the keys exactly as securesystemslib exports them, and in-toto-verify 1.3.1 accepts the chain", () => {
    const c = exec([...TOTEM, "compile", "root.totem", "--key", "owner", "-o", "root.layout"], { cwd: work });
    expect(c.status, c.stderr).toBe(0);
    const keys = JSON.parse(readFileSync(join(work, "root.layout"), "utf8")).signed.keys as Record<string, JsonValue>;
    expect(Object.keys(keys).sort()).toEqual([fpr.alice, fpr.bob].map((f) => (f as string).toLowerCase()).sort());
    for (const who of ["alice", "bob"]) {
      const id = (fpr[who] as string).toLowerCase();
      expect(canonicalString(keys[id] as JsonValue)).toBe(canonicalString(referenceKey(id)));
    }
    const tree = join(work, "tree");
    mkdirSync(tree);
    const run = (step: string, key: string, args: string[], command: string) => {
      const r = exec(["in-toto-run", "-n", step, "--gpg", key, "--gpg-home", home, ...args, "--", "sh", "-c", command], { cwd: tree });
      if (r.status !== 0) throw new Error(r.stderr);
    };
    run("write", fpr.alice as string, ["-p", "a.txt"], "echo a > a.txt");
    run("package", fpr.bob as string, ["-m", "a.txt", "-p", "out.txt"], "cp a.txt out.txt");
    const ref = exec(["in-toto-verify", "-l", join(work, "root.layout"), "-k", join(work, "owner.pub"), "-t", "ed25519", "--link-dir", tree], { cwd: tree });
    expect(referenceVerdict(ref), ref.stderr).toBe("PASS");
    const t = exec([...TOTEM, "verify", "-l", join(work, "root.layout"), "-k", join(work, "owner.pub"), "-d", tree, "--no-inspection-links"], { cwd: tree });
    expect(t.status, t.stdout + t.stderr).toBe(0);
  });

  it("diffs policies with keyring keys: the same key is no change, carl for alice is a key change", () => {
    writeFileSync(join(work, "swapped.totem"), policy(fpr.carl as string, fpr.bob as string));
    const same = exec([...TOTEM, "diff", "root.totem", "root.totem", "--format", "json"], { cwd: work });
    expect(same.status, same.stderr).toBe(0);
    expect((JSON.parse(same.stdout) as { changes: unknown[] }).changes).toEqual([]);
    const swapped = exec([...TOTEM, "diff", "root.totem", "swapped.totem", "--format", "json"], { cwd: work });
    expect(swapped.status, swapped.stderr).toBe(0);
    const changes = (JSON.parse(swapped.stdout) as { changes: { kind: string; subject: string; reason: string }[] }).changes;
    expect(changes.map((c) => [c.kind, c.subject])).toEqual([["key-replaced", "step write"]]);
    const short = (who: string) => (fpr[who] as string).toLowerCase().slice(0, 8);
    expect(changes[0]?.reason).toContain(`${short("alice")} → ${short("carl")}`);
  });

  it("reports a fingerprint the keyring does not hold, and a file that is not a keyring, on the key", () => {
    const text = policy(fpr.alice as string, fpr.bob as string)
      .replace(`"${fpr.alice}" from "keyring.asc"`, `"${"AB".repeat(20)}" from "keyring.asc"`)
      .replace(`"${fpr.bob}" from "${home}"`, `"${fpr.bob}" from "not-a-keyring.asc"`);
    writeFileSync(join(work, "bad.totem"), text);
    const r = exec([...TOTEM, "check", "bad.totem", "--format", "json"], { cwd: work });
    expect(r.status).toBe(1);
    const diagnostics = (JSON.parse(r.stdout) as { files: { diagnostics: { code: string; message: string }[] }[] }).files[0]?.diagnostics ?? [];
    const invalid = diagnostics.filter((d) => d.code === "key-invalid").map((d) => d.message);
    expect(invalid).toHaveLength(2);
    expect(invalid[0]).toContain(`No OpenPGP key with fingerprint or keyid ${"AB".repeat(20)}`);
    expect(invalid[1]).toContain("The OpenPGP key data cannot be read");
  });
});

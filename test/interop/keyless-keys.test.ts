// Layout key objects without their own `keyid` (the shape of in-toto-rs's test layouts): in-toto
// 1.3.1 loads such a layout, and fails verification (FormatError) as soon as it checks a link with
// such a key. Totem imports the layout byte for byte (`omit ["keyid"]`) and gives the reference's
// verdict: pass when no link from that key is present, fail when one is.
//
// Made here with the reference's Python API and tools and our own keys: owner, bob (a keyed
// functionary), carl (the same kind of key, written without `keyid`).
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { exec, PY, referenceSignableBytes, referenceVerdict, refKeygen, TOTEM, tmp } from "./reference.js";

/** root.layout: step build by bob or carl (threshold 1), carl's key object without keyid. argv: DIR. */
const MAKE_LAYOUT = `
import sys
from in_toto.models.layout import Layout, Step
from in_toto.models.metadata import Metablock
from securesystemslib import interface

d = sys.argv[1]
layout = Layout()
layout.set_relative_expiration(months=6)
bob = layout.add_functionary_key(interface.import_ed25519_publickey_from_file(d + "/bob.pub"))
carl = layout.add_functionary_key(interface.import_ed25519_publickey_from_file(d + "/carl.pub"))["keyid"]
del layout.keys[carl]["keyid"]
build = Step(name="build")
build.pubkeys = [bob["keyid"], carl]
build.set_expected_command_from_string("sh -c 'echo hi > out.txt'")
build.add_product_rule_from_string("CREATE out.txt")
build.add_product_rule_from_string("DISALLOW *")
layout.steps = [build]
mb = Metablock(signed=layout)
mb.sign(interface.import_ed25519_privatekey_from_file(d + "/owner"))
mb.dump(d + "/root.layout")
`;

interface Made {
  dir: string;
  /** Links of bob only. */
  bobOnly: string;
  /** Links of bob and carl. */
  both: string;
}

function record(dir: string, who: string, into: string): void {
  const r = exec(["in-toto-run", "-n", "build", "-k", join(dir, who), "-t", "ed25519", "-p", "out.txt", "-d", into, "--", "sh", "-c", "echo hi > out.txt"], {
    cwd: dir,
  });
  if (r.status !== 0) throw new Error(r.stderr);
}

function make(): Made {
  const dir = tmp("totem-keyless-");
  for (const who of ["owner", "bob", "carl"]) refKeygen(dir, who, "ed25519");
  const made = exec([PY, "-c", MAKE_LAYOUT, dir]);
  if (made.status !== 0) throw new Error(made.stderr);
  const bobOnly = join(dir, "bob-only");
  const both = join(dir, "both");
  for (const d of [bobOnly, both]) {
    mkdirSync(d);
    copyFileSync(join(dir, "root.layout"), join(d, "root.layout"));
    record(dir, "bob", d);
  }
  record(dir, "carl", both);
  return { dir, bobOnly, both };
}

const inTotoVerify = (links: string, dir: string) =>
  exec(["in-toto-verify", "--layout", "root.layout", "--layout-keys", join(dir, "owner.pub"), "--key-types", "ed25519", "--link-dir", "."], { cwd: links });
const totemVerify = (links: string, dir: string) =>
  exec([...TOTEM, "verify", "--layout", "root.layout", "--layout-key", join(dir, "owner.pub"), "--links", ".", "--json", "--no-inspection-links"], { cwd: links });

describe("a layout whose key object has no keyid (in-toto-rs's shape)", () => {
  let m: Made;
  beforeAll(() => {
    m = make();
  });

  it("is what the reference loads: the key object in the signed payload has no keyid", () => {
    const signed = JSON.parse(readFileSync(join(m.dir, "root.layout"), "utf8")).signed as { keys: Record<string, { keyid?: string }> };
    expect(Object.values(signed.keys).filter((k) => k.keyid === undefined)).toHaveLength(1);
  });

  it("imports as omit [\"keyid\"] and compiles back to the exact payload in-toto 1.3.1 signs", () => {
    const policy = join(m.dir, "root.totem");
    const imported = exec([...TOTEM, "import", join(m.dir, "root.layout"), "-o", policy]);
    expect(imported.status, imported.stderr).toBe(0);
    expect(readFileSync(policy, "utf8")).toContain('omit ["keyid"]');
    const compiled = join(m.dir, "compiled.layout");
    const c = exec([...TOTEM, "compile", policy, "--key", join(m.dir, "owner"), "-o", compiled]);
    expect(c.status, c.stderr).toBe(0);
    expect(referenceSignableBytes(compiled).equals(referenceSignableBytes(join(m.dir, "root.layout")))).toBe(true);
  });

  it("passes in both verifiers when only the keyed functionary's link is present", () => {
    expect(referenceVerdict(inTotoVerify(m.bobOnly, m.dir))).toBe("PASS");
    const r = totemVerify(m.bobOnly, m.dir);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it("fails in both verifiers when a link authorized by the keyless key is present", () => {
    const ref = inTotoVerify(m.both, m.dir);
    expect(ref.status).not.toBe(0);
    expect(ref.stderr).toContain("FormatError");
    const r = totemVerify(m.both, m.dir);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).failures.map((f: { code: string }) => f.code)).toEqual(["link-key-without-keyid"]);
  });
});

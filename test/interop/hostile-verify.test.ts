// Hostile evidence against both verifiers: in-toto-verify 1.3.1 is the judge of Totem's verdict.
// Every chain here is made by the reference's own Python libraries (in-toto 1.3.1, securesystemslib
// 0.26) with keys from in-toto-keygen, then checked by in-toto-verify and by totem verify:
//   - a link whose signature covers the file's own NON-canonical text (a number written -0; object
//     keys ordered by their escaped bytes) — 1.3.1 checks canonical(parsed value), so both must fail;
//   - one link file signed by two authorized keyids that share their first 8 characters (so they name
//     the same file) — 1.3.1 loads it for each and accepts; so must Totem;
//   - an expired layout verified with SOURCE_DATE_EPOCH set before its expiry — 1.3.1 ignores the
//     variable and fails; so must Totem (it dates outputs, never verdicts).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { exec, PY, refKeygen, referenceVerdict, TOTEM, tmp } from "./reference.js";

/** Writes root.layout and the links of one case, with the reference's libraries. */
const MAKE = String.raw`
import json, sys
from securesystemslib import interface, keys
from securesystemslib.formats import encode_canonical
from in_toto.models.layout import Layout, Step
from in_toto.models.metadata import Metablock

case, d = sys.argv[1], sys.argv[2]
owner = interface.import_ed25519_privatekey_from_file(d + "/owner")
bob = interface.import_ed25519_privatekey_from_file(d + "/bob")
carl = interface.import_ed25519_privatekey_from_file(d + "/carl")
pub = lambda k: {x: k[x] for x in ("keytype", "scheme", "keyid", "keyid_hash_algorithms") if x in k} | {"keyval": {"public": k["keyval"]["public"]}}

layout = Layout()
layout.set_relative_expiration(days=30)
step = Step(name="build")
step.threshold = 1
if case == "twins":
    k1, k2 = "abcdef01" + bob["keyid"][8:], "abcdef01" + carl["keyid"][8:]
    layout.keys = {k1: pub(bob) | {"keyid": k1}, k2: pub(carl) | {"keyid": k2}}
    step.pubkeys = [k1, k2]
    step.threshold = 2
else:
    layout.keys = {bob["keyid"]: pub(bob)}
    step.pubkeys = [bob["keyid"]]
if case == "expired":
    layout.expires = "2001-01-01T00:00:00Z"
layout.steps = [step]
metablock = Metablock(signed=layout)
metablock.sign(owner)
metablock.dump(d + "/root.layout")

signed = {"_type": "link", "byproducts": {"return-value": 0, "stderr": "", "stdout": ""}, "command": [],
          "environment": {}, "materials": {}, "name": "build", "products": {"out.bin": {"sha256": "ab" * 32}}}
canonical = encode_canonical(signed)
if case == "twins":
    sigs = [keys.create_signature(bob, canonical.encode()), keys.create_signature(carl, canonical.encode())]
    sigs[0]["keyid"], sigs[1]["keyid"] = k1, k2
    text = json.dumps({"signatures": sigs, "signed": signed}, sort_keys=True, indent=1)
    open(d + "/build." + k1[:8] + ".link", "w").write(text)
else:
    if case == "negative-zero":
        own = canonical.replace('"return-value":0', '"return-value":-0')
    elif case == "escaped-order":
        own = canonical.replace('"environment":{}', '"environment":{"aZ":1,"a\\"":2}')
    else:
        own = canonical
    assert case not in ("negative-zero", "escaped-order") or own != canonical
    sig = keys.create_signature(bob, own.encode())
    text = '{"signatures": [' + json.dumps(sig, sort_keys=True) + '], "signed": ' + own + '}'
    open(d + "/build." + bob["keyid"][:8] + ".link", "w").write(text)
`;

function makeCase(name: string): string {
  const dir = tmp(`totem-hostile-${name}-`);
  for (const k of ["owner", "bob", "carl"]) refKeygen(dir, k, "ed25519");
  writeFileSync(join(dir, "make.py"), MAKE);
  const r = exec([PY, join(dir, "make.py"), name, dir]);
  if (r.status !== 0) throw new Error(`making case ${name} failed: ${r.stderr}`);
  return dir;
}

function bothVerdicts(dir: string, env: Record<string, string> = {}): { reference: string; totem: string; totemOut: string } {
  const opts = { cwd: dir, env: { ...process.env, ...env } };
  const ref = exec(["in-toto-verify", "-l", "root.layout", "-k", "owner.pub", "-t", "ed25519"], opts);
  const totem = exec([...TOTEM, "verify", "-l", "root.layout", "-k", "owner.pub", "-t", "ed25519", "--json"], opts);
  const out = totem.status === 2 ? totem.stderr : totem.stdout;
  const failures = totem.status === 1 ? (JSON.parse(out).failures as { code: string }[]).map((f) => f.code).join(",") : "";
  return { reference: referenceVerdict(ref), totem: totem.status === 0 ? "PASS" : failures || `exit ${totem.status}`, totemOut: out };
}

describe("hostile evidence: totem verify reaches in-toto-verify 1.3.1's verdict", () => {
  const dirs: Record<string, string> = {};
  beforeAll(() => {
    for (const c of ["honest", "negative-zero", "escaped-order", "twins", "expired"]) dirs[c] = makeCase(c);
  }, 120_000);

  it("passes the honest chain in both", () => {
    expect(bothVerdicts(dirs.honest as string)).toMatchObject({ reference: "PASS", totem: "PASS" });
  });

  it.each(["negative-zero", "escaped-order"])("fails a link signed over its own non-canonical text (%s) in both", (c) => {
    const v = bothVerdicts(dirs[c] as string);
    expect(v.reference).toBe("ThresholdVerificationError");
    expect(v.totem).toBe("link-threshold");
  });

  it("accepts one link file signed by two authorized keyids sharing their first 8 characters in both", () => {
    expect(bothVerdicts(dirs.twins as string)).toMatchObject({ reference: "PASS", totem: "PASS" });
  });

  it("fails an expired layout in both, SOURCE_DATE_EPOCH set to before its expiry or not", () => {
    for (const env of [{}, { SOURCE_DATE_EPOCH: "946684800" }]) {
      const v = bothVerdicts(dirs.expired as string, env);
      expect(v.reference).toBe("LayoutExpiredError");
      expect(v.totem).toBe("layout-expired");
    }
  });
});

// Layouts made the way in-toto users make them — with the reference's own Python API (in-toto 1.3.1:
// `Layout.add_functionary_key_from_path`, securesystemslib's key importers, `Metablock.sign`) — come
// back exactly through `totem import` → `totem compile`, and the reference verifier accepts Totem's
// re-signed layout over links the reference recorded.
//
// Shapes covered, for RSA, ed25519 and ECDSA keys:
//   * Metablock: RSA keys from PEM carry `"keyval": {"private": "", "public": …}` (what
//     add_functionary_key_from_path writes); import writes `private ""`, compile gives it back.
//   * DSSE with in-toto 1.3 keyids and key objects (what in-toto ≥2 Python and in-toto-golang write):
//     the envelope in-toto ≥2 writes is built here around the 1.3.1 model, `json.dumps(…, sort_keys=True)`
//     as payload and PAE signatures by securesystemslib. Import guesses `in-toto-golang`, whose
//     compile writes DSSE again. in-toto-verify 1.3.1 reads no DSSE, so `totem verify` checks those.
//   * DSSE whose payload text ends with a newline: import names the form (`dsse-payload
//     "sorted-json-newline"`) and compile signs the same bytes again (PAE over the payload as written).
// Everything is generated in a scratch folder at test time; nothing from public repositories is used.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { canonicalString, type JsonValue } from "@totem/engine";
import { beforeAll, describe, expect, it } from "vitest";
import { exec, type KeyType, PY, referenceSignableBytes, refKeygen, TOTEM, tmp } from "./reference.js";

/** Writes root.layout (Metablock) and root.dsse.layout with the reference's layout API; argv: DIR KEYTYPE. */
const MAKE_LAYOUT = `
import attr, base64, binascii, json, sys
from in_toto.models.layout import Inspection, Layout, Step
from in_toto.models.metadata import Metablock
from securesystemslib import interface, keys

d, kt = sys.argv[1], sys.argv[2]
layout = Layout()
layout.set_relative_expiration(months=6)
layout.readme = "made with the in-toto 1.3.1 Python API"
if kt == "rsa":
  bob = layout.add_functionary_key_from_path(d + "/bob.pub")
  owner = interface.import_rsa_privatekey_from_file(d + "/owner")
elif kt == "ed25519":
  bob = layout.add_functionary_key(interface.import_ed25519_publickey_from_file(d + "/bob.pub"))
  owner = interface.import_ed25519_privatekey_from_file(d + "/owner")
else:
  bob = layout.add_functionary_key(interface.import_ecdsa_publickey_from_file(d + "/bob.pub"))
  owner = interface.import_ecdsa_privatekey_from_file(d + "/owner")
build = Step(name="build")
build.pubkeys = [bob["keyid"]]
build.set_expected_command_from_string("sh -c 'echo hi > out.txt'")
build.add_material_rule_from_string("DISALLOW *")
build.add_product_rule_from_string("CREATE out.txt")
build.add_product_rule_from_string("DISALLOW *")
layout.steps = [build]
check = Inspection(name="check", run=["test", "-f", "out.txt"])
check.add_material_rule_from_string("MATCH out.txt WITH PRODUCTS FROM build")
check.add_material_rule_from_string("ALLOW *")
layout.inspect = [check]

mb = Metablock(signed=layout)
mb.sign(owner)
mb.dump(d + "/root.layout")

def dsse(body, path):
  t = b"application/vnd.in-toto+json"
  sig = keys.create_signature(owner, b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body))
  env = {"payload": base64.b64encode(body).decode(), "payloadType": t.decode(),
         "signatures": [{"keyid": sig["keyid"], "sig": base64.b64encode(binascii.unhexlify(sig["sig"])).decode()}]}
  json.dump(env, open(path, "w"), indent=1)

body = json.dumps(attr.asdict(layout), sort_keys=True).encode()
dsse(body, d + "/root.dsse.layout")
# The same payload text ending with a newline, as in-toto-golang's dsse-only.root.layout has it.
dsse(body + b"\\n", d + "/root.dsse-newline.layout")
`;

interface Made {
  dir: string;
  type: KeyType;
}

const TYPES: KeyType[] = ["rsa", "ed25519", "ecdsa"];

/** Keys, both layouts and a link of step build recorded by in-toto-run 1.3.1, in one scratch folder. */
function make(type: KeyType): Made {
  const dir = tmp(`totem-real-shapes-${type}-`);
  refKeygen(dir, "owner", type);
  refKeygen(dir, "bob", type);
  const made = exec([PY, "-c", MAKE_LAYOUT, dir, type]);
  if (made.status !== 0) throw new Error(made.stderr);
  const run = exec(["in-toto-run", "-n", "build", "-k", join(dir, "bob"), "-t", type, "-p", "out.txt", "--", "sh", "-c", "echo hi > out.txt"], { cwd: dir });
  if (run.status !== 0) throw new Error(run.stderr);
  return { dir, type };
}

/** `totem import LAYOUT` then `totem compile` of the policy with the owner's key; returns the compiled file. */
function roundTrip(m: Made, layout: string): { compiled: string; importErr: string; policy: string } {
  const policy = join(m.dir, `${layout}.totem`);
  const imported = exec([...TOTEM, "import", join(m.dir, layout), "-o", policy]);
  if (imported.status !== 0) throw new Error(`totem import ${layout} failed: ${imported.stderr}`);
  const compiled = join(m.dir, `${layout}.totem-compiled`);
  const c = exec([...TOTEM, "compile", policy, "--key", join(m.dir, "owner"), "-o", compiled]);
  if (c.status !== 0) throw new Error(`totem compile ${policy} failed: ${c.stderr}`);
  return { compiled, importErr: imported.stderr, policy: readFileSync(policy, "utf8") };
}

const json = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Record<string, JsonValue>;
const dssePayload = (path: string) => Buffer.from(json(path).payload as string, "base64");

describe.each(TYPES)("a layout made with the reference's Python API (%s keys)", (type) => {
  let m: Made;
  let metablock: ReturnType<typeof roundTrip>;
  let dsse: ReturnType<typeof roundTrip>;
  let newline: ReturnType<typeof roundTrip>;
  beforeAll(() => {
    m = make(type);
    metablock = roundTrip(m, "root.layout");
    dsse = roundTrip(m, "root.dsse.layout");
    newline = roundTrip(m, "root.dsse-newline.layout");
  });

  it("imports the Metablock and compiles it back to the same payload, key shape included", () => {
    const { compiled, policy } = metablock;
    expect(policy).toContain('target "in-toto-1.3"');
    // add_functionary_key_from_path writes the empty private part for RSA only.
    if (type === "rsa") expect(policy).toContain('private ""');
    expect(canonicalString(json(compiled).signed as JsonValue)).toBe(canonicalString(json(join(m.dir, "root.layout")).signed as JsonValue));
    expect(referenceSignableBytes(compiled).equals(referenceSignableBytes(join(m.dir, "root.layout")))).toBe(true);
  });

  it("in-toto-verify 1.3.1 accepts Totem's re-signed layout over the reference's link", () => {
    const { compiled } = metablock;
    const r = exec(["in-toto-verify", "--layout", compiled, "--layout-keys", join(m.dir, "owner.pub"), "--key-types", type], { cwd: m.dir });
    expect(r.status, r.stderr).toBe(0);
  });

  it("imports the DSSE layout with 1.3 keyids as target in-toto-golang and compiles it back to the same payload bytes, as DSSE", () => {
    const { compiled, policy, importErr } = dsse;
    expect(policy).toContain('target "in-toto-golang"');
    expect(importErr).toContain("computed the in-toto 1.3 way and the envelope is DSSE");
    expect(importErr).not.toContain("import-dsse-form");
    expect(json(compiled).payloadType).toBe("application/vnd.in-toto+json");
    expect(dssePayload(compiled).equals(dssePayload(join(m.dir, "root.dsse.layout")))).toBe(true);
  });

  it("totem verify accepts the re-signed DSSE layout over the reference's link", () => {
    const { compiled } = dsse;
    const r = exec([...TOTEM, "verify", "--layout", compiled, "--layout-key", join(m.dir, "owner.pub"), "--links", m.dir, "--no-inspection-links"], { cwd: m.dir });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain("PASS");
  });

  it("imports a DSSE payload ending with a newline as dsse-payload \"sorted-json-newline\", compiles the same bytes, and totem verify accepts it", () => {
    const { compiled, policy, importErr } = newline;
    expect(policy).toContain('dsse-payload "sorted-json-newline"');
    expect(importErr).not.toContain("import-dsse-form");
    const original = dssePayload(join(m.dir, "root.dsse-newline.layout"));
    expect(original.at(-1)).toBe(0x0a);
    expect(dssePayload(compiled).equals(original)).toBe(true);
    const r = exec([...TOTEM, "verify", "--layout", compiled, "--layout-key", join(m.dir, "owner.pub"), "--links", m.dir, "--no-inspection-links"], { cwd: m.dir });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  });
});

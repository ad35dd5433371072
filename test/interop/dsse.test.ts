// The modern target (`target "in-toto"`: in-toto ≥2 / in-toto-golang keyids) end to end: the demo
// policy compiled by `totem compile` (as a DSSE envelope, and as a Metablock), its chain recorded by
// `totem run --target in-toto`, and both verifiers run on the result.
//
// EXPECTED DIVERGENCE, not a bug: in-toto-verify 1.3.1 rejects both layouts, while totem verify
// accepts them.
//   * DSSE: 1.3.1 has no DSSE support at all (it arrived in in-toto 1.4.0), so it stops with
//     "FormatError: Invalid Metadata format" before looking at any signature (SPEC-NOTES §1.2).
//   * Metablock with modern keyids: 1.3.1 recomputes the owner keyid its own way (hashing
//     `keyid_hash_algorithms`) and finds no signature under that id: "SignatureVerificationError:
//     No signature found for key '<1.3.1 keyid>'" (SPEC-NOTES §4.3, vector `modern-keyid`).
// `totem run` writes links as Metablocks only (it has no DSSE option); `--target in-toto` gives them
// modern keyids, so their file names match the layout's modern `pubkeys`.
import { appendFileSync, cpSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parsePublicKey, type Target } from "@totem/engine";
import { beforeAll, describe, expect, it } from "vitest";
import { type Chain, compileInto, exec, loadChain, PY, ROOT, referenceVerdict, TOTEM, tmp, verifyWith } from "./reference.js";

/**
 * The reference's own crypto (securesystemslib 0.26 under in-toto 1.3.1) checking an ed25519 DSSE
 * signature over PAE(payloadType, payload) (SPEC-NOTES §1.2); prints True or False per signature.
 */
const REFERENCE_PAE_CHECK = `
import base64, binascii, json, sys
from securesystemslib import interface, keys
env = json.load(open(sys.argv[1]))
key = interface.import_ed25519_publickey_from_file(sys.argv[2])
body = base64.b64decode(env["payload"])
t = env["payloadType"].encode()
pae = b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body)
for s in env["signatures"]:
  sig = {"keyid": key["keyid"], "sig": binascii.hexlify(base64.b64decode(s["sig"])).decode()}
  print(keys.verify_signature(key, sig, pae))
`;

/** The demo example copied to a scratch folder with its policy switched to the modern target. */
function modernDemo(): Chain {
  const dir = join(tmp("totem-modern-demo-"), "demo");
  cpSync(join(ROOT, "examples/demo"), dir, { recursive: true });
  const policy = join(dir, "demo.totem");
  const source = readFileSync(policy, "utf8");
  expect(source).toContain('target "in-toto-1.3"');
  writeFileSync(policy, source.replace('target "in-toto-1.3"', 'target "in-toto"'));
  return loadChain(dir);
}

/** Records every step with `totem run --target in-toto`; returns the folder of links and final products. */
function recordModern(chain: Chain): string {
  const out = tmp();
  const [work, final] = [join(out, "work"), join(out, "final")];
  for (const dir of [work, final]) mkdirSync(dir, { recursive: true });
  for (const s of chain.steps) {
    const paths = [...s.materials.flatMap((p) => ["-m", p]), ...s.products.flatMap((p) => ["-p", p])];
    const r = exec([...TOTEM, "run", "--target", "in-toto", "--step", s.step, "--key", join(chain.dir, s.key), ...paths, "--", ...s.command], { cwd: work });
    expect(r.status, r.stderr).toBe(0);
  }
  for (const f of readdirSync(work)) if (f.endsWith(".link")) renameSync(join(work, f), join(final, f));
  for (const f of chain.final) cpSync(join(work, f), join(final, f), { recursive: true });
  return final;
}

function keyid(pubPath: string, target: Target): string {
  const key = parsePublicKey(readFileSync(pubPath, "utf8"));
  if (!key.ok) throw new Error(key.error.message);
  return key.value.keyid(target);
}

describe("modern target (in-toto ≥2 keyids) against totem verify and in-toto-verify 1.3.1", () => {
  let chain: Chain;
  let recorded: string;

  beforeAll(() => {
    chain = modernDemo();
    recorded = recordModern(chain);
  });

  it("totem run --target in-toto names links with the functionaries' modern keyids", () => {
    const prefix = (key: string) => keyid(join(chain.dir, `${key}.pub`), "in-toto").slice(0, 8);
    const expected = chain.steps.map((s) => `${s.step}.${prefix(s.key)}.link`).sort();
    expect(readdirSync(recorded).filter((f) => f.endsWith(".link")).sort()).toEqual(expected);
    // The modern ids differ from the 1.3.1 ones, so a 1.3 layout would never find these files.
    expect(prefix("keys/bob")).not.toBe(keyid(join(chain.dir, "keys/bob.pub"), "in-toto-1.3").slice(0, 8));
  });

  /** Compiles the modern demo over a copy of the recorded chain and runs both verifiers on it. */
  function compileAndVerify(extraArgs: string[]) {
    const final = tmp();
    cpSync(recorded, final, { recursive: true });
    const { layout, pub } = compileInto(chain, final, { extraArgs });
    const file = JSON.parse(readFileSync(layout, "utf8"));
    const run = (verifier: "totem" | "in-toto") => verifyWith(final, { verifier, pubs: [basename(pub)], types: ["ed25519"] });
    const totem = run("totem");
    expect(totem.stdout, totem.stderr).toMatch(/^PASS root\.layout/);
    expect(totem.status).toBe(0);
    return { final, layout, pub, file, signedBy: file.signatures.map((s: { keyid: string }) => s.keyid), reference: run("in-toto"), run };
  }

  it("a DSSE layout: totem verify passes, in-toto-verify 1.3.1 cannot read DSSE (FormatError)", () => {
    const { final, layout, pub, file, signedBy, reference, run } = compileAndVerify(["--envelope", "dsse"]);
    expect(file.payloadType).toBe("application/vnd.in-toto+json");
    expect(signedBy).toEqual([keyid(pub, "in-toto")]);

    // The reference's own PAE check (securesystemslib crypto) accepts the DSSE signature bytes.
    const pae = exec([PY, "-c", REFERENCE_PAE_CHECK, layout, pub]);
    expect(pae.stdout, pae.stderr).toBe("True\n");

    expect(referenceVerdict(reference)).toBe("FormatError");
    expect(reference.stderr).toContain("FormatError: Invalid Metadata format");

    // Tampering with the product makes totem verify fail too: the PASS above is a real verdict.
    appendFileSync(join(final, chain.tamper), "tampered\n");
    const bad = run("totem");
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^FAIL root\.layout/);
  });

  it("a Metablock layout with modern keyids: totem verify passes, 1.3.1 finds no signature under its keyid", () => {
    const { pub, file, signedBy, reference } = compileAndVerify([]);
    expect(file.signed._type).toBe("layout");
    expect(signedBy).toEqual([keyid(pub, "in-toto")]);
    expect(referenceVerdict(reference)).toBe("SignatureVerificationError");
    expect(reference.stderr).toContain(`No signature found for key '${keyid(pub, "in-toto-1.3")}'`);
  });
});

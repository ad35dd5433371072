// GPG (OpenPGP) functionaries against the reference in-toto 1.3.1: keys made in a throwaway GnuPG
// home (RSA with a signing subkey, DSA, ed25519, and one valid only in 2020), links recorded with
// `in-toto-run --gpg KEYID --gpg-home DIR`, layouts made with the reference's Python API
// (`add_functionary_key_from_gpg_keyid`, `Metablock.sign_gpg`), and `totem verify -g KEYID
// --gpg-home DIR` must give in-toto-verify's verdict: a pass; a tampered artifact; a link by an
// unauthorized GPG key (under its own name and renamed to an authorized one); a layout signed by
// another key; an expired layout; a link by an expired GPG key; and the pass case's link signed by
// the authorized key's signing subkey. Also: Totem reads the exported keys exactly as
// securesystemslib's export_pubkey does.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { canonicalString, gpgKeyToJson, isGpgKey, type JsonValue, readGpgPublicKey } from "@totem/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ThrowawayGnupg } from "../support/gnupg.js";
import { exec, PY, referenceSignableBytes, referenceVerdict, TOTEM, tmp } from "./reference.js";

let gnupg: ThrowawayGnupg;
let home: string;
let work: string;
const fpr: Record<string, string> = {};

const gpg = (args: string[], input?: string) => gnupg.run(args, input);
const fingerprint = (uid: string) => gnupg.fingerprint(uid);
const subkeyFingerprints = (uid: string) => gnupg.subkeyFingerprints(uid);

/** The reference's Python API under /usr/bin/python3, with GNUPGHOME-free arguments. */
function python(script: string, args: string[], cwd = work): void {
  const r = exec([PY, "-c", script, ...args], { cwd });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
}

const MAKE_LAYOUT = `
import sys, json
from in_toto.models.layout import Layout, Step
from in_toto.models.metadata import Metablock
out, home, owner, expires, spec = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], json.loads(sys.argv[5])
layout = Layout()
layout.expires = expires
for s in spec:
    step = Step(name=s["name"])
    for k in s["keys"]:
        key = layout.add_functionary_key_from_gpg_keyid(k, gpg_home=home)
        step.pubkeys.append(key["keyid"])
    step.expected_materials = s["materials"]
    step.expected_products = s["products"]
    step.expected_command = ["true"]
    layout.steps.append(step)
mb = Metablock(signed=layout)
mb.sign_gpg(owner, gpg_home=home)
mb.dump(out)
`;

/** Runs in-toto-run for one step in `tree`, writing the link into `links`. */
function refRun(tree: string, links: string, step: string, keyid: string, opts: { materials?: string[]; products?: string[]; gnupg?: string }): void {
  const argv = ["in-toto-run", "-n", step, "--gpg", keyid, "--gpg-home", home, "-d", links];
  if (opts.materials?.length) argv.push("-m", ...opts.materials);
  if (opts.products?.length) argv.push("-p", ...opts.products);
  argv.push("--", "true");
  const env = { ...process.env, ...(opts.gnupg ? { GNUPG: opts.gnupg } : {}) };
  const r = exec(argv, { cwd: tree, env });
  if (r.status !== 0) throw new Error(`in-toto-run ${step} failed: ${r.stderr}`);
}

const SPEC = (keys: { write: string; pack: string; review: string }) => [
  { name: "write", keys: [keys.write], materials: [], products: [["CREATE", "src/a.txt"], ["DISALLOW", "*"]] },
  {
    name: "package",
    keys: [keys.pack],
    materials: [["MATCH", "src/a.txt", "WITH", "PRODUCTS", "FROM", "write"], ["DISALLOW", "*"]],
    products: [["CREATE", "out.txt"], ["DISALLOW", "*"]],
  },
  { name: "review", keys: [keys.review], materials: [["MATCH", "out.txt", "WITH", "PRODUCTS", "FROM", "package"], ["DISALLOW", "*"]], products: [] },
];

/** A tree with the step's artifacts and a links directory beside it; returns [tree, links]. */
function chainDirs(name: string): [string, string] {
  const tree = join(work, name, "tree");
  const links = join(work, name, "links");
  mkdirSync(join(tree, "src"), { recursive: true });
  mkdirSync(links, { recursive: true });
  writeFileSync(join(tree, "src/a.txt"), "a\n");
  writeFileSync(join(tree, "out.txt"), "packaged a\n");
  return [tree, links];
}

/** Records the three steps; `change` runs between package and review (to tamper with an artifact). */
function recordChain(name: string, keys: { write: string; pack: string; review: string }, change?: (tree: string) => void): string {
  const [tree, links] = chainDirs(name);
  refRun(tree, links, "write", keys.write, { products: ["src/a.txt"] });
  refRun(tree, links, "package", keys.pack, { materials: ["src/a.txt"], products: ["out.txt"] });
  change?.(tree);
  refRun(tree, links, "review", keys.review, { materials: ["out.txt"] });
  return links;
}

function makeLayout(path: string, signer: string, expires: string, keys: { write: string; pack: string; review: string }): void {
  python(MAKE_LAYOUT, [path, home, signer, expires, JSON.stringify(SPEC(keys))]);
}

function verdicts(layout: string, links: string, owner: string): { reference: string; totem: { status: number | null; codes: string[] } } {
  const ref = exec(["in-toto-verify", "-l", layout, "-g", owner, "--gpg-home", home, "--link-dir", links], { cwd: links });
  const t = exec([...TOTEM, "verify", "-l", layout, "-g", owner, "--gpg-home", home, "-d", links, "--json", "--no-inspection-links"], { cwd: links });
  let codes: string[] = [];
  try {
    codes = (JSON.parse(t.stdout) as { failures: { code: string }[] }).failures.map((f) => f.code);
  } catch {
    codes = [`unparsable: ${t.stderr.trim()}`];
  }
  return { reference: referenceVerdict(ref), totem: { status: t.status, codes } };
}

const FUTURE = "2099-01-01T00:00:00Z";
let keys: { write: string; pack: string; review: string };
let layout: string;
let pass: string;

/** Lets the test worker's event loop run between long synchronous gpg and Python calls (vitest's RPC). */
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeAll(async () => {
  gnupg = new ThrowawayGnupg();
  home = gnupg.home;
  work = tmp("totem-gpg-");
  for (const [name, algo] of [["Owner", "ed25519"], ["Alice", "rsa2048"], ["Bob", "dsa2048"], ["Carol", "ed25519"], ["Mallory", "ed25519"]]) {
    gpg(["--quick-gen-key", `${name} <${(name as string).toLowerCase()}@example.org>`, algo as string, "sign", "never"]);
    await tick();
  }
  for (const who of ["owner", "alice", "bob", "carol", "mallory"]) fpr[who] = fingerprint(`${who}@example.org`);
  const more: string[][] = [
    // Alice signs with a subkey: gpg picks the newest signing subkey for --local-user MASTER.
    ["--quick-add-key", fpr.alice as string, "rsa2048", "sign", "never"],
    ["--quick-add-key", fpr.alice as string, "rsa2048", "encr", "never"],
    // Bob's DSA key has an ElGamal encryption subkey, an algorithm securesystemslib leaves out.
    ["--quick-add-key", fpr.bob as string, "elg2048", "encr", "never"],
    // Dave's key was valid for one day in 2020: made, and used, with gpg's clock set back.
    ["--faked-system-time", "20200101T000000!", "--quick-gen-key", "Dave <dave@example.org>", "rsa2048", "sign", "1d"],
    // Erin's ed25519 key expires and has a signing subkey, which securesystemslib 0.26 cannot see:
    // it hashes gpg's short (1-byte length) key packets with the wrong header (keys/gpg-packets.ts).
    ["--quick-gen-key", "Erin <erin@example.org>", "ed25519", "sign", "2y"],
  ];
  for (const args of more) {
    gpg(args);
    await tick();
  }
  fpr.erin = fingerprint("erin@example.org");
  gpg(["--quick-add-key", fpr.erin, "ed25519", "sign", "1y"]);
  fpr.dave = fingerprint("dave@example.org");
  const past = join(home, "gpg-2020");
  writeFileSync(past, `#!/bin/sh\nexec gpg --faked-system-time 20200101T000000! "$@"\n`, { mode: 0o755 });
  fpr.past = past;
  keys = { write: fpr.alice as string, pack: fpr.bob as string, review: fpr.carol as string };
  layout = join(work, "root.layout");
  await tick();
  makeLayout(layout, fpr.owner as string, FUTURE, keys);
  await tick();
  pass = recordChain("pass", keys);
});

afterAll(() => {
  gnupg.dispose();
});

describe("GPG keys from a GnuPG home", () => {
  it("reads each exported key as securesystemslib's export_pubkey does (RSA with subkeys, DSA with an ElGamal subkey, ed25519, expired, and ed25519 whose validity and subkeys 1.3.1 cannot see)", async () => {
    for (const who of ["alice", "bob", "carol", "dave", "erin"]) {
      const id = fpr[who] as string;
      const exported = spawnSync("gpg", ["--homedir", home, "--export", id]).stdout;
      const mine = await readGpgPublicKey(new Uint8Array(exported), id);
      if (!mine.ok || !isGpgKey(mine.value)) throw new Error(`${who}: ${mine.ok ? "not a GPG key" : mine.error.message}`);
      const script = "import sys, json\nfrom securesystemslib.gpg.functions import export_pubkey\nprint(json.dumps(export_pubkey(sys.argv[1], homedir=sys.argv[2])))";
      const ref = exec([PY, "-c", script, id, home]);
      expect(ref.status, ref.stderr).toBe(0);
      expect(canonicalString(gpgKeyToJson(mine.value))).toBe(canonicalString(JSON.parse(ref.stdout) as JsonValue));
    }
  });

  it("names Alice's links after her signing subkey, which the layout lists only under her master key", () => {
    const [signing] = subkeyFingerprints("alice@example.org");
    const names = readdirSync(pass);
    expect(names).toContain(`write.${(signing as string).slice(0, 8).toLowerCase()}.link`);
    const layoutKeys = (JSON.parse(readFileSync(layout, "utf8")) as { signed: { keys: Record<string, { subkeys?: object }> } }).signed.keys;
    expect(Object.keys(layoutKeys[(fpr.alice as string).toLowerCase()]?.subkeys ?? {})).toHaveLength(2);
  });
});

describe("totem verify --gpg gives in-toto-verify's verdict", () => {
  it("passes a chain of RSA (signing subkey), DSA and ed25519 links", () => {
    const v = verdicts(layout, pass, fpr.owner as string);
    expect(v.reference).toBe("PASS");
    expect(v.totem).toEqual({ status: 0, codes: [] });
  });

  it("fails an artifact changed between two steps", () => {
    const links = recordChain("tampered", keys, (tree) => writeFileSync(join(tree, "out.txt"), "changed\n"));
    const v = verdicts(layout, links, fpr.owner as string);
    expect(v.reference).toBe("RuleVerificationError");
    expect(v.totem.status).toBe(1);
    expect(v.totem.codes.length).toBeGreaterThan(0);
  });

  it("fails a step recorded by an unauthorized GPG key, under its own name and renamed to an authorized one", () => {
    const links = recordChain("unauthorized", { ...keys, pack: fpr.mallory as string });
    let v = verdicts(layout, links, fpr.owner as string);
    expect(v.reference).toBe("LinkNotFoundError");
    expect(v.totem).toEqual({ status: 1, codes: ["link-missing"] });
    const own = readdirSync(links).find((n) => n.startsWith("package.")) as string;
    copyFileSync(join(links, own), join(links, `package.${(fpr.bob as string).slice(0, 8).toLowerCase()}.link`));
    rmSync(join(links, own));
    v = verdicts(layout, links, fpr.owner as string);
    expect(v.reference).toBe("ThresholdVerificationError");
    expect(v.totem).toEqual({ status: 1, codes: ["link-threshold"] });
  });

  it("fails a layout signed by another GPG key than the one given", () => {
    const other = join(work, "other.layout");
    makeLayout(other, fpr.mallory as string, FUTURE, keys);
    const v = verdicts(other, pass, fpr.owner as string);
    expect(v.reference).toBe("SignatureVerificationError");
    expect(v.totem).toEqual({ status: 1, codes: ["layout-signature-missing"] });
  });

  it("fails an expired layout", () => {
    const expired = join(work, "expired.layout");
    makeLayout(expired, fpr.owner as string, "2020-01-01T00:00:00Z", keys);
    const v = verdicts(expired, pass, fpr.owner as string);
    expect(v.reference).toBe("LayoutExpiredError");
    expect(v.totem).toEqual({ status: 1, codes: ["layout-expired"] });
  });

  it("skips a link signed by a GPG key that has expired, and fails its step", () => {
    const withDave = { ...keys, review: fpr.dave as string };
    const daveLayout = join(work, "dave.layout");
    makeLayout(daveLayout, fpr.owner as string, FUTURE, withDave);
    const [tree, links] = chainDirs("expired-key");
    refRun(tree, links, "write", keys.write, { products: ["src/a.txt"] });
    refRun(tree, links, "package", keys.pack, { materials: ["src/a.txt"], products: ["out.txt"] });
    refRun(tree, links, "review", fpr.dave as string, { materials: ["out.txt"], gnupg: fpr.past as string });
    const v = verdicts(daveLayout, links, fpr.owner as string);
    expect(v.reference).toBe("ThresholdVerificationError");
    expect(v.totem).toEqual({ status: 1, codes: ["link-threshold"] });
  });

  it("fails a layout whose GPG signing key has expired", () => {
    const old = join(work, "old-owner.layout");
    const r = exec([PY, "-c", MAKE_LAYOUT, old, home, fpr.dave as string, FUTURE, JSON.stringify(SPEC(keys))], {
      cwd: work,
      env: { ...process.env, GNUPG: fpr.past as string },
    });
    expect(r.status, r.stderr).toBe(0);
    const v = verdicts(old, pass, fpr.dave as string);
    expect(v.reference).toBe("KeyExpirationError");
    expect(v.totem.status).toBe(1);
    expect(v.totem.codes).toEqual(["layout-key-expired"]);
  });
});

describe("Totem writes what in-toto 1.3.1 reads with GPG keys", () => {
  it("writes with totem gpg-key the key object the reference's layout API puts into layouts", () => {
    const made = exec([...TOTEM, "gpg-key", fpr.alice as string, "--gpg-home", home]);
    expect(made.status, made.stderr).toBe(0);
    const inLayout = (JSON.parse(readFileSync(layout, "utf8")) as { signed: { keys: Record<string, JsonValue> } }).signed.keys[(fpr.alice as string).toLowerCase()];
    expect(canonicalString(JSON.parse(made.stdout) as JsonValue)).toBe(canonicalString(inLayout as JsonValue));
    // --from an exported keyring (armored, several keys) reads the same key, as a policy's `key gpg … from` does.
    const dir = tmp("totem-gpg-from-");
    writeFileSync(join(dir, "team.asc"), gpg(["--armor", "--export"]));
    const fromFile = exec([...TOTEM, "gpg-key", fpr.alice as string, "--from", "team.asc"], { cwd: dir });
    expect(fromFile.status, fromFile.stderr).toBe(0);
    expect(fromFile.stdout).toBe(made.stdout);
    const missing = exec([...TOTEM, "gpg-key", "AB".repeat(20), "--from", "team.asc"], { cwd: dir });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("team.asc: ");
  });

  it("records links with totem run --gpg that in-toto-verify accepts, named as in-toto-run names them", () => {
    const [tree, links] = chainDirs("totem-run");
    const run = (step: string, keyid: string, args: string[]) => {
      const r = exec([...TOTEM, "run", "-n", step, "--gpg", keyid, "--gpg-home", home, "-d", links, ...args, "--", "true"], { cwd: tree });
      expect(r.status, r.stderr).toBe(0);
    };
    run("write", keys.write, ["-p", "src/a.txt"]);
    run("package", keys.pack, ["-m", "src/a.txt", "-p", "out.txt"]);
    run("review", keys.review, ["-m", "out.txt"]);
    expect(readdirSync(links).sort()).toEqual(readdirSync(pass).sort());
    const v = verdicts(layout, links, fpr.owner as string);
    expect(v.reference).toBe("PASS");
    expect(v.totem).toEqual({ status: 0, codes: [] });
  });

  it("records a step in two halves with totem record --gpg as in-toto-record --gpg does (the link named after the master key)", () => {
    const recorded: Record<string, string[]> = {};
    for (const tool of ["totem", "in-toto"] as const) {
      const [tree, links] = chainDirs(`record-${tool}`);
      for (const name of readdirSync(pass)) if (!name.startsWith("write.")) copyFileSync(join(pass, name), join(links, name));
      const record = (half: "start" | "stop", artifacts: string[]) => {
        const argv = tool === "totem" ? [...TOTEM, "record", half] : ["in-toto-record", half];
        // in-toto-record writes into its working directory (it has no -d).
        const r = exec([...argv, "-n", "write", "--gpg", keys.write, "--gpg-home", home, ...artifacts], { cwd: tree });
        expect(r.status, r.stderr).toBe(0);
      };
      record("start", []);
      record("stop", ["-p", "src/a.txt"]);
      recorded[tool] = readdirSync(tree).filter((n) => n.includes(".link")).sort();
      for (const name of recorded[tool] ?? []) copyFileSync(join(tree, name), join(links, name));
      const v = verdicts(layout, links, fpr.owner as string);
      expect(v.reference).toBe("PASS");
      expect(v.totem).toEqual({ status: 0, codes: [] });
    }
    expect(recorded.totem).toEqual(recorded["in-toto"]);
    expect(recorded.totem).toEqual([`write.${(fpr.alice as string).slice(0, 8).toLowerCase()}.link`]);
  });

  it("imports a GPG layout made by the reference API, compiles it back byte for byte, and in-toto-verify accepts it signed by totem sign --gpg", () => {
    const dir = join(work, "import");
    mkdirSync(dir);
    const imported = exec([...TOTEM, "import", layout, "-o", join(dir, "root.totem")]);
    expect(imported.status, imported.stderr).toBe(0);
    // One GPG key file per functionary: GPG keys have no inline form.
    const keyFiles = readdirSync(join(dir, "keys"));
    expect(keyFiles).toHaveLength(3);
    expect(keyFiles.every((n) => n.endsWith(".gpg.json"))).toBe(true);
    const unsigned = join(dir, "unsigned.layout");
    const compiled = exec([...TOTEM, "compile", join(dir, "root.totem"), "-o", unsigned]);
    expect(compiled.status, compiled.stderr).toBe(0);
    expect(referenceSignableBytes(unsigned).equals(referenceSignableBytes(layout))).toBe(true);
    const signed = join(dir, "root.layout");
    const sign = exec([...TOTEM, "sign", unsigned, "--gpg", fpr.owner as string, "--gpg-home", home, "-o", signed]);
    expect(sign.status, sign.stderr).toBe(0);
    let v = verdicts(signed, pass, fpr.owner as string);
    expect(v.reference).toBe("PASS");
    expect(v.totem).toEqual({ status: 0, codes: [] });
    // compile --gpg signs in one go.
    const direct = join(dir, "direct.layout");
    const both = exec([...TOTEM, "compile", join(dir, "root.totem"), "--gpg", fpr.owner as string, "--gpg-home", home, "-o", direct]);
    expect(both.status, both.stderr).toBe(0);
    v = verdicts(direct, pass, fpr.owner as string);
    expect(v.reference).toBe("PASS");
    expect(v.totem).toEqual({ status: 0, codes: [] });
  });
});

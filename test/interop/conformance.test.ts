// Issue 5's parity proof: a real chain is built with the reference tools (fixtures/make-chain.sh:
// in-toto-keygen, in-toto-run, in-toto-record, in-toto-sign; ed25519, RSA and ECDSA functionaries, a
// threshold-2 step, an inspection, every rule kind), then tampered in the ways supply chains break.
// For each variant both in-toto-verify 1.3.1 and `totem verify` run on the same folder, and the test
// asserts they reach the same verdict for the same reason.
import { cpSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type Exec, ROOT, TOTEM, exec, referenceVerdict, tmp } from "./reference.js";

// biome-ignore lint/suspicious/noExplicitAny: the tests edit arbitrary in-toto JSON documents
type Json = Record<string, any>;
interface Variant {
  dir: string;
  keys: string;
  layoutKeys: { path: string; type: string }[];
}

let base: string; // output of make-chain.sh: keys/, work/, final/
const KEYS = () => join(base, "keys");

beforeAll(() => {
  base = tmp("totem-conformance-");
  rmSync(base, { recursive: true });
  const r = exec(["bash", join(ROOT, "test/interop/fixtures/make-chain.sh"), base, "--owner-type", "ed25519"]);
  if (r.status !== 0) throw new Error(`make-chain.sh failed:\n${r.stdout}\n${r.stderr}`);
}, 300_000);

/** A fresh copy of the verified final product folder. */
function variant(): Variant {
  const dir = tmp("totem-variant-");
  cpSync(join(base, "final"), dir, { recursive: true });
  return { dir, keys: KEYS(), layoutKeys: [{ path: "alice.pub", type: "ed25519" }] };
}
const readJson = (path: string): Json => JSON.parse(readFileSync(path, "utf8"));
const writeJson = (path: string, value: Json) => writeFileSync(path, JSON.stringify(value, null, 1));
function linkFile(v: Variant, step: string, n = 0): string {
  const files = readdirSync(v.dir).filter((f) => f.startsWith(`${step}.`) && f.endsWith(".link")).sort();
  return join(v.dir, files[n]!);
}
function mustRun(argv: string[], cwd?: string) {
  const r = exec(argv, cwd ? { cwd } : {});
  if (r.status !== 0) throw new Error(`${argv.join(" ")} failed: ${r.stderr}`);
}
/** Edits a layout's payload and re-signs it with the reference in-toto-sign (replacing signatures). */
function editLayout(v: Variant, edit: (signed: Json) => void, signers = [["alice", "ed25519"]]) {
  const path = join(v.dir, "root.layout");
  const mb = readJson(path);
  edit(mb.signed);
  writeJson(path, { signed: mb.signed, signatures: [] });
  const keys = signers.map(([name]) => join(v.keys, name!));
  mustRun(["in-toto-sign", "-f", path, "-k", ...keys, "-t", ...signers.map(([, t]) => t!), "-o", path]);
}
/** Edits a link's payload and re-signs it with the given functionary key (reference in-toto-sign). */
function editLink(path: string, edit: (signed: Json) => void, signer: [string, string]) {
  const mb = readJson(path);
  edit(mb.signed);
  writeJson(path, { signed: mb.signed, signatures: [] });
  mustRun(["in-toto-sign", "-f", path, "-k", join(KEYS(), signer[0]), "-t", signer[1], "-o", path]);
}

interface Verdicts {
  reference: string;
  totem: { status: number | null; codes: string[]; stages: string[]; json: Json | undefined };
}
/** Runs both verifiers on scratch copies of the variant. */
function verifyBoth(v: Variant): Verdicts {
  const scratch = (): string => {
    const d = tmp("totem-verify-");
    cpSync(v.dir, d, { recursive: true });
    return d;
  };
  const ref: Exec = exec(
    ["in-toto-verify", "--layout", "root.layout", "--layout-keys", ...v.layoutKeys.map((k) => k.path), "--key-types", ...v.layoutKeys.map((k) => k.type)],
    { cwd: scratch() },
  );
  const ours = exec(
    [...TOTEM, "verify", "--layout", "root.layout", ...v.layoutKeys.flatMap((k) => ["--layout-key", k.path]), "--links", ".", "--json"],
    { cwd: scratch() },
  );
  let json: Json | undefined;
  try {
    json = JSON.parse(ours.stdout);
  } catch {
    json = undefined;
  }
  const failures: Json[] = json?.failures ?? [];
  return {
    reference: referenceVerdict(ref),
    totem: { status: ours.status, codes: failures.map((f) => f.code), stages: failures.map((f) => String(f.stage)), json },
  };
}

/**
 * What each reference outcome means, as the Totem failure code that must come first. The classes are
 * in-toto 1.3.1's exception names (SPEC-NOTES §7); Totem's codes are documented in docs/cli.md.
 */
const REASON: Record<string, RegExp> = {
  SignatureVerificationError: /^layout-signature-(missing|invalid)$/,
  LayoutExpiredError: /^layout-expired$/,
  LinkNotFoundError: /^link-missing$/,
  ThresholdVerificationError: /^(link-threshold|threshold-artifacts-differ)$/,
  RuleVerificationError: /^rule-(disallow|require)$/,
  BadReturnValueError: /^inspection-failed$/,
};

function expectSameVerdict(v: Variant, expected: string) {
  const got = verifyBoth(v);
  expect(got.reference, "the reference verdict on this variant").toBe(expected);
  if (expected === "PASS") {
    expect(got.totem.status, JSON.stringify(got.totem.json?.failures)).toBe(0);
    expect(got.totem.json?.passed).toBe(true);
    return;
  }
  expect(got.totem.status, "totem verify exits 1 when the chain fails").toBe(1);
  expect(got.totem.codes[0], `Totem failures: ${JSON.stringify(got.totem.json?.failures)}`).toMatch(REASON[expected]!);
}

describe("verification parity with in-toto-verify 1.3.1", () => {
  it("passes the untouched chain (ed25519, RSA and ECDSA functionaries, threshold 2, inspection)", () => {
    expectSameVerdict(variant(), "PASS");
  });

  it("fails a final product that was rebuilt from modified sources", () => {
    const v = variant();
    const work = tmp("totem-evil-");
    mustRun(["sh", "-c", `mkdir -p src && printf 'evil\\n' > src/foo.py && mkdir -p dist && tar -cf - src | gzip -n > ${join(v.dir, "dist/foo.tar.gz")}`], work);
    expectSameVerdict(v, "RuleVerificationError");
  });

  it("fails when the layout key is not the one that signed", () => {
    const v = variant();
    cpSync(join(v.keys, "bob.pub"), join(v.dir, "bob.pub"));
    v.layoutKeys = [{ path: "bob.pub", type: "ed25519" }];
    expectSameVerdict(v, "SignatureVerificationError");
  });

  it("fails an expired layout", () => {
    const v = variant();
    editLayout(v, (s) => {
      s.expires = "2020-01-01T00:00:00Z";
    });
    expectSameVerdict(v, "LayoutExpiredError");
  });

  it("fails when a step's link is missing", () => {
    const v = variant();
    unlinkSync(linkFile(v, "clone"));
    expectSameVerdict(v, "LinkNotFoundError");
  });

  it("fails a threshold-2 step with one link", () => {
    const v = variant();
    unlinkSync(linkFile(v, "build", 1));
    expectSameVerdict(v, "LinkNotFoundError");
  });

  it("fails a layout whose signature was altered", () => {
    const v = variant();
    const path = join(v.dir, "root.layout");
    const mb = readJson(path);
    const sig: string = mb.signatures[0].sig;
    mb.signatures[0].sig = (sig[0] === "a" ? "b" : "a") + sig.slice(1);
    writeJson(path, mb);
    expectSameVerdict(v, "SignatureVerificationError");
  });

  it("fails a link whose payload changed after signing (a threshold failure, as in 1.3.1)", () => {
    const v = variant();
    const path = linkFile(v, "clone");
    const mb = readJson(path);
    mb.signed.products["src/evil.sh"] = { sha256: "0".repeat(64) };
    writeJson(path, mb);
    expectSameVerdict(v, "ThresholdVerificationError");
  });

  it("fails a link signed by a functionary not authorized for the step", () => {
    const v = variant();
    editLink(linkFile(v, "clone"), () => {}, ["carl", "rsa"]);
    expectSameVerdict(v, "ThresholdVerificationError");
  });

  it("fails threshold links that disagree on artifacts", () => {
    const v = variant();
    editLink(linkFile(v, "build", 0), (s) => {
      const [first] = Object.keys(s.products);
      s.products[first!] = { sha256: "1".repeat(64) };
    }, signerOf(v, linkFile(v, "build", 0)));
    expectSameVerdict(v, "ThresholdVerificationError");
  });

  it("fails an extra product that only DISALLOW * sees", () => {
    const v = variant();
    editLink(linkFile(v, "clone"), (s) => {
      s.products["evil.sh"] = { sha256: "2".repeat(64) };
    }, ["bob", "ed25519"]);
    expectSameVerdict(v, "RuleVerificationError");
  });

  it("fails a REQUIRE whose path is absent", () => {
    const v = variant();
    editLink(linkFile(v, "test"), (s) => {
      delete s.materials["src/foo.py"];
    }, ["dave", "ecdsa"]);
    expectSameVerdict(v, "RuleVerificationError");
  });

  it("fails an inspection that exits non-zero", () => {
    const v = variant();
    editLayout(v, (s) => {
      s.inspect[0].run = ["false"];
    });
    expectSameVerdict(v, "BadReturnValueError");
  });

  it("passes non-ASCII artifact names, and fails them under DISALLOW", () => {
    const ok = variant();
    editLink(linkFile(ok, "clone"), (s) => {
      s.products["src/ünïcödé-😀.txt"] = { sha256: "3".repeat(64) };
    }, ["bob", "ed25519"]);
    expectSameVerdict(ok, "PASS");
    const bad = variant();
    editLink(linkFile(bad, "clone"), (s) => {
      s.products["ｄｏｃｓ/😀.md"] = { sha256: "3".repeat(64) };
    }, ["bob", "ed25519"]);
    expectSameVerdict(bad, "RuleVerificationError");
  });

  it("requires every given layout key to have signed (multi-signature layouts)", () => {
    const v = variant();
    editLayout(v, () => {}, [["alice", "ed25519"], ["dave", "ecdsa"]]);
    cpSync(join(v.keys, "dave.pub"), join(v.dir, "dave.pub"));
    v.layoutKeys = [{ path: "alice.pub", type: "ed25519" }, { path: "dave.pub", type: "ecdsa" }];
    expectSameVerdict(v, "PASS");
    editLayout(v, () => {}, [["alice", "ed25519"]]);
    expectSameVerdict(v, "SignatureVerificationError");
  });

  it("passes a step whose evidence is a sublayout signed by its functionary", () => {
    const v = variant();
    const root = readJson(join(v.dir, "root.layout")).signed;
    const cloneLink = linkFile(v, "clone");
    const bobId: string = root.steps[0].pubkeys[0];
    const subDir = join(v.dir, `clone.${bobId.slice(0, 8)}`);
    cpSync(cloneLink, join(subDir, `clone-inner.${bobId.slice(0, 8)}.link`));
    unlinkSync(cloneLink);
    const sub = {
      _type: "layout",
      expires: root.expires,
      readme: "the clone step, delegated",
      keys: { [bobId]: root.keys[bobId] },
      steps: [{ _type: "step", name: "clone-inner", threshold: 1, pubkeys: [bobId], expected_command: [],
        expected_materials: [], expected_products: [["CREATE", "src/*"], ["DISALLOW", "*"]] }],
      inspect: [],
    };
    writeJson(cloneLink, { signed: sub, signatures: [] });
    mustRun(["in-toto-sign", "-f", cloneLink, "-k", join(v.keys, "bob"), "-t", "ed25519", "-o", cloneLink]);
    expectSameVerdict(v, "PASS");
  });

  it.each(["rsa", "ecdsa"])("passes a chain whose layout is signed with a %s owner key", (type) => {
    const dir = tmp("totem-owner-");
    rmSync(dir, { recursive: true });
    const r = exec(["bash", join(ROOT, "test/interop/fixtures/make-chain.sh"), dir, "--owner-type", type]);
    expect(r.status, r.stderr).toBe(0);
    expectSameVerdict({ dir: join(dir, "final"), keys: join(dir, "keys"), layoutKeys: [{ path: "alice.pub", type }] }, "PASS");
  });
});

/** The functionary key that signed a link, found by its keyid prefix in the file name. */
function signerOf(v: Variant, path: string): [string, string] {
  for (const [name, type] of [["bob", "ed25519"], ["carl", "rsa"], ["dave", "ecdsa"]] as const) {
    const r = exec(["/usr/bin/python3", "-c",
      "import sys\nfrom securesystemslib import interface as I\nprint(list(I.import_publickeys_from_file([sys.argv[1]],[sys.argv[2]]).keys())[0])",
      join(v.keys, `${name}.pub`), type]);
    if (path.includes(`.${r.stdout.trim().slice(0, 8)}.link`)) return [name, type];
  }
  throw new Error(`no known signer for ${path}`);
}

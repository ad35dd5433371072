// Inspection links side by side: in-toto-verify 1.3.1 and `totem verify` run on copies of the same
// folder (the chain the reference tools recorded in packages/engine/test/fixtures/chains/reference-1.3.1,
// its layout extended with more inspections and re-signed by the reference in-toto-sign), and every
// file each of them wrote is compared. 1.3.1 writes `<inspection>.link` into its cwd
// (persist_inspection_links, SPEC-NOTES §7 step 11); Totem writes the same bytes plus a final newline.
//
// EXPECTED DIVERGENCE, not a bug: for an inspection named "../escape" 1.3.1 writes `../escape.link`
// outside the folder it verifies; Totem writes nothing and warns (inspection-link-not-written).
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exec, ROOT, refKeygen, referenceVerdict, TOTEM, tmp } from "./reference.js";

const CHAIN = join(ROOT, "packages/engine/test/fixtures/chains/reference-1.3.1");

// biome-ignore lint/suspicious/noExplicitAny: the test edits an arbitrary in-toto layout document
type Json = Record<string, any>;

/** What one verifier did in its own copy: its verdict and the link files it added, with their text. */
interface Outcome {
  verdict: string;
  /** Totem's warning codes (none for the reference). */
  warnings: string[];
  added: Map<string, string>;
}

/** A copy of the chain without the files its inspection's DISALLOW * rejects. */
function chainCopy(): string {
  const dir = tmp("totem-inspect-chain-");
  cpSync(CHAIN, dir, { recursive: true, filter: (src) => !/(README\.md|dave\.key)$/.test(src) });
  return dir;
}

/** `*.link` files (relative to `root`, folders recursed) present now and not in `before`, with their text. */
function addedLinks(root: string, before: Set<string>): Map<string, string> {
  const added = new Map<string, string>();
  for (const rel of readdirSync(root, { recursive: true, encoding: "utf8" })) {
    if (rel.endsWith(".link") && !before.has(rel)) added.set(rel, readFileSync(join(root, rel), "utf8"));
  }
  return added;
}

/** Runs one verifier, with the layout key `key`, in a copy of `folder` inside a parent folder of its own. */
function run(verifier: "in-toto" | "totem", folder: string, key: string): Outcome {
  const parent = tmp("totem-inspect-interop-");
  const dir = join(parent, "work");
  cpSync(folder, dir, { recursive: true });
  const before = new Set(readdirSync(parent, { recursive: true, encoding: "utf8" }));
  const argv =
    verifier === "totem"
      ? [...TOTEM, "verify", "--layout", "root.layout", "--layout-key", key, "--links", ".", "--json"]
      : ["in-toto-verify", "--layout", "root.layout", "--layout-keys", key, "--key-types", "ed25519"];
  const r = exec(argv, { cwd: dir });
  if (verifier === "in-toto") return { verdict: referenceVerdict(r), warnings: [], added: addedLinks(parent, before) };
  const report = JSON.parse(r.stdout) as Json;
  const verdict = r.status === 0 ? "PASS" : report.failures[0]?.code;
  return { verdict, warnings: report.warnings.map((w: Json) => w.code), added: addedLinks(parent, before) };
}

/** Replaces the layout's inspections after `unpack` and re-signs it with a fresh owner key (reference tools). */
function withInspections(inspections: { name: string; run: string[] }[]): (dir: string) => string {
  return (dir) => {
    const keys = tmp("totem-inspect-keys-");
    const owner = refKeygen(keys, "owner", "ed25519");
    cpSync(`${owner}.pub`, join(dir, "owner.pub"));
    const path = join(dir, "root.layout");
    const signed = (JSON.parse(readFileSync(path, "utf8")) as Json).signed;
    const allowAll = [["ALLOW", "*"]];
    signed.inspect = [signed.inspect[0], ...inspections.map((i) => ({ _type: "inspection", ...i, expected_materials: allowAll, expected_products: allowAll }))];
    writeFileSync(path, JSON.stringify({ signatures: [], signed }, null, 1));
    const r = exec(["in-toto-sign", "-f", path, "-k", owner, "-t", "ed25519", "-o", path]);
    if (r.status !== 0) throw new Error(`in-toto-sign failed: ${r.stderr}`);
    return "owner.pub";
  };
}

/** Both verifiers, each on its own copy of the same folder (`prepare` edits it and names the layout key). */
function compare(prepare: (dir: string) => string): { reference: Outcome; totem: Outcome } {
  const folder = chainCopy();
  const key = prepare(folder);
  return { reference: run("in-toto", folder, key), totem: run("totem", folder, key) };
}

/** Totem wrote each of `names` with exactly the text 1.3.1 wrote, plus the final newline. */
function expectSameLinks(got: { reference: Outcome; totem: Outcome }, names: string[]) {
  expect([...got.reference.added.keys()].sort()).toEqual(names.map((n) => `work/${n}.link`).sort());
  expect([...got.totem.added.keys()].sort()).toEqual([...got.reference.added.keys()].sort());
  for (const [file, text] of got.reference.added) expect(got.totem.added.get(file), file).toBe(`${text}\n`);
}

describe("inspection links: in-toto-verify 1.3.1 and totem verify write the same files", () => {
  it("writes unpack.link for the reference chain's inspection", () => {
    const got = compare(() => "alice.pub");
    expect([got.reference.verdict, got.totem.verdict]).toEqual(["PASS", "PASS"]);
    expectSameLinks(got, ["unpack"]);
  });

  it("writes one link per inspection, none recording an earlier inspection's link", () => {
    const got = compare(withInspections([
      { name: "make", run: ["sh", "-c", "echo made > made.txt"] },
      { name: "look", run: ["ls"] },
    ]));
    expect([got.reference.verdict, got.totem.verdict]).toEqual(["PASS", "PASS"]);
    expectSameLinks(got, ["unpack", "make", "look"]);
    const look = JSON.parse(got.totem.added.get("work/look.link") ?? "{}") as Json;
    expect(Object.keys(look.signed.materials)).not.toContain("make.link");
    expect(Object.keys(look.signed.products)).toContain("made.txt");
  });

  it("writes no link for an inspection that exits non-zero, nor for the ones after it", () => {
    const got = compare(withInspections([
      { name: "broken", run: ["false"] },
      { name: "never", run: ["true"] },
    ]));
    expect([got.reference.verdict, got.totem.verdict]).toEqual(["BadReturnValueError", "inspection-failed"]);
    expectSameLinks(got, ["unpack"]);
  });

  it("diverges on a name that leaves the folder: 1.3.1 writes ../escape.link, Totem warns and writes nothing", () => {
    const got = compare(withInspections([{ name: "../escape", run: ["true"] }]));
    expect([got.reference.verdict, got.totem.verdict]).toEqual(["PASS", "PASS"]);
    expect([...got.reference.added.keys()].sort()).toEqual(["escape.link", "work/unpack.link"]);
    expect([...got.totem.added.keys()]).toEqual(["work/unpack.link"]);
    expect(got.totem.warnings).toEqual(["inspection-link-not-written"]);
    expect(got.totem.added.get("work/unpack.link")).toBe(`${got.reference.added.get("work/unpack.link")}\n`);
  });
});

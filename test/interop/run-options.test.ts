// `totem run` / `totem record` and the reference in-toto-run / in-toto-record 1.3.1 given the same
// artifact options (`-m a b`, `-p`, `--exclude`, `--base-path`, `--lstrip-paths`) on copies of one
// tree: the signed payloads' materials and products must be equal, key for key and hash for hash.
// Option errors: both refuse and write no link (1.3.1 exits 1 with a PrefixError or ValueError;
// Totem exits 2, as for every bad flag). Last, in-toto-verify accepts a link Totem recorded with
// these options, checked by a layout whose rules name the stripped keys.
// Paths below `..` (`-m ../src`) exercise the default excludes there too (`../src/a.pyc` is left out,
// as 1.3.1's gitwildmatch leaves it out).
//
// EXPECTED DIVERGENCES, not bugs: repeated `-m a -m b` adds up in Totem (argparse keeps the last);
// the same file reached twice through overlapping arguments is not a collision in Totem (1.3.1
// raises PrefixError for it whenever --lstrip-paths is given).
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { exec, PY, refKeygen, referenceVerdict, TOTEM, tmp } from "./reference.js";

// biome-ignore lint/suspicious/noExplicitAny: link payloads are compared as plain JSON
type Json = Record<string, any>;

const TREE: Record<string, string> = {
  "src/a.c": "a\n",
  "src/lib/b.c": "b\n",
  "src/a.pyc": "compiled\n",
  "build/out/app": "app\n",
  "build/out/lib/b.c": "built b\n",
  "docs/readme.md": "docs\n",
  "docs/old.md~": "backup\n",
  "file.txt": "f\n",
};

let keys: string;
let key: string;
let source: string;
beforeAll(() => {
  keys = tmp("totem-run-opts-keys-");
  key = refKeygen(keys, "bob", "ed25519");
  refKeygen(keys, "alice", "ed25519");
  source = tmp("totem-run-opts-tree-");
  for (const [f, content] of Object.entries(TREE)) {
    mkdirSync(join(source, f, ".."), { recursive: true });
    writeFileSync(join(source, f), content);
  }
});

/** A fresh copy of the tree. */
function copy(): string {
  const dir = tmp("totem-run-opts-");
  cpSync(source, dir, { recursive: true });
  return dir;
}

/** The payloads of the `*.link` files in dir, by file name. */
function links(dir: string): Json[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".link"))
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")).signed);
}

/** The same command line for both tools, as a CI script written for in-toto-run would have it. */
const argv = (flags: string[]) => [
  ...(flags.includes("--step-name") ? [] : ["-n", "s"]),
  ...["-k", key, "-t", "ed25519", ...flags],
  ...(flags.includes("-x") ? [] : ["--", "true"]),
];
const refRun = (flags: string[]) => ["in-toto-run", ...argv(flags)];
const totemRun = (flags: string[]) => [...TOTEM, "run", ...argv(flags)];

describe("totem run signs the payload in-toto-run 1.3.1 signs for the same command line", () => {
  it.each<[string[]]>([
    [["-m", "src", "docs", "-p", "build"]],
    [["-m", "src", "file.txt", "-p", ".", "--exclude", "src", "*.md"]],
    [["--base-path", "build", "-m", "out", "-p", "."]],
    [["--base-path", "build/out", "-m", "./lib/../app", "lib", "-p", "../../src"]],
    [["--lstrip-paths", "build/out/", "src/", "-m", "src/a.c", "docs", "-p", "build/out/app"]],
    [["--lstrip-paths", "src", "-m", "src"]],
    [["--lstrip-paths", "src/a.c", "-m", "src"]],
    [["--base-path", "build", "--lstrip-paths", "out/lib/", "../", "-m", "out", "../src"]],
    [["-x", "-m", "src", "-p", "docs", "--lstrip-paths", "src/", "docs/"]],
    [["--step-name", "s2", "--metadata-directory", "build", "--products", "build/out", "--record-streams"]],
  ])("%j", (flags) => {
    const ref = copy();
    const ours = copy();
    const r = exec(refRun(flags), { cwd: ref });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const t = exec(totemRun(flags), { cwd: ours });
    expect(t.status, t.stderr).toBe(0);
    const out = flags.includes("--metadata-directory") ? "build" : ".";
    const [expected] = links(join(ref, out));
    const [got] = links(join(ours, out));
    expect(Object.keys(expected?.materials ?? {}).length + Object.keys(expected?.products ?? {}).length).toBeGreaterThan(0);
    expect(got).toEqual(expected);
  });

  it.each([
    ["overlapping prefixes", ["--lstrip-paths", "src/", "src/lib/", "-m", "src"], "PrefixError"],
    ["a collision", ["--lstrip-paths", "src/", "build/out/", "-m", "src", "build"], "PrefixError"],
    ["a missing --base-path", ["--base-path", "nope", "-m", "src"], "ValueError"],
  ])("refuses %s like the reference, writing no link", (_name, flags, refError) => {
    const ref = copy();
    const ours = copy();
    const r = exec(refRun(flags), { cwd: ref });
    expect(r.stderr).toContain(refError);
    expect(r.status).toBe(1);
    const t = exec(totemRun(flags), { cwd: ours });
    expect(t.stderr).toMatch(/^totem: --/);
    expect(t.status).toBe(2);
    expect([links(ref), links(ours)]).toEqual([[], []]);
  });
});

describe("an expected divergence", () => {
  it("records one file reached through two arguments once, where 1.3.1 raises PrefixError", () => {
    const ref = copy();
    const ours = copy();
    const flags = ["--lstrip-paths", "x/", "-m", "src", "src/a.c"];
    const r = exec(refRun(flags), { cwd: ref });
    expect(r.stderr).toContain("PrefixError: Prefix selection has resulted in non unique dictionary key 'src/a.c'");
    expect(links(ref)).toEqual([]);
    const t = exec(totemRun(flags), { cwd: ours });
    expect(t.status, t.stderr).toBe(0);
    expect(Object.keys(links(ours)[0]?.materials ?? {})).toEqual(["src/a.c", "src/lib/b.c"]);
  });
});

describe("totem record signs the payload in-toto-record 1.3.1 signs for the same command lines", () => {
  it("matches start and stop with --base-path and --lstrip-paths", () => {
    const ref = copy();
    const ours = copy();
    const start = ["start", "-n", "edit", "-k", key, "-t", "ed25519", "--base-path", "build", "--lstrip-paths", "out/", "-m", "out", "../src"];
    const stop = ["stop", "--step-name", "edit", "-k", key, "-t", "ed25519", "--lstrip-paths", "src/", "--products", "src", "docs"];
    for (const half of [start, stop]) {
      const r = exec(["in-toto-record", ...half], { cwd: ref });
      expect(r.status, r.stderr).toBe(0);
      const t = exec([...TOTEM, "record", ...half], { cwd: ours });
      expect(t.status, t.stderr).toBe(0);
    }
    const [expected] = links(ref);
    const [got] = links(ours);
    expect(Object.keys(expected?.products ?? {})).toContain("lib/b.c");
    expect(got).toEqual(expected);
    expect(got?.command).toEqual([]);
    expect(Object.keys(got?.materials ?? {})).not.toContain("../src/a.pyc");
  });
});

describe("in-toto-verify 1.3.1 and a link totem run recorded with these options", () => {
  it("accepts it under a layout whose rules name the stripped keys", () => {
    const dir = copy();
    const t = exec(totemRun(["--base-path", "build", "--lstrip-paths", "out/", "-m", "../src", "-p", "out"]), { cwd: dir });
    expect(t.status, t.stderr).toBe(0);
    // The layout is built and signed by the reference library (alice owns it, bob is the functionary).
    const script = `
import sys
from in_toto.models.layout import Layout, Step
from in_toto.models.metadata import Metablock
from securesystemslib.interface import import_ed25519_privatekey_from_file, import_ed25519_publickey_from_file
keys, required = sys.argv[1], sys.argv[2]
layout = Layout()
layout.set_relative_expiration(days=30)
bob = layout.add_functionary_key(import_ed25519_publickey_from_file(keys + "/bob.pub"))
step = Step(name="s", pubkeys=[bob["keyid"]], threshold=1)
step.expected_materials = [["REQUIRE", "../src/a.c"], ["ALLOW", "../src/*"], ["DISALLOW", "*"]]
step.expected_products = [["REQUIRE", required], ["REQUIRE", "lib/b.c"], ["ALLOW", "app"], ["ALLOW", "lib/*"], ["DISALLOW", "*"]]
layout.steps = [step]
block = Metablock(signed=layout)
block.sign(import_ed25519_privatekey_from_file(keys + "/alice"))
block.dump("root.layout")
`;
    const verdict = (required: string) => {
      const made = exec([PY, "-c", script, keys, required], { cwd: dir });
      expect(made.status, made.stderr).toBe(0);
      const r = exec(["in-toto-verify", "--layout", "root.layout", "--layout-keys", join(keys, "alice.pub"), "--key-types", "ed25519"], { cwd: dir });
      return referenceVerdict(r);
    };
    expect(verdict("app")).toBe("PASS");
    // The unstripped name is not in the link: the same layout requiring it fails (the check has teeth).
    expect(verdict("out/app")).toBe("RuleVerificationError");
  });
});

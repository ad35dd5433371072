// `totem run` and `totem record` with in-toto-run 1.3.1's artifact options: `-m/-p` with several
// values, `--base-path`, `--lstrip-paths` (SPEC-NOTES §10). The recorded keys of every successful
// case are in the golden file run-options-keys.txt; errors exit 2 and write nothing.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { expectGolden, listing, runCli, tempDir } from "./run-cli.js";

const TREE: Record<string, string> = {
  "src/a.c": "a\n",
  "src/lib/b.c": "b\n",
  "build/out/app": "app\n",
  "build/out/lib/b.c": "built b\n",
  "docs/readme.md": "docs\n",
  "file.txt": "f\n",
};

let key: string;
beforeAll(async () => {
  const keys = tempDir("totem-run-opts-keys-");
  expect((await runCli(["keygen", "k"], { cwd: keys })).code).toBe(0);
  key = join(keys, "k");
});

/** A fresh working tree with TREE in it. */
function tree(): string {
  const dir = tempDir("totem-run-opts-");
  for (const [f, content] of Object.entries(TREE)) {
    mkdirSync(join(dir, f, ".."), { recursive: true });
    writeFileSync(join(dir, f), content);
  }
  return dir;
}

/** The signed link payload of the only `*.link` file in dir. */
function linkIn(dir: string): { materials: Record<string, unknown>; products: Record<string, unknown>; command: string[] } {
  const files = readdirSync(dir).filter((f) => f.endsWith(".link"));
  expect(files).toHaveLength(1);
  return JSON.parse(readFileSync(join(dir, files[0] as string), "utf8")).signed;
}

const keysOf = (side: Record<string, unknown>) => Object.keys(side).sort().join(" ");

/** Runs totem with argv (`KEY` replaced by the key path) in a fresh tree; returns that tree. */
async function recorded(argv: string[]): Promise<{ dir: string; line: string }> {
  const dir = tree();
  const r = await runCli(
    argv.map((a) => (a === "KEY" ? key : a)),
    { cwd: dir },
  );
  expect(r.stderr).toMatch(/^totem: recorded step/);
  expect(r.code).toBe(0);
  const link = linkIn(dir);
  const line = `$ totem ${argv.join(" ")}\n  materials: ${keysOf(link.materials)}\n  products:  ${keysOf(link.products)}\n`;
  return { dir, line };
}

const RUN = ["run", "-n", "s", "-k", "KEY"];

describe("totem run with in-toto-run's artifact options", () => {
  it("records the keys in-toto-run 1.3.1 records for the same options", async () => {
    const cases = [
      [...RUN, "-m", "src", "docs", "-p", "build", "--", "true"],
      [...RUN, "-m", "src", "-m", "docs", "-p", "build", "--", "true"],
      [...RUN, "--materials", "src", "file.txt", "--products", ".", "--exclude", "src", "docs", "--", "true"],
      [...RUN, "--base-path", "build", "-m", "out", "-p", ".", "--", "true"],
      [...RUN, "--base-path", "build/out", "-m", "./lib/../app", "lib", "--", "true"],
      [...RUN, "--lstrip-paths", "build/out/", "src/", "-m", "src/a.c", "docs", "-p", "build/out/app", "--", "true"],
      [...RUN, "--lstrip-paths", "src", "-m", "src", "--", "true"],
      [...RUN, "--base-path", "build", "--lstrip-paths", "out/lib/", "-m", "out", "--", "true"],
    ];
    let golden = "";
    for (const argv of cases) golden += (await recorded(argv)).line;
    expectGolden("run-options-keys.txt", golden);
  });

  it("gives -m a b and -m a -m b the same link bytes", async () => {
    const one = await recorded([...RUN, "-m", "src", "docs", "--", "true"]);
    const two = await recorded([...RUN, "-m", "src", "-m", "docs", "--", "true"]);
    const text = (dir: string) => readFileSync(join(dir, readdirSync(dir).find((f) => f.endsWith(".link")) as string), "utf8");
    expect(text(one.dir)).toBe(text(two.dir));
  });

  it("still runs the command after -- when -m has several values", async () => {
    const { dir } = await recorded([...RUN, "-m", "src", "docs", "-p", "out.txt", "--", "sh", "-c", "echo hi > out.txt"]);
    expect(linkIn(dir).command).toEqual(["sh", "-c", "echo hi > out.txt"]);
    expect(Object.keys(linkIn(dir).products)).toEqual(["out.txt"]);
  });

  it("runs the command in the current directory, not in --base-path", async () => {
    const { dir } = await recorded([...RUN, "--base-path", "build", "-p", ".", "--", "sh", "-c", "echo here > ran.txt"]);
    expect(existsSync(join(dir, "ran.txt"))).toBe(true);
    expect(existsSync(join(dir, "build/ran.txt"))).toBe(false);
    expect(keysOf(linkIn(dir).products)).toBe("out/app out/lib/b.c");
  });
});

describe("errors write nothing and exit 2", () => {
  const cases: [string, string[], string][] = [
    ["a --base-path that does not exist", ["--base-path", "nope", "-m", "src"], "--base-path 'nope' is not a directory"],
    ["a --base-path that is a file", ["--base-path", "file.txt", "-m", "src"], "--base-path 'file.txt' is not a directory"],
    [
      "prefixes where one starts with the other",
      ["--lstrip-paths", "src/", "src/lib/", "-m", "src"],
      "--lstrip-paths 'src/' and 'src/lib/': one is a prefix of the other",
    ],
    ["a prefix given twice", ["--lstrip-paths", "src/", "src/", "-m", "src"], "--lstrip-paths 'src/' and 'src/'"],
    [
      "materials that collide once stripped",
      ["--lstrip-paths", "src/", "build/out/", "-m", "src", "build"],
      "--lstrip-paths turns both 'build/out/lib/b.c' and 'src/lib/b.c' into the artifact 'lib/b.c'",
    ],
    [
      "a stripped key equal to another recorded path",
      ["--lstrip-paths", "src/", "-m", "src/a.c", "a.c"],
      "the artifact 'a.c'",
    ],
  ];
  it.each(cases)("rejects %s before running the command", async (_name, flags, message) => {
    const dir = tree();
    if (flags.includes("a.c")) writeFileSync(join(dir, "a.c"), "top\n");
    const before = listing(dir);
    const r = await runCli([...RUN.map((a) => (a === "KEY" ? key : a)), ...flags, "--", "sh", "-c", "echo x > ran.txt"], { cwd: dir });
    expect(r.stderr).toContain(message);
    expect(r.code).toBe(2);
    expect(listing(dir)).toEqual(before);
  });

  it("rejects products that collide once stripped, after the command ran, writing no link", async () => {
    const dir = tree();
    const r = await runCli(
      [...RUN.map((a) => (a === "KEY" ? key : a)), "--lstrip-paths", "src/", "build/out/", "-p", "src", "build", "--", "sh", "-c", "echo x > ran.txt"],
      { cwd: dir },
    );
    expect(r.stderr).toContain("into the artifact 'lib/b.c'");
    expect(r.stderr).toContain("the command ran, but no link was written");
    expect(r.code).toBe(2);
    expect(existsSync(join(dir, "ran.txt"))).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes(".link"))).toEqual([]);
  });
});

describe("totem record with in-toto-record's artifact options", () => {
  it("records start materials and stop products with --base-path and --lstrip-paths", async () => {
    const dir = tree();
    const rec = (half: string, ...flags: string[]) => runCli(["record", half, "-n", "edit", "-k", key, ...flags], { cwd: dir });
    const start = await rec("start", "--base-path", "build", "--lstrip-paths", "out/", "-m", "out", "../src");
    expect(start.stderr).toContain("4 materials");
    expect(start.code).toBe(0);
    const stop = await rec("stop", "--lstrip-paths", "src/", "--products", "src", "docs");
    expect(stop.code).toBe(0);
    const link = linkIn(dir);
    expect(keysOf(link.materials)).toBe("../src/a.c ../src/lib/b.c app lib/b.c");
    expect(keysOf(link.products)).toBe("a.c docs/readme.md lib/b.c");
  });

  it("has -m only on start and -p only on stop, as in-toto-record", async () => {
    const dir = tree();
    const start = await runCli(["record", "start", "-n", "edit", "-k", key, "-p", "src"], { cwd: dir });
    expect(start.stderr).toContain("unknown option '-p'");
    expect(start.code).toBe(2);
    const stop = await runCli(["record", "stop", "-n", "edit", "-k", key, "-m", "src"], { cwd: dir });
    expect(stop.stderr).toContain("unknown option '-m'");
    expect(stop.code).toBe(2);
    expect(readdirSync(dir).filter((f) => f.includes(".link"))).toEqual([]);
  });

  it("rejects overlapping prefixes at stop and keeps the unfinished link", async () => {
    const dir = tree();
    expect((await runCli(["record", "start", "-n", "edit", "-k", key, "-m", "src"], { cwd: dir })).code).toBe(0);
    const before = listing(dir);
    const stop = await runCli(["record", "stop", "-n", "edit", "-k", key, "--lstrip-paths", "a", "ab", "-p", "src"], { cwd: dir });
    expect(stop.stderr).toContain("--lstrip-paths 'a' and 'ab'");
    expect(stop.code).toBe(2);
    expect(listing(dir)).toEqual(before);
  });
});

describe("the rest of in-toto-run's command line", () => {
  const run = (dir: string, ...argv: string[]) => runCli(["run", ...argv.map((a) => (a === "KEY" ? key : a))], { cwd: dir });

  it("records a sign-off with -x: no command run, command [] and byproducts {}", async () => {
    const dir = tree();
    const r = await run(dir, "-n", "sign-off", "-k", "KEY", "-x", "-m", "src");
    expect(r.code).toBe(0);
    const link = linkIn(dir) as unknown as Record<string, unknown>;
    expect([link.command, link.byproducts, keysOf(link.materials as Record<string, unknown>)]).toEqual([[], {}, "src/a.c src/lib/b.c"]);
  });

  it.each([
    ["-x and a command", ["-x", "--", "sh", "-c", "echo x > ran.txt"], "-x/--no-command and a command: give one of them"],
    ["no command and no -x", [], "no command to run: give it after --, or -x to record without one"],
    ["--step and --step-name", ["--step-name", "t", "--", "true"], "give the step name once: --step or --step-name"],
    ["a --key-type that is not the key's", ["-t", "rsa", "--", "true"], "--key-type rsa: '"],
  ])("rejects %s with exit 2, writing nothing", async (_name, flags, message) => {
    const dir = tree();
    const before = listing(dir);
    const r = await run(dir, "-n", "s", "-k", "KEY", ...flags);
    expect(r.stderr).toContain(message);
    expect(r.code).toBe(2);
    expect(listing(dir)).toEqual(before);
  });

  it("requires a step name, by either spelling", async () => {
    const dir = tree();
    const r = await run(dir, "-k", "KEY", "--", "true");
    expect(r.stderr).toBe("totem: required option '-n, --step <name>' not specified\n");
    expect(r.code).toBe(2);
    const named = await run(dir, "--step-name", "build", "-k", "KEY", "-t", "ed25519", "--", "true");
    expect(named.code).toBe(0);
    expect(readdirSync(dir).filter((f) => f.endsWith(".link"))).toEqual([expect.stringMatching(/^build\.[0-9a-f]{8}\.link$/)]);
  });

  it("accepts --step-name and -t for record start and stop", async () => {
    const dir = tree();
    const rec = (half: string, ...flags: string[]) => runCli(["record", half, "--step-name", "e", "-k", key, "-t", "ed25519", ...flags], { cwd: dir });
    expect((await rec("start", "-m", "src")).code).toBe(0);
    expect((await rec("stop", "-p", "docs")).code).toBe(0);
    expect(keysOf(linkIn(dir).products)).toBe("docs/readme.md");
  });
});

// `totem init --from-links` end to end through main(argv): a chain recorded with `totem run` gives a
// strict policy (golden file) that is formatted, checks clean and verifies the chain it came from;
// tampering the chain afterwards makes it fail; missing keys and existing outputs are refused.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, type CliRun, runCli, tempDir } from "./run-cli.js";

let dir: string;
async function ok(argv: string[]): Promise<CliRun> {
  const r = await runCli(argv, { cwd: dir });
  expect(r.stderr + r.stdout, argv.join(" ")).not.toMatch(/totem: (error|cannot|warning)/);
  expect(r.code).toBe(0);
  return r;
}

beforeAll(async () => {
  dir = tempDir("totem-init-");
  mkdirSync(join(dir, "keys"));
  mkdirSync(join(dir, "links"));
  for (const name of ["alice", "bob", "carol"]) await ok(["keygen", `keys/${name}`]);
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src/main.c"), "int main(void) { return 0; }\n");
  writeFileSync(join(dir, "src/util.c"), "int util;\n");
  writeFileSync(join(dir, "README"), "readme\n");
  await ok(["run", "--step", "fetch", "--key", "keys/alice", "-p", "src", "-d", "links", "-x"]);
  await ok(["run", "--step", "build", "--key", "keys/bob", "-m", "src", "README", "-p", "src", "app", "-d", "links", "--", "sh", "-c", "echo built > app && echo '// v2' >> src/util.c"]);
  for (const key of ["alice", "carol"]) await ok(["run", "--step", "release", "--key", `keys/${key}`, "-m", "app", "-p", "app", "app.sha256", "-d", "links", "--", "sh", "-c", "sha256sum app > app.sha256"]);
});

describe("totem init --from-links", () => {
  it("infers a strict, formatted policy that checks clean and verifies the chain it came from", async () => {
    const r = await ok(["init", "--from-links", "links", "--keys-dir", "keys", "-o", "root.totem", "--name", "inferred"]);
    expect(r.stderr).toBe("wrote root.totem: 3 steps (fetch, build, release); it checks clean and verifies links. Review it before signing.\n");
    const text = readFileSync(join(dir, "root.totem"), "utf8");
    const path = join(FIXTURES, "init", "inferred.totem");
    if (process.env.TOTEM_UPDATE_GOLDEN === "1" || !existsSync(path)) writeFileSync(path, text);
    expect(text).toBe(readFileSync(path, "utf8"));
    expect((await runCli(["check", "root.totem"], { cwd: dir })).stdout).toBe("");
    await ok(["fmt", "--check", "root.totem"]);
    writeFileSync(join(dir, "root.totem-test"), 'test "recorded" {\n  links "links"\n  expect pass\n}\n');
    await ok(["test", "root.totem-test"]);
  });

  it("prints with --stdout, and refuses to overwrite a file", async () => {
    writeFileSync(join(dir, "taken.totem"), "mine\n");
    const r = await runCli(["init", "--from-links", "links", "--keys-dir", "keys", "-o", "taken.totem"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(readFileSync(join(dir, "taken.totem"), "utf8")).toBe("mine\n");
    const out = await ok(["init", "--from-links", "links", "--keys-dir", "keys", "--stdout", "--name", "inferred"]);
    expect(out.stdout).toBe(readFileSync(join(FIXTURES, "init", "inferred.totem"), "utf8"));
  });

  it("names the signers it has no key for (exit 2)", async () => {
    const r = await runCli(["init", "--from-links", "links", "--stdout"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^totem: cannot infer a policy from links:\n {2}build\.[0-9a-f]{8}\.link: no key given for its signer [0-9a-f]{8}\n/);
    expect(r.stderr).toContain("(give the public keys' folder with --keys-dir)");
  });
});

describe("totem init --from-links: patterns and inspections", () => {
  let at: string;
  beforeAll(async () => {
    at = tempDir("totem-init-patterns-");
    const run = async (argv: string[]) => expect((await runCli(argv, { cwd: at })).code, argv.join(" ")).toBe(0);
    mkdirSync(join(at, "keys"));
    mkdirSync(join(at, "links"));
    for (const name of ["alice", "bob"]) await run(["keygen", `keys/${name}`]);
    // build writes a tree of four new files under out/; package reads them all.
    await run(["run", "--step", "build", "--key", "keys/alice", "-p", "out", "-d", "links", "--", "sh", "-c", "mkdir -p out/sub && for f in a b d sub/c; do echo $f > out/$f; done"]);
    await run(["run", "--step", "package", "--key", "keys/bob", "-m", "out", "-p", "pkg", "-d", "links", "--", "sh", "-c", "cat out/a out/b out/d out/sub/c > pkg"]);
    // An inspection link as verification leaves it: `check.link`, unsigned.
    await run(["run", "--step", "check", "--key", "keys/bob", "-m", "pkg", "-p", "pkg", "report", "-d", "links", "--", "sh", "-c", "wc -c pkg > report"]);
    const signed = readdirSync(join(at, "links")).find((f) => f.startsWith("check.")) as string;
    const envelope = JSON.parse(readFileSync(join(at, "links", signed), "utf8"));
    writeFileSync(join(at, "links", "check.link"), JSON.stringify({ ...envelope, signatures: [] }));
    rmSync(join(at, "links", signed));
  });

  it("writes dir/* for many new files under one directory, infers the inspection, and still verifies the chain", async () => {
    const r = await runCli(["init", "--from-links", "links", "--keys-dir", "keys", "--stdout", "--name", "patterns"], { cwd: at });
    // The inspection's command comes from an unsigned link: said on stderr and above it in the policy.
    expect(r.stderr).toBe(
      'totem: warning: inspection check runs ["sh","-c","wc -c pkg > report"], taken from the unsigned links/check.link: every verifier runs it; check it before signing\n',
    );
    expect(r.code).toBe(0);
    const path = join(FIXTURES, "init", "patterns.totem");
    if (process.env.TOTEM_UPDATE_GOLDEN === "1" || !existsSync(path)) writeFileSync(path, r.stdout);
    expect(r.stdout).toBe(readFileSync(path, "utf8"));
    expect(r.stdout).toContain('create "out/*"');
    expect(r.stdout).toContain('match "out/*" with products from build');
    expect(r.stdout).toContain("inspection check {");
    expect(r.stdout).toContain("# UNSIGNED: this command comes from check.link");
  });

  it("says inspections must be added by hand when the folder holds no inspection links", async () => {
    rmSync(join(at, "links", "check.link"));
    const r = await runCli(["init", "--from-links", "links", "--keys-dir", "keys", "--stdout"], { cwd: at });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("the links folder holds no inspection links, so none were inferred; add them by hand");
    expect(r.stdout).not.toMatch(/^\s*inspection \w+ \{/m);
  });
});

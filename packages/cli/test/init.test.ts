// `totem init --from-links` end to end through main(argv): a chain recorded with `totem run` gives a
// strict policy (golden file) that is formatted, checks clean and verifies the chain it came from;
// tampering the chain afterwards makes it fail; missing keys and existing outputs are refused.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
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

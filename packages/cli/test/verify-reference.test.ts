// A chain recorded by the in-toto 1.3.1 reference tools (ed25519, RSA and ECDSA functionaries, a
// threshold-2 step, every rule kind, an inspection), and tampered variants: Totem reaches the verdict
// and reason class in-toto-verify 1.3.1 reached on the same variants (noted per case).
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli, tempDir } from "./run-cli.js";

const CHAIN = join(ROOT, "packages/engine/test/fixtures/chains/reference-1.3.1");
const DAVE = join(CHAIN, "dave.key");

/** A scratch copy of the chain (inspections write into the directory they run in). */
function scratch(): string {
  const dir = tempDir("totem-ref-");
  cpSync(CHAIN, dir, { recursive: true, filter: (src) => !/(README\.md|dave\.key)$/.test(src) });
  return dir;
}

async function verify(dir: string): Promise<string[]> {
  const r = await runCli(["verify", "-l", "root.layout", "-k", "alice.pub", "-d", ".", "--json", "--now", "2026-01-01T00:00:00Z"], { cwd: dir });
  const out = JSON.parse(r.stdout) as { passed: boolean; failures: { stage: number; code: string }[] };
  expect(r.code).toBe(out.passed ? 0 : 1);
  return out.failures.map((f) => `${f.stage}:${f.code}`);
}

describe("the in-toto 1.3.1 reference chain", () => {
  it("passes untouched (in-toto-verify: exit 0)", async () => {
    expect(await verify(scratch())).toEqual([]);
  });

  it("fails a tampered link as a threshold failure (ThresholdVerificationError)", async () => {
    const dir = scratch();
    const file = join(dir, "clone.0af4f5d6.link");
    // Flip the first hex digit of the first recorded hash.
    writeFileSync(file, readFileSync(file, "utf8").replace(/("sha256": ")([0-9a-f])/, (_m, p: string, c: string) => p + (c === "0" ? "1" : "0")));
    expect(readFileSync(file, "utf8")).not.toBe(readFileSync(join(CHAIN, "clone.0af4f5d6.link"), "utf8"));
    expect(await verify(dir)).toEqual(["4:link-threshold"]);
  });

  it("fails a threshold-2 step one link short (LinkNotFoundError)", async () => {
    const dir = scratch();
    rmSync(join(dir, "build.43f2e4aa.link"));
    expect(await verify(dir)).toEqual(["3:link-missing"]);
  });

  it("fails threshold links that disagree (ThresholdVerificationError)", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "extra.txt"), "x");
    const r = await runCli(["run", "-n", "build", "-k", DAVE, "-p", "dist", "-p", "extra.txt", "--", "true"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    rmSync(join(dir, "extra.txt"));
    expect(await verify(dir)).toEqual(["7:threshold-artifacts-differ"]);
  });

  it("fails a broken inspection (BadReturnValueError)", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "dist/foo.tar.gz"), "garbage");
    expect(await verify(dir)).toEqual(["10:inspection-failed"]);
  });
});

describe("a sublayout recorded with the in-toto 1.3.1 tools", () => {
  const SUB = join(ROOT, "packages/engine/test/fixtures/chains/sublayout-1.3.1");
  const args = ["verify", "-l", "root.layout", "-k", "alice.pub", "-d", "links", "--json", "--now", "2026-01-01T00:00:00Z"];
  const copy = () => {
    const dir = tempDir("totem-sub-");
    cpSync(SUB, dir, { recursive: true });
    return dir;
  };
  const failures = async (dir: string) =>
    (JSON.parse((await runCli(args, { cwd: dir })).stdout) as { failures: { stage: number; code: string; sublayout?: string[] }[] }).failures.map(
      (f) => `${f.stage}:${f.code}@${f.sublayout?.join("/") ?? ""}`,
    );

  it("passes, with the command warnings in-toto-verify prints too", async () => {
    const r = await runCli(args, { cwd: copy() });
    const out = JSON.parse(r.stdout) as { passed: boolean; warnings: { step: string; sublayout?: string[] }[] };
    expect(out.passed).toBe(true);
    expect(out.warnings.map((w) => `${w.step}@${w.sublayout?.join("/") ?? ""}`)).toEqual(["fetch@clone", "clone@", "check@"]);
  });

  it("fails a tampered link inside the sublayout as in-toto-verify does (ThresholdVerificationError)", async () => {
    const dir = copy();
    const file = join(dir, "links/clone.0af4f5d6/fetch.43f2e4aa.link");
    writeFileSync(file, readFileSync(file, "utf8").replace(/("sha256": ")([0-9a-f])/, (_m, p: string, c: string) => p + (c === "0" ? "1" : "0")));
    expect(await failures(dir)).toEqual(["4:link-threshold@clone"]);
  });

  it("fails a missing link inside the sublayout (LinkNotFoundError)", async () => {
    const dir = copy();
    rmSync(join(dir, "links/clone.0af4f5d6/fetch.43f2e4aa.link"));
    expect(await failures(dir)).toEqual(["3:link-missing@clone"]);
  });
});

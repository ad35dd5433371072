// `totem verify` writes each passed inspection's unsigned link as `<inspection>.link` into its working
// directory, as in-toto-verify 1.3.1 does (SPEC-NOTES §7 step 11): the bytes 1.3.1 writes (plus the
// final newline every Totem file has), only after the command exited 0, never outside that directory,
// and not at all with --no-inspection-links.
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { envelopeToText, type Inspection, type Layout, layoutToJson, parsePrivateKey, signMetablock } from "@totem/engine";
import { describe, expect, it } from "vitest";
import { FIXTURES, ROOT, runCli, tempDir } from "./run-cli.js";

const CHAIN = join(ROOT, "packages/engine/test/fixtures/chains/reference-1.3.1");
/** What in-toto-verify 1.3.1 wrote as unpack.link, verifying a copy of CHAIN without README.md and dave.key. */
const REFERENCE_LINK = readFileSync(join(FIXTURES, "inspection-links/unpack.reference.link"), "utf8");
const KEYS = join(FIXTURES, "policies/keys");

interface Report {
  passed: boolean;
  failures: { stage: number; code: string }[];
  warnings: { stage: number; code: string; message: string; step?: string }[];
  inspectionLinks: string[];
}

/** A copy of the reference chain as 1.3.1 verified it (the files its inspection rules allow). */
function chainCopy(): string {
  const dir = tempDir("totem-inspect-");
  cpSync(CHAIN, dir, { recursive: true, filter: (src) => !/(README\.md|dave\.key)$/.test(src) });
  return dir;
}

async function verify(dir: string, layoutKey: string, ...extra: string[]): Promise<{ code: number; stderr: string; report: Report }> {
  const r = await runCli(["verify", "-l", "root.layout", "-k", layoutKey, "--json", "--now", "2026-01-01T00:00:00Z", ...extra], { cwd: dir });
  return { code: r.code, stderr: r.stderr, report: JSON.parse(r.stdout) as Report };
}

describe("inspection links on the in-toto 1.3.1 reference chain", () => {
  it("writes unpack.link byte for byte as in-toto-verify 1.3.1 does, mode 0644, and lists it", async () => {
    const dir = chainCopy();
    const { code, report } = await verify(dir, "alice.pub");
    expect(code).toBe(0);
    expect(report.inspectionLinks).toEqual(["unpack.link"]);
    expect(readFileSync(join(dir, "unpack.link"), "utf8")).toBe(`${REFERENCE_LINK}\n`);
    expect(statSync(join(dir, "unpack.link")).mode & 0o777).toBe(0o644);
  });

  it("writes nothing with --no-inspection-links (and lists nothing)", async () => {
    const dir = chainCopy();
    const { code, report } = await verify(dir, "alice.pub", "--no-inspection-links");
    expect(code).toBe(0);
    expect(report.inspectionLinks).toEqual([]);
    expect(existsSync(join(dir, "unpack.link"))).toBe(false);
  });

  it("writes no link for an inspection that exits non-zero (1.3.1 raises before dumping)", async () => {
    const dir = chainCopy();
    writeFileSync(join(dir, "dist/foo.tar.gz"), "garbage");
    const { code, report } = await verify(dir, "alice.pub");
    expect(report.failures.map((f) => `${f.stage}:${f.code}`)).toEqual(["10:inspection-failed"]);
    expect(code).toBe(1);
    expect(report.inspectionLinks).toEqual([]);
    expect(existsSync(join(dir, "unpack.link"))).toBe(false);
  });

  it("still writes the link when the inspection's own rules then fail (1.3.1 dumps before checking them)", async () => {
    const dir = chainCopy();
    writeFileSync(join(dir, "stray.txt"), "not allowed by DISALLOW *");
    const { code, report } = await verify(dir, "alice.pub");
    // DISALLOW * of both the materials and the products of "unpack" catches it.
    expect(report.failures.map((f) => `${f.stage}:${f.code}`)).toEqual(["11:rule-disallow", "11:rule-disallow"]);
    expect(code).toBe(1);
    expect(report.inspectionLinks).toEqual(["unpack.link"]);
    const link = JSON.parse(readFileSync(join(dir, "unpack.link"), "utf8")) as { signed: { materials: object } };
    expect(Object.keys(link.signed.materials)).toContain("stray.txt");
  });
});

/** A layout with only inspections, signed by the fixture owner key, written to dir/root.layout. */
function inspectionsLayout(dir: string, inspections: { name: string; run: string[] }[]): void {
  const owner = parsePrivateKey(readFileSync(join(KEYS, "owner"), "utf8"));
  if (!owner.ok) throw new Error(owner.error.message);
  const inspect: Inspection[] = inspections.map((i) => ({
    _type: "inspection",
    ...i,
    expected_materials: [{ type: "allow", pattern: "*" }],
    expected_products: [{ type: "allow", pattern: "*" }],
  }));
  const layout: Layout = { _type: "layout", expires: "2030-01-01T00:00:00Z", readme: "", keys: {}, steps: [], inspect };
  writeFileSync(join(dir, "root.layout"), envelopeToText(signMetablock(layoutToJson(layout), [owner.value], "in-toto-1.3")));
  cpSync(join(KEYS, "owner.pub"), join(dir, "owner.pub"));
}

describe("inspection links from untrusted layouts", () => {
  it("never uses a name with a path separator or NUL as a path: a warning, the chain still passes", async () => {
    const parent = tempDir("totem-inspect-");
    const dir = join(parent, "work");
    mkdirSync(dir);
    const names = ["../escape", "/tmp/totem-absolute", "sub/x", "back\\slash", "nul\0byte", "ok"];
    inspectionsLayout(
      dir,
      names.map((name) => ({ name, run: ["true"] })),
    );
    mkdirSync(join(dir, "sub"));
    const { code, report, stderr } = await verify(dir, "owner.pub");
    expect(code).toBe(0);
    expect(report.inspectionLinks).toEqual(["ok.link"]);
    expect(report.warnings.map((w) => `${w.stage}:${w.code}:${w.step}`)).toEqual(
      names.slice(0, -1).map((n) => `10:inspection-link-not-written:${n}`),
    );
    expect(report.warnings[0]?.message).toBe(
      'The link of inspection "../escape" was not written: its name "../escape" holds a path separator or NUL, so it cannot be a file name in the current directory.',
    );
    expect(existsSync(join(parent, "escape.link"))).toBe(false);
    expect(existsSync("/tmp/totem-absolute.link")).toBe(false);
    expect(existsSync(join(dir, "sub/x.link"))).toBe(false);
    expect(existsSync(join(dir, "ok.link"))).toBe(true);
    expect(stderr).toBe("");
    // The text report shows the same warnings on stderr.
    const text = await runCli(["verify", "-l", "root.layout", "-k", "owner.pub", "--now", "2026-01-01T00:00:00Z"], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stderr).toContain('totem: warning[inspection-link-not-written] The link of inspection "sub/x" was not written');
  });

  it("replaces a symbolic link at <name>.link instead of writing through it", async () => {
    const dir = tempDir("totem-inspect-");
    const outside = join(tempDir("totem-outside-"), "target.txt");
    writeFileSync(outside, "untouched");
    inspectionsLayout(dir, [{ name: "ok", run: ["true"] }]);
    symlinkSync(outside, join(dir, "ok.link"));
    const { code, report } = await verify(dir, "owner.pub");
    expect(code).toBe(0);
    expect(report.inspectionLinks).toEqual(["ok.link"]);
    expect(readFileSync(outside, "utf8")).toBe("untouched");
    expect(lstatSync(join(dir, "ok.link")).isSymbolicLink()).toBe(false);
    expect(statSync(join(dir, "ok.link")).mode & 0o777).toBe(0o644);
  });

  it("warns, and passes, when the file cannot be written", async () => {
    const dir = tempDir("totem-inspect-");
    inspectionsLayout(dir, [{ name: "ok", run: ["true"] }]);
    mkdirSync(join(dir, "ok.link"));
    writeFileSync(join(dir, "ok.link/keep"), "a directory in the way");
    const { code, report } = await verify(dir, "owner.pub");
    expect(code).toBe(0);
    expect(report.inspectionLinks).toEqual([]);
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]?.message).toMatch(/^The link of inspection "ok" was not written: cannot write 'ok\.link': /);
  });

  it("records an earlier inspection's link in neither the materials nor the products of a later one (default excludes)", async () => {
    const dir = tempDir("totem-inspect-");
    inspectionsLayout(dir, [
      { name: "first", run: ["true"] },
      { name: "second", run: ["sh", "-c", "echo made > made.txt"] },
    ]);
    const { code, report } = await verify(dir, "owner.pub");
    expect(code).toBe(0);
    expect(report.inspectionLinks).toEqual(["first.link", "second.link"]);
    const second = JSON.parse(readFileSync(join(dir, "second.link"), "utf8")) as {
      signatures: unknown[];
      signed: { materials: object; products: object; command: string[]; byproducts: object; environment: object };
    };
    expect(second.signatures).toEqual([]);
    expect(Object.keys(second.signed.materials)).toEqual(["owner.pub", "root.layout"]);
    expect(Object.keys(second.signed.products)).toEqual(["made.txt", "owner.pub", "root.layout"]);
    expect(second.signed.command).toEqual(["sh", "-c", "echo made > made.txt"]);
    expect(second.signed.byproducts).toEqual({ "return-value": 0, stderr: "", stdout: "" });
    expect(second.signed.environment).toEqual({});
  });
});

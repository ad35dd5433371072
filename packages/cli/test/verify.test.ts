// `totem run`, `totem record` and `totem verify` end to end in a temporary directory: real files,
// real commands, keys in securesystemslib JSON, a layout signed through the engine; and, when the
// reference is installed, the same chain checked by in-toto-verify 1.3.1.
import { execFileSync, spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  envelopeToText,
  type Layout,
  layoutToJson,
  parsePrivateKey,
  parsePublicKey,
  signMetablock,
} from "@totem/engine";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, requireBundle, runBinary, runCli, tempDir } from "./run-cli.js";

/** An ed25519 key pair as in-toto-keygen writes it (securesystemslib JSON). */
function sslibKey(dir: string, name: string): string {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const pub = publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("hex");
  const seed = privateKey.export({ format: "der", type: "pkcs8" }).subarray(-32).toString("hex");
  const base = { keytype: "ed25519", scheme: "ed25519", keyid_hash_algorithms: ["sha256", "sha512"] };
  writeFileSync(join(dir, `${name}.pub`), JSON.stringify({ ...base, keyval: { public: pub } }));
  const material = parsePublicKey(JSON.stringify({ ...base, keyval: { public: pub } }));
  if (!material.ok) throw new Error(material.error.message);
  const keyid = material.value.keyid("in-toto-1.3");
  writeFileSync(join(dir, name), JSON.stringify({ ...base, keyid, keyval: { public: pub, private: seed } }));
  return keyid;
}

let dir: string;
let bob: string;
let carl: string;

function layout(): Layout {
  const key = (name: string) => {
    const m = parsePublicKey(readFileSync(join(dir, `${name}.pub`), "utf8"));
    if (!m.ok) throw new Error(m.error.message);
    return m.value.toLayoutKey("in-toto-1.3");
  };
  return {
    _type: "layout",
    expires: "2030-01-01T00:00:00Z",
    readme: "",
    keys: { [bob]: key("bob"), [carl]: key("carl") },
    steps: [
      {
        _type: "step",
        name: "write",
        threshold: 1,
        pubkeys: [bob],
        expected_command: ["sh", "-c", "mkdir -p src && echo hello > src/a.txt"],
        expected_materials: [],
        expected_products: [{ type: "create", pattern: "src/*" }, { type: "disallow", pattern: "*" }],
      },
      {
        _type: "step",
        name: "package",
        threshold: 1,
        pubkeys: [carl],
        expected_command: [],
        expected_materials: [{ type: "match", pattern: "src/*", destinationType: "products", destinationName: "write" }, { type: "disallow", pattern: "*" }],
        expected_products: [{ type: "create", pattern: "out.tar" }, { type: "disallow", pattern: "*" }],
      },
    ],
    inspect: [
      {
        _type: "inspection",
        name: "check",
        run: ["test", "-f", "out.tar"],
        expected_materials: [{ type: "match", pattern: "out.tar", destinationType: "products", destinationName: "package" }, { type: "allow", pattern: "*" }],
        expected_products: [{ type: "allow", pattern: "*" }],
      },
    ],
  };
}

function writeLayout(l: Layout, file = "root.layout"): void {
  const owner = parsePrivateKey(readFileSync(join(dir, "owner"), "utf8"));
  if (!owner.ok) throw new Error(owner.error.message);
  writeFileSync(join(dir, file), envelopeToText(signMetablock(layoutToJson(l), [owner.value], "in-toto-1.3")));
}

const verifyArgs = ["verify", "--layout", "root.layout", "--layout-key", "owner.pub", "--links", "links", "--now", "2026-01-01T00:00:00Z"];

beforeAll(async () => {
  dir = tempDir("totem-verify-");
  sslibKey(dir, "owner");
  bob = sslibKey(dir, "bob");
  carl = sslibKey(dir, "carl");
  mkdirSync(join(dir, "links"));
  const step1 = await runCli(["run", "-n", "write", "-k", "bob", "-p", "src", "-d", "links", "--", "sh", "-c", "mkdir -p src && echo hello > src/a.txt"], { cwd: dir });
  expect(step1.code, step1.stderr).toBe(0);
  const start = await runCli(["record", "start", "-n", "package", "-k", "carl", "-m", "src", "-d", "links"], { cwd: dir });
  expect(start.code, start.stderr).toBe(0);
  execFileSync("tar", ["cf", "out.tar", "src"], { cwd: dir });
  const stop = await runCli(["record", "stop", "-n", "package", "-k", "carl", "-p", "out.tar", "-d", "links"], { cwd: dir });
  expect(stop.code, stop.stderr).toBe(0);
  writeLayout(layout());
}, 60_000);

describe("totem run and record", () => {
  it("writes <step>.<keyid8>.link with mode 0644 and in-toto-run's byproducts", () => {
    const path = join(dir, "links", `write.${bob.slice(0, 8)}.link`);
    expect(statSync(path).mode & 0o777).toBe(0o644);
    const link = JSON.parse(readFileSync(path, "utf8"));
    expect(link.signed.byproducts).toEqual({ "return-value": 0, stderr: "", stdout: "" });
    expect(Object.keys(link.signed.products)).toEqual(["src/a.txt"]);
    expect(link.signed.products["src/a.txt"].sha256).toBe("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
  });

  it("finishes a recording and removes the unfinished file", () => {
    expect(existsSync(join(dir, "links", `.package.${carl.slice(0, 8)}.link-unfinished`))).toBe(false);
    const link = JSON.parse(readFileSync(join(dir, "links", `package.${carl.slice(0, 8)}.link`), "utf8"));
    expect(link.signed.command).toEqual([]);
    expect(link.signed.byproducts).toEqual({});
    expect(Object.keys(link.signed.materials)).toEqual(["src/a.txt"]);
  });

  it("refuses record stop without a start (exit 2)", async () => {
    const r = await runCli(["record", "stop", "-n", "nothing", "-k", "carl", "-p", "out.tar", "-d", "links"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("record start");
  });

  it("exits 1 and still writes the link when the command fails; 2 when it cannot start", async () => {
    const failed = await runCli(["run", "-n", "fail", "-k", "bob", "-d", ".", "--", "false"], { cwd: dir });
    expect(failed.code).toBe(1);
    expect(existsSync(join(dir, `fail.${bob.slice(0, 8)}.link`))).toBe(true);
    const missing = await runCli(["run", "-n", "x", "-k", "bob", "--", "no-such-command-xyz"], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("command not found");
  });
});

describe("totem verify", () => {
  it("passes the recorded chain (exit 0)", async () => {
    const r = await runCli(verifyArgs, { cwd: dir });
    expect(r.stdout).toBe("PASS root.layout: the supply chain passed all verification.\n");
    expect(r.code).toBe(0);
  });

  it("reports failures by stage with --json (exit 1)", async () => {
    const l = layout();
    (l.steps[1] as Layout["steps"][number]).expected_products = [{ type: "disallow", pattern: "*" }];
    writeLayout(l, "strict.layout");
    const r = await runCli([...verifyArgs.map((a) => (a === "root.layout" ? "strict.layout" : a)), "--json"], { cwd: dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.version).toBe(1);
    expect(out.passed).toBe(false);
    expect(out.failures.map((f: { stage: number; stageName: string; code: string; artifacts: string[] }) => [f.stage, f.stageName, f.code, f.artifacts])).toEqual([
      [9, "step-rules", "rule-disallow", ["out.tar"]],
    ]);
    expect(out.trace.length).toBeGreaterThan(0);
  });

  it("lists a failure under its stage in the text report", async () => {
    const r = await runCli(verifyArgs.map((a) => (a === "2026-01-01T00:00:00Z" ? "2031-01-01T00:00:00Z" : a)), { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      "FAIL root.layout: 1 failure.\n  stage 2 (expiry) layout-expired\n    The layout expired at 2030-01-01T00:00:00Z (checked at 2031-01-01T00:00:00Z). Ask its owner for a renewed layout.\n",
    );
  });

  it("names the link files present for a step but named for keys it does not authorize", async () => {
    const other = tempDir("totem-verify-renamed-");
    cpSync(join(dir, "links"), join(other, "links"), { recursive: true });
    // bob's link for "write", renamed as if carl had recorded it: carl is not authorized for "write".
    renameSync(join(other, "links", `write.${bob.slice(0, 8)}.link`), join(other, "links", `write.${carl.slice(0, 8)}.link`));
    for (const f of ["owner.pub", "root.layout"]) cpSync(join(dir, f), join(other, f));
    const r = await runCli(verifyArgs, { cwd: other });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`stage 3 (load-links) link-missing — step "write"`);
    expect(r.stdout).toContain(
      `Present but named for keys this step does not authorize: write.${carl.slice(0, 8)}.link (signed by ${bob.slice(0, 8)}).`,
    );
  });

  it("checks expiry against the clock, never SOURCE_DATE_EPOCH (which dates outputs, not verdicts)", async () => {
    writeLayout({ ...layout(), expires: "2026-03-01T00:00:00Z" }, "expired.layout"); // the test clock says 2026-06-01
    const args = verifyArgs.slice(0, -2).map((a) => (a === "root.layout" ? "expired.layout" : a));
    const r = await runCli(args, { cwd: dir, env: { SOURCE_DATE_EPOCH: "1767225600" } }); // 2026-01-01
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/stage 2 \(expiry\) layout-expired\n.*checked at 2026-06-01T00:00:00Z/);
    // --now is the one way to check against another time.
    expect((await runCli([...args, "--now", "2026-01-01T00:00:00Z"], { cwd: dir })).code).toBe(0);
  });

  it("refuses --jobs beyond 64 before reading anything (exit 2)", async () => {
    for (const jobs of ["100000", "65"]) {
      const r = await runCli([...verifyArgs, "--jobs", jobs], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--jobs is at most 64; got ${jobs}.`);
    }
    expect((await runCli([...verifyArgs, "--jobs", "64"], { cwd: dir })).code).toBe(0);
  });

  it("exits 2 for an unreadable layout, key or links directory", async () => {
    writeFileSync(join(dir, "broken.layout"), '{"signed": {"_type": "layout", "threshold": 1.0}}');
    for (const args of [
      verifyArgs.map((a) => (a === "root.layout" ? "broken.layout" : a)),
      verifyArgs.map((a) => (a === "owner.pub" ? "missing.pub" : a)),
      verifyArgs.map((a) => (a === "links" ? "no-such-dir" : a)),
    ]) {
      const r = await runCli(args, { cwd: dir });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^totem: /);
    }
  });

  it("gives the same verdicts from the bundled binary with worker threads checking the links", () => {
    requireBundle();
    const ok = runBinary([...verifyArgs, "--jobs", "2"], dir);
    expect(ok.stderr).toBe("");
    expect(ok).toMatchObject({ code: 0, stdout: "PASS root.layout: the supply chain passed all verification.\n" });
    const strict = runBinary([...verifyArgs.map((a) => (a === "root.layout" ? "strict.layout" : a)), "--jobs", "2", "--json"], dir);
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.stdout).failures[0].code).toBe("rule-disallow");
  }, 60_000);

  const reference = spawnSync("in-toto-verify", ["--version"]).status === 0;
  it.skipIf(!reference)("agrees with in-toto-verify 1.3.1 on the recorded chain", () => {
    const ok = spawnSync("in-toto-verify", ["-l", "root.layout", "-k", "owner.pub", "-t", "ed25519", "--link-dir", "links"], { cwd: dir, encoding: "utf8" });
    expect(ok.status, ok.stderr).toBe(0);
    const strict = spawnSync("in-toto-verify", ["-l", "strict.layout", "-k", "owner.pub", "-t", "ed25519", "--link-dir", "links"], { cwd: dir, encoding: "utf8" });
    expect(strict.status).toBe(1);
    expect(strict.stderr).toContain("DISALLOW");
  });
});

describe("totem verify beside the policy", () => {
  it("points a failing rule at its line in the .totem the layout was compiled from", async () => {
    const cwd = tempDir("totem-policy-");
    mkdirSync(join(cwd, "keys"));
    for (const k of ["owner", "bob"]) expect((await runCli(["keygen", `keys/${k}`], { cwd })).code).toBe(0);
    // Its products rule (line 8, column 32) refuses b.txt.
    const policy = readFileSync(join(FIXTURES, "located", "root.totem"), "utf8");
    writeFileSync(join(cwd, "root.totem"), policy);
    const compiled = await runCli(["compile", "root.totem", "-k", "keys/owner", "-o", "root.layout", "--now", "2026-06-01T00:00:00Z"], { cwd });
    expect(compiled.code, compiled.stderr).toBe(0);
    writeFileSync(join(cwd, "a.txt"), "a");
    writeFileSync(join(cwd, "b.txt"), "b");
    expect((await runCli(["run", "-n", "write", "-k", "keys/bob", "-p", "a.txt", "-p", "b.txt", "--", "true"], { cwd })).code).toBe(0);
    const args = ["verify", "-l", "root.layout", "-k", "keys/owner.pub", "--now", "2026-06-01T00:00:00Z"];
    const text = await runCli(args, { cwd });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("\n    at root.totem:8:32\n");
    const json = JSON.parse((await runCli([...args, "--json"], { cwd })).stdout);
    expect(json.failures[0].source).toEqual({ file: "root.totem", line: 8, column: 32 });
    // A policy kept elsewhere, under another name: --policy says where.
    mkdirSync(join(cwd, "policies"));
    renameSync(join(cwd, "root.totem"), join(cwd, "policies", "supply-chain.totem"));
    writeFileSync(join(cwd, "policies", "supply-chain.totem"), policy.replaceAll('"keys/', '"../keys/'));
    expect((await runCli(args, { cwd })).stdout).not.toContain("    at ");
    const elsewhere = await runCli([...args, "--policy", "policies/supply-chain.totem"], { cwd });
    expect(elsewhere.stdout).toContain("\n    at policies/supply-chain.totem:8:32\n");
    // A policy path naming a device or a FIFO is refused by the bounded reader: no locations, no hang.
    for (const bad of ["/dev/zero", "/dev/null"]) {
      const r = await runCli([...args, "--policy", bad], { cwd });
      expect(r.code).toBe(1);
      expect(r.stdout).not.toContain("    at ");
    }
  });
});

describe("totem verify as a drop-in for in-toto-verify's command line", () => {
  it("takes -l, -k (several), -t (one or one per key), -d and the long forms --layout-keys, --key-types, --link-dir", async () => {
    for (const args of [
      ["-l", "root.layout", "-k", "owner.pub", "-t", "ed25519", "-d", "links"],
      ["--layout", "root.layout", "--layout-keys", "owner.pub", "--key-types", "ed25519", "--link-dir", "links"],
      ["-l", "root.layout", "-k", "owner.pub", "owner.pub", "-t", "ed25519", "ed25519", "-d", "links"],
    ]) {
      const r = await runCli(["verify", ...args, "--now", "2026-01-01T00:00:00Z"], { cwd: dir });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toBe("PASS root.layout: the supply chain passed all verification.\n");
    }
    const mismatch = await runCli(["verify", "-l", "root.layout", "-k", "owner.pub", "owner.pub", "-t", "ed25519", "rsa", "ecdsa", "-d", "links"], { cwd: dir });
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain("--key-type was given 3 times for 2 layout key(s)");
  });

  it("-q prints nothing for a passing chain and the failures of a failing one; -v lists the stages passed", async () => {
    const quiet = await runCli([...verifyArgs, "-q"], { cwd: dir });
    expect([quiet.code, quiet.stdout]).toEqual([0, ""]);
    const failing = verifyArgs.map((a) => (a === "2026-01-01T00:00:00Z" ? "2031-01-01T00:00:00Z" : a));
    const quietFail = await runCli([...failing, "-q"], { cwd: dir });
    expect(quietFail.code).toBe(1);
    expect(quietFail.stdout).toContain("stage 2 (expiry) layout-expired");
    const verbose = await runCli([...failing, "-v"], { cwd: dir });
    expect(verbose.stdout.startsWith("  ok stage 1 (layout-signatures)\nFAIL root.layout: 1 failure.\n")).toBe(true);
    const verbosePass = await runCli([...verifyArgs, "--verbose"], { cwd: dir });
    expect(verbosePass.stdout.split("\n").filter((l) => l.startsWith("  ok stage"))).toHaveLength(11);
  });
});

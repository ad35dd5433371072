// The installable CLI: `scripts/pack-cli.mjs` packs a tarball with no dependencies, which installs
// offline into an empty prefix (`npm install -g --prefix`) and runs from there — --version, check,
// test, compile, run, verify, lsp — and runs through `npm exec` (npx) from the tarball too.
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_STEPS, demoWorkspace, verifierFolder } from "./demo-chain.js";
import { ROOT, tempDir } from "./run-cli.js";

const VERSION = JSON.parse(execFileSync(process.execPath, ["-e", "process.stdout.write(JSON.stringify(require('./packages/cli/package.json').version))"], { cwd: ROOT, encoding: "utf8" }));
let tarball: string;
let prefix: string;

function npm(args: string[], cwd: string): string {
  return execFileSync("npm", [...args, "--offline", "--no-audit", "--no-fund", "--cache", join(prefix, ".npm-cache")], { cwd, encoding: "utf8", env: { ...process.env, npm_config_registry: "http://127.0.0.1:9/" } });
}

function totem(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(join(prefix, "bin", "totem"), args, { cwd, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  const out = tempDir("totem-pack-out-");
  tarball = execFileSync(process.execPath, [join(ROOT, "scripts/pack-cli.mjs"), "--out", out], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  prefix = tempDir("totem-prefix-");
  npm(["install", "-g", "--prefix", prefix, tarball], prefix);
}, 120_000);

describe("the packed CLI", () => {
  it("is one tarball with no dependencies, named after the package", () => {
    expect(tarball).toMatch(new RegExp(`totem-cli-${VERSION.replace(/\./g, "\\.")}\\.tgz$`));
    const list = execFileSync("tar", ["tzf", tarball], { encoding: "utf8" }).split("\n");
    expect(list).toContain("package/bin/totem.js");
    expect(list).toContain("package/dist/totem.mjs");
    expect(list).toContain("package/dist/verify-worker.mjs");
    expect(list.some((f) => f.includes("/src/") || f.endsWith(".ts") || f.endsWith(".map"))).toBe(false);
    const manifest = JSON.parse(execFileSync("tar", ["xzOf", tarball, "package/package.json"], { encoding: "utf8" }));
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.private).toBeUndefined();
    expect(manifest.bin).toEqual({ totem: "./bin/totem.js" });
  });

  it("installs offline into an empty prefix and runs every step of a chain from there", () => {
    expect(totem(["--version"], prefix)).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
    const work = tempDir("totem-packed-chain-");
    demoWorkspace(work);
    expect(totem(["check", "demo.totem"], work).code).toBe(0);
    const tests = totem(["test"], work);
    expect(tests.stderr).toBe("8 tests in 1 file: 8 passed\n");
    const compiled = totem(["compile", "demo.totem", "--key", "keys/alice", "-o", "root.layout"], work);
    expect(compiled.code).toBe(0);
    for (const step of DEMO_STEPS) expect(totem(step, work).code, step.join(" ")).toBe(0);
    const verify = totem(["verify", "--layout", "root.layout", "--layout-key", "alice.pub", "--links", "."], verifierFolder(work, ["root.layout"]));
    expect(verify.stderr + verify.stdout).not.toContain("totem: internal error");
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });

  it("serves the language server (totem lsp --stdio) from the install", () => {
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { processId: null, rootUri: null, capabilities: {} } });
    const message = join(tempDir("totem-lsp-"), "initialize");
    writeFileSync(message, `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    // The server ends at the end of its input: keep the pipe open until it has answered.
    const r = spawnSync("sh", ["-c", '(cat "$1"; sleep 2) | "$2" lsp --stdio', "sh", message, join(prefix, "bin", "totem")], { encoding: "utf8", timeout: 20_000 });
    expect(r.stdout).toMatch(/"id":1,"result":\{"capabilities":\{.*"hoverProvider":true/);
  });

  it("runs through npm exec (npx) from the tarball", () => {
    const out = npm(["exec", "--yes", `--package=${tarball}`, "--", "totem", "--version"], prefix);
    expect(out).toBe(`${VERSION}\n`);
  });
});

// Hardening of what Totem writes (issue 13, "Writes"; docs/cli.md "Files are written safely"): only
// regular files are replaced (a symbolic link to one is written through, keeping the target's mode),
// never an input of the same command, key pairs appear together or not at all, bad output paths and
// step names are exit-2 messages, never "internal error", and nothing is written outside -d.
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { loadEnvelope } from "@totem/engine";
import { beforeEach, describe, expect, it } from "vitest";
import { FIXTURES, listing, runCli, tempDir } from "./run-cli.js";

let cwd: string;
beforeEach(() => {
  cwd = tempDir("totem-writes-");
  cpSync(join(FIXTURES, "policies"), cwd, { recursive: true });
});

const NOW = ["--now", "2026-06-01T00:00:00Z"];
const compileTo = (out: string, ...more: string[]) => runCli(["compile", "root.totem", "-k", "keys/owner", ...NOW, "-o", out, ...more], { cwd });
const read = (f: string) => readFileSync(join(cwd, f), "utf8");
const isLayout = (f: string) => loadEnvelope(readFileSync(join(cwd, f)), { expect: "layout" }).ok;
/** Hidden temporary files a write may have left (`.NAME.PID.RAND.tmp`). */
const temps = (dir = cwd) => readdirSync(dir).filter((f) => f.endsWith(".tmp"));

/** Runs a command and checks it took under `ms` milliseconds: a write that blocks (FIFO) fails this. */
async function timed<T>(ms: number, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await run();
  expect(performance.now() - start).toBeLessThan(ms);
  return result;
}

describe("writes refuse targets that are not regular files", () => {
  // Never `-o /dev/null` itself: run as root, a regression would replace the machine's device node.
  // A device node of our own (root only: mknod) and a symbolic link to /dev/null stand in for it.
  it.runIf(process.getuid?.() === 0)("leaves a character device alone: -o DEVICE is exit 2, the device stays a device", async () => {
    execFileSync("mknod", [join(cwd, "null"), "c", "1", "3"]);
    const r = await compileTo("null");
    expect(r).toEqual({ code: 2, stdout: "", stderr: "totem: cannot write 'null': it is a character device, not a regular file\n" });
    expect(lstatSync(join(cwd, "null")).isCharacterDevice()).toBe(true);
  });

  it("refuses a symbolic link to /dev/null, which stays a link", async () => {
    symlinkSync("/dev/null", join(cwd, "discard"));
    const r = await compileTo("discard");
    expect(r).toEqual({ code: 2, stdout: "", stderr: "totem: cannot write 'discard': it is a symbolic link to a character device, not to a regular file\n" });
    expect(lstatSync(join(cwd, "discard")).isSymbolicLink()).toBe(true);
  });

  it("refuses a FIFO at once (no reader needed, nothing blocks)", async () => {
    execFileSync("mkfifo", [join(cwd, "out.fifo")]);
    const r = await timed(5000, () => compileTo("out.fifo"));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("totem: cannot write 'out.fifo': it is a named pipe (FIFO), not a regular file\n");
    expect(lstatSync(join(cwd, "out.fifo")).isFIFO()).toBe(true);
  });

  it("refuses a directory, and a symbolic link to one", async () => {
    mkdirSync(join(cwd, "outdir"));
    symlinkSync("outdir", join(cwd, "to-dir"));
    expect((await compileTo("outdir")).stderr).toBe("totem: cannot write 'outdir': it is a directory, not a regular file\n");
    const viaLink = await compileTo("to-dir");
    expect(viaLink).toEqual({ code: 2, stdout: "", stderr: "totem: cannot write 'to-dir': it is a symbolic link to a directory, not to a regular file\n" });
    expect(readdirSync(join(cwd, "outdir"))).toEqual([]);
  });

  it("refuses a dangling symbolic link, creating nothing at its target", async () => {
    symlinkSync("missing.layout", join(cwd, "dangling"));
    const r = await compileTo("dangling");
    expect(r).toEqual({ code: 2, stdout: "", stderr: "totem: cannot write 'dangling': it is a symbolic link that leads to no file\n" });
    expect(existsSync(join(cwd, "missing.layout"))).toBe(false);
  });

  it("writes through a symbolic link to a regular file: the link stays, the target changes and keeps its mode", async () => {
    mkdirSync(join(cwd, "out"));
    writeFileSync(join(cwd, "out/real.layout"), "old\n", { mode: 0o640 });
    symlinkSync("out/real.layout", join(cwd, "root.layout"));
    const r = await compileTo("root.layout");
    expect(r.code, r.stderr).toBe(0);
    expect(readlinkSync(join(cwd, "root.layout"))).toBe("out/real.layout");
    expect(isLayout("out/real.layout")).toBe(true);
    expect(statSync(join(cwd, "out/real.layout")).mode & 0o777).toBe(0o640);
    expect([...temps(), ...temps(join(cwd, "out"))]).toEqual([]);
  });

  it("formats a symlinked policy in its real file and keeps the link (fmt never replaces a link with a copy)", async () => {
    mkdirSync(join(cwd, "real"));
    cpSync(join(cwd, "unformatted.totem"), join(cwd, "real/policy.totem"));
    symlinkSync("real/policy.totem", join(cwd, "policy.totem"));
    const r = await runCli(["fmt", "policy.totem"], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(join(cwd, "policy.totem")).isSymbolicLink()).toBe(true);
    expect(read("real/policy.totem")).not.toBe(read("unformatted.totem"));
    expect((await runCli(["fmt", "--check", "real/policy.totem"], { cwd })).code).toBe(0);
  });

  it("keeps a replaced file's mode", async () => {
    writeFileSync(join(cwd, "root.layout"), "old\n", { mode: 0o600 });
    expect((await compileTo("root.layout")).code).toBe(0);
    expect(statSync(join(cwd, "root.layout")).mode & 0o777).toBe(0o600);
    expect(isLayout("root.layout")).toBe(true);
  });
});

describe("writes never replace an input of the same command", () => {
  const signingKey = () => read("keys/owner");

  it.each([
    ["the signing key", "keys/owner", "totem: -o keys/owner would overwrite the private key keys/owner itself\n"],
    ["the signing key by another spelling", "./keys/../keys/owner", "totem: -o ./keys/../keys/owner would overwrite the private key keys/owner itself\n"],
    ["the policy", "root.totem", "totem: -o root.totem would overwrite the policy itself\n"],
  ])("compile -o naming %s is exit 2 and leaves it as it was", async (_what, out, stderr) => {
    const before = signingKey();
    const policy = read("root.totem");
    const r = await compileTo(out);
    expect(r).toEqual({ code: 2, stdout: "", stderr });
    expect(signingKey()).toBe(before);
    expect(read("root.totem")).toBe(policy);
  });

  it("sees through hard and symbolic links to the key", async () => {
    linkSync(join(cwd, "keys/owner"), join(cwd, "hard"));
    symlinkSync("keys/owner", join(cwd, "soft"));
    const before = signingKey();
    expect((await compileTo("hard")).stderr).toBe("totem: -o hard would overwrite the private key keys/owner itself\n");
    expect((await compileTo("soft")).stderr).toBe("totem: -o soft would overwrite the private key keys/owner itself\n");
    expect(signingKey()).toBe(before);
  });

  it("sign -k K -o K is exit 2; sign in place still works", async () => {
    expect((await runCli(["compile", "root.totem", ...NOW], { cwd })).code).toBe(0);
    const before = signingKey();
    const r = await runCli(["sign", "root.layout", "-k", "keys/owner", "-o", "keys/owner"], { cwd });
    expect(r).toEqual({ code: 2, stdout: "", stderr: "totem: -o keys/owner would overwrite the private key keys/owner itself\n" });
    expect(signingKey()).toBe(before);
    expect((await runCli(["sign", "root.layout", "-k", "keys/owner"], { cwd })).code).toBe(0);
  });

  it("import --force -o LAYOUT is exit 2 and keeps the layout", async () => {
    expect((await runCli(["compile", "root.totem", "-k", "keys/owner", ...NOW], { cwd })).code).toBe(0);
    const layout = read("root.layout");
    const r = await runCli(["import", "root.layout", "-o", "root.layout", "--force"], { cwd });
    expect(r).toEqual({ code: 2, stdout: "", stderr: "totem: root.layout would overwrite the layout root.layout itself\n" });
    expect(read("root.layout")).toBe(layout);
  });
});

describe("bad output paths are exit-2 messages", () => {
  it.each([
    ["a path through a file", "root.totem/x.layout", "totem: cannot write 'root.totem/x.layout': a part of the path is not a directory\n"],
    ["a 300-character name", "n".repeat(300), `totem: cannot write '${"n".repeat(300)}': the file name is too long\n`],
    ["a missing directory", "no/such/x.layout", "totem: cannot write 'no/such/x.layout': no such file or directory\n"],
  ])("compile -o %s", async (_what, out, stderr) => {
    const before = listing(cwd);
    expect(await compileTo(out)).toEqual({ code: 2, stdout: "", stderr });
    expect(listing(cwd)).toEqual(before);
  });

  it("writes a 250-character name (the temporary file's name stays short)", async () => {
    const name = "n".repeat(250);
    expect((await compileTo(name)).code).toBe(0);
    expect(isLayout(name)).toBe(true);
    expect(temps()).toEqual([]);
  });

  it("run -d FILE is exit 2 before the command runs", async () => {
    const r = await runCli(["run", "-n", "s", "-k", "keys/owner", "-d", "root.totem", "--", "touch", "ran"], { cwd });
    expect(r).toEqual({ code: 2, stdout: "", stderr: "totem: -d 'root.totem' is not a directory\n" });
    expect(existsSync(join(cwd, "ran"))).toBe(false);
  });

  it("run -d MISSING is exit 2 before the command runs", async () => {
    const r = await runCli(["run", "-n", "s", "-k", "keys/owner", "-d", "links", "--", "touch", "ran"], { cwd });
    expect(r).toEqual({ code: 2, stdout: "", stderr: "totem: -d 'links' does not exist; create the directory first\n" });
    expect(existsSync(join(cwd, "ran"))).toBe(false);
  });

  it.each([
    ["run", ["run", "-n", "../evil", "-k", "keys/owner", "-d", "links", "-x"]],
    ["run (backslash)", ["run", "-n", "..\\evil", "-k", "keys/owner", "-d", "links", "-x"]],
    ["record start", ["record", "start", "-n", "../evil", "-k", "keys/owner", "-d", "links"]],
    ["record stop", ["record", "stop", "--step-name", "a/../../evil", "-k", "keys/owner", "-d", "links"]],
  ])("%s with a step name holding a path separator is exit 2 and writes nothing", async (_what, argv) => {
    mkdirSync(join(cwd, "links"));
    const before = listing(cwd);
    const r = await runCli(argv, { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^totem: the step name ".+" holds a path separator or NUL, so it cannot name a link file\n$/);
    expect(listing(cwd)).toEqual(before);
    expect(readdirSync(join(cwd, "links"))).toEqual([]);
  });
});

describe("keygen writes the pair together or not at all", () => {
  it("removes the private key again when the .pub cannot be created (its name is too long)", async () => {
    const name = "k".repeat(252); // NAME fits in 255 bytes, NAME.pub does not
    const r = await runCli(["keygen", name], { cwd });
    expect(r).toEqual({ code: 2, stdout: "", stderr: `totem: cannot create '${name}.pub': the file name is too long\n` });
    expect(existsSync(join(cwd, name))).toBe(false);
    expect(temps()).toEqual([]);
  });

  it("counts a dangling symbolic link as an existing file and writes nothing", async () => {
    symlinkSync("elsewhere", join(cwd, "k.pub"));
    const r = await runCli(["keygen", "k"], { cwd });
    expect(r).toEqual({ code: 2, stdout: "", stderr: "totem: k.pub already exists; keygen never overwrites keys\n" });
    expect(existsSync(join(cwd, "k"))).toBe(false);
    expect(existsSync(join(cwd, "elsewhere"))).toBe(false);
  });

  it("leaves only the two files, the private one 0600", async () => {
    const dir = join(cwd, "new-keys");
    mkdirSync(dir);
    expect((await runCli(["keygen", "new-keys/k"], { cwd })).code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["k", "k.pub"]);
    expect(statSync(join(dir, "k")).mode & 0o777).toBe(0o600);
  });
});

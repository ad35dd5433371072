// The command framework: exit codes and messages of commander's own errors, --help/--version, and the
// top-level handler (UsageError/InputError/FailedError, internal errors without stack traces).
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { EXIT, FailedError, InputError, UsageError } from "../src/errors.js";
import { type Io, VERSION, ioOf, runProgram, setExit } from "../src/program.js";
import { runCli, tempDir } from "./run-cli.js";

function captureIo(env: Record<string, string> = {}): Io & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    cwd: "/",
    env,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    out: () => out,
    err: () => err,
  };
}

/** A command that fails the way its argument says, to drive the handler. */
function thrower(program: Command): void {
  program
    .command("boom")
    .argument("<how>")
    .action((how: string, _opts: unknown, cmd: Command) => {
      if (how === "usage") throw new UsageError("bad combination", "(see totem boom --help)");
      if (how === "input") throw new InputError("cannot read policy 'x.totem': no such file or directory");
      if (how === "failed") throw new FailedError("the chain did not verify");
      if (how === "exit1") {
        ioOf(cmd).stdout.write("report\n");
        setExit(cmd, EXIT.FAILED);
        setExit(cmd, EXIT.OK); // a later OK never lowers a failure
        return;
      }
      throw new TypeError("cannot read properties of undefined");
    });
}

describe("the totem program", () => {
  it("prints the version", async () => {
    const r = await runCli(["--version"], { cwd: tempDir() });
    expect(r).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
  });

  it("lists every command in --help with the exit codes", async () => {
    const r = await runCli(["--help"], { cwd: tempDir() });
    expect(r.code).toBe(0);
    for (const c of ["check", "fmt", "compile", "sign", "keygen"]) expect(r.stdout).toMatch(new RegExp(`\\n  ${c} `));
    expect(r.stdout).toContain("Exit codes: 0 success, 1 policy or supply chain failed, 2 usage or unreadable input.");
  });

  it("prints help to stderr and exits 2 without a command", async () => {
    const r = await runCli([], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("Usage: totem [options] [command]");
  });

  it("exits 2 on an unknown command with a suggestion", async () => {
    const r = await runCli(["chek", "a.totem"], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("totem: error: unknown command 'chek'\n(Did you mean check?)\n(see totem --help)\n");
  });

  it("exits 2 on an unknown flag and points at the command's help", async () => {
    const r = await runCli(["check", "--colour", "a.totem"], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("totem: error: unknown option '--colour'\n(see totem check --help)\n");
  });

  it("exits 2 on a missing argument", async () => {
    const r = await runCli(["compile"], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("totem: error: missing required argument 'policy'\n(see totem compile --help)\n");
  });

  it("exits 2 on a flag value outside its choices", async () => {
    const r = await runCli(["check", "--format", "xml", "a.totem"], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("totem: error: option '--format <format>' argument 'xml' is invalid. Allowed choices are text, json, sarif.");
  });

  it("shows examples in every command's help", async () => {
    for (const c of ["check", "fmt", "compile", "sign", "keygen"]) {
      const r = await runCli([c, "--help"], { cwd: tempDir() });
      expect(r.code, c).toBe(0);
      expect(r.stdout, c).toContain(`Examples:\n  $ totem ${c} `);
    }
  });
});

describe("the top-level handler", () => {
  const cases: [string, number, string][] = [
    ["usage", 2, "totem: bad combination\n(see totem boom --help)\n"],
    ["input", 2, "totem: cannot read policy 'x.totem': no such file or directory\n"],
    ["failed", 1, "totem: the chain did not verify\n"],
  ];
  it.each(cases)("maps a %s error to exit %i with a one-line message", async (how, code, stderr) => {
    const io = captureIo();
    expect(await runProgram(["boom", how], io, [thrower])).toBe(code);
    expect(io.err()).toBe(stderr);
  });

  it("keeps the highest exit code a command sets", async () => {
    const io = captureIo();
    expect(await runProgram(["boom", "exit1"], io, [thrower])).toBe(1);
    expect(io.out()).toBe("report\n");
  });

  it("points a nested sub-command's usage errors at its own help", async () => {
    const nested = (program: Command) => {
      program.command("outer").command("inner").action(() => undefined);
    };
    const io = captureIo();
    expect(await runProgram(["outer", "inner", "--nope"], io, [nested])).toBe(2);
    expect(io.err()).toBe("totem: error: unknown option '--nope'\n(see totem outer inner --help)\n");
  });

  it("reports an internal error without a stack trace", async () => {
    const io = captureIo();
    expect(await runProgram(["boom", "bug"], io, [thrower])).toBe(2);
    expect(io.err()).toBe(
      "totem: internal error: cannot read properties of undefined\n(set TOTEM_DEBUG=1 to see the stack trace, and please report it)\n",
    );
  });

  it("prints the stack of an internal error with TOTEM_DEBUG=1", async () => {
    const io = captureIo({ TOTEM_DEBUG: "1" });
    await runProgram(["boom", "bug"], io, [thrower]);
    expect(io.err()).toMatch(/^totem: internal error: cannot read properties of undefined\nTypeError: .*\n\s+at /);
  });
});

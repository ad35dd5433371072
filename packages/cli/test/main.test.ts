// The lazy dispatcher: argv picks which command modules load (start-up time), and every module
// registers exactly the commands its COMMANDS entry names, so picking one never hides a command.
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { COMMANDS, commandsFor } from "../src/main.js";
import { runCli, tempDir } from "./run-cli.js";

const namesOf = (picked: readonly { names: readonly string[] }[]) => picked.map((c) => c.names[0]);

describe("lazy command loading", () => {
  it("each COMMANDS entry names exactly the top-level commands its module registers", async () => {
    for (const entry of COMMANDS) {
      const program = new Command("totem");
      (await entry.load()).register(program);
      expect(program.commands.map((c) => c.name()).sort()).toEqual([...entry.names].sort());
    }
  });

  it("loads only the named command, also behind the program's flags and for `help <command>`", () => {
    expect(namesOf(commandsFor(["check", "a.totem", "--format", "json"]))).toEqual(["check"]);
    expect(namesOf(commandsFor(["-h", "verify"]))).toEqual(["verify"]);
    expect(namesOf(commandsFor(["help", "record"]))).toEqual(["record"]);
  });

  it("loads nothing for a bare --version, everything for help and unknown commands", () => {
    expect(commandsFor(["--version"])).toEqual([]);
    expect(commandsFor(["-V"])).toEqual([]);
    const all = namesOf(COMMANDS);
    for (const argv of [[], ["--help"], ["help"], ["chek"], ["help", "nope"]]) expect(namesOf(commandsFor(argv))).toEqual(all);
  });

  it("still suggests a command for a typo and shows a command's own help", async () => {
    const typo = await runCli(["verfy"], { cwd: tempDir() });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("(Did you mean verify?)");
    const help = await runCli(["help", "keygen"], { cwd: tempDir() });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: totem keygen");
  });
});

// `totem fmt` (being written by H5; registered now so the command framework is complete).
import type { Command } from "commander";
import { UsageError } from "../errors.js";

/** Registers `totem fmt`. */
export function register(program: Command): void {
  program
    .command("fmt")
    .description("(in progress)")
    .allowUnknownOption()
    .action(() => {
      throw new UsageError("totem fmt is not available yet in this build");
    });
}

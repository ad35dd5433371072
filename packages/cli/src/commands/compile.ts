// `totem compile` (being written by H5; registered now so the command framework is complete).
import type { Command } from "commander";
import { UsageError } from "../errors.js";

/** Registers `totem compile`. */
export function register(program: Command): void {
  program
    .command("compile")
    .description("(in progress)")
    .allowUnknownOption()
    .action(() => {
      throw new UsageError("totem compile is not available yet in this build");
    });
}

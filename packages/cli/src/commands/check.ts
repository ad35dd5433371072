// `totem check` (being written by H5; registered now so the command framework is complete).
import type { Command } from "commander";
import { UsageError } from "../errors.js";

/** Registers `totem check`. */
export function register(program: Command): void {
  program
    .command("check")
    .description("(in progress)")
    .allowUnknownOption()
    .action(() => {
      throw new UsageError("totem check is not available yet in this build");
    });
}

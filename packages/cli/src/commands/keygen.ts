// `totem keygen` (being written by H5; registered now so the command framework is complete).
import type { Command } from "commander";
import { UsageError } from "../errors.js";

/** Registers `totem keygen`. */
export function register(program: Command): void {
  program
    .command("keygen")
    .description("(in progress)")
    .allowUnknownOption()
    .action(() => {
      throw new UsageError("totem keygen is not available yet in this build");
    });
}

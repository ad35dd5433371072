// `totem sign` (being written by H5; registered now so the command framework is complete).
import type { Command } from "commander";
import { UsageError } from "../errors.js";

/** Registers `totem sign`. */
export function register(program: Command): void {
  program
    .command("sign")
    .description("(in progress)")
    .allowUnknownOption()
    .action(() => {
      throw new UsageError("totem sign is not available yet in this build");
    });
}

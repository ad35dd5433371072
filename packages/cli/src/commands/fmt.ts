// `totem fmt [--check] FILE…`: rewrites policies in the canonical layout (the dsl's `format`), in place
// and atomically. A file with syntax errors is reported and left untouched.
import { format, parse } from "@totem/dsl";
import type { Command } from "commander";
import { EXIT } from "../errors.js";
import { readText, userPath } from "../io.js";
import { writeFileAtomic } from "../write-files.js";
import { ioOf, setExit } from "../program.js";
import { colorEnabled } from "../terminal.js";
import { writeCodeFrames } from "./check.js";

const EXAMPLES = `
Examples:
  $ totem fmt policy.totem               rewrite in place
  $ totem fmt --check policies/*.totem   list unformatted files, exit 1 if any (for CI)

Exit codes: 0 formatted (or already formatted), 1 unformatted files with --check or syntax errors,
2 unreadable file or bad flag.
`;

/** Registers `totem fmt`. */
export function register(program: Command): void {
  program
    .command("fmt")
    .description("format policies in place (atomically); --check only lists the files that need it")
    .argument("<files...>", "policy files to format")
    .option("--check", "do not write; exit 1 listing the files that are not formatted")
    .addHelpText("after", EXAMPLES)
    .action((files: string[], opts: { check?: boolean }, cmd: Command) => {
      const io = ioOf(cmd);
      const inputs = files.map((f) => {
        const { path, shown: uri } = userPath(io.cwd, f);
        return { path, uri, text: readText(path, "policy", uri, "policy") };
      });
      let failed = false;
      for (const input of inputs) {
        const formatted = format(input.text);
        if (formatted === undefined) {
          const diagnostics = parse(input.text).diagnostics.filter((d) => d.severity === "error");
          writeCodeFrames([{ ...input, diagnostics }], io.stderr, colorEnabled(io.stderrIsTTY, io.env));
          io.stderr.write(`totem: ${input.uri} has syntax errors; it was not formatted\n`);
          failed = true;
        } else if (formatted !== input.text) {
          if (opts.check) {
            io.stdout.write(`${input.uri}\n`);
            failed = true;
          } else {
            writeFileAtomic(input.path, formatted, undefined, input.uri);
            io.stderr.write(`formatted ${input.uri}\n`);
          }
        }
      }
      if (opts.check && failed) io.stderr.write("totem: the files above are not formatted; run `totem fmt` on them\n");
      setExit(cmd, failed ? EXIT.FAILED : EXIT.OK);
    });
}

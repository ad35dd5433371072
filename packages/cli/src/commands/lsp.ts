// `totem lsp --stdio`: the Totem language server for any LSP editor (Neovim, Helix, Emacs, VS Code),
// speaking JSON-RPC on stdin/stdout. The server is @totem/lsp's; this file only starts it.
import { startServer } from "@totem/lsp";
import type { Command } from "commander";
import { UsageError } from "../errors.js";

const EXAMPLES = `
Examples:
  $ totem lsp --stdio                     (started by an editor, not by hand)

Neovim:  vim.lsp.start({ name = "totem", cmd = { "totem", "lsp", "--stdio" } })
Helix:   [language-server.totem] command = "totem", args = ["lsp", "--stdio"]

The server runs until the editor closes stdin. Features, settings and custom requests: docs/lsp.md.
`;

/** Registers `totem lsp`. */
export function register(program: Command): void {
  program
    .command("lsp")
    .description("run the Totem language server (LSP over stdio) for editors")
    .option("--stdio", "speak the protocol on stdin/stdout (the only transport)")
    .addHelpText("after", EXAMPLES)
    .action((opts: { stdio?: boolean }) => {
      if (!opts.stdio) throw new UsageError("totem lsp needs --stdio: editors start it as `totem lsp --stdio`", "(see totem lsp --help)");
      // Never resolves the process: the server ends it when the client closes stdin or sends `exit`.
      startServer();
    });
}

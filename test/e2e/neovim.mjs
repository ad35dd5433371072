// The language server in a second editor: Debian's Neovim (0.7, headless, built-in LSP client),
// configured with docs/lsp.md's own Neovim block (its `totem lsp` command pointed at the server
// bundle from the .vsix), runs neovim/lsp-test.lua. Checks diagnostics, hover,
// completion and formatting on the fixture workspace. Skipped (and reported as failed) without nvim.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { check } from "./harness.mjs";

function positionOf(text, needle, delta) {
  const at = text.indexOf(needle);
  check(at >= 0, `${needle} is not in the fixture`);
  const before = text.slice(0, at + delta).split("\n");
  return { line: before.length - 1, character: before[before.length - 1].length };
}

const DOC_COMMAND = 'cmd = { "totem", "lsp", "--stdio" }';

/** docs/lsp.md's Neovim configuration, with the `totem lsp` command replaced by node running `server`. */
function documentedConfig(docPath, server) {
  const doc = readFileSync(docPath, "utf8");
  const block = /\*\*Neovim\*\*[\s\S]*?```lua\n([\s\S]*?)```/.exec(doc)?.[1];
  check(block !== undefined, "docs/lsp.md has no Neovim lua block");
  check(block.includes(DOC_COMMAND), `docs/lsp.md's Neovim block does not start ${DOC_COMMAND}`);
  return block.replace(DOC_COMMAND, `cmd = { ${JSON.stringify(process.execPath)}, ${JSON.stringify(server)}, "--stdio" }`);
}

/** Runs the Neovim test through `h`. */
export async function runNeovimTests(h, { server, fixtures, runDir, artifacts, here }) {
  await h.test("neovim: diagnostics, hover, completion and formatting from the Totem server", async () => {
    const nvim = spawnSync("nvim", ["--version"], { encoding: "utf8" });
    check(nvim.status === 0, "nvim is not installed (install.sh installs Debian's neovim)");
    const workspace = join(runDir, "workspace-nvim");
    cpSync(join(fixtures, "workspace"), workspace, { recursive: true });
    const demo = readFileSync(join(workspace, "demo.totem"), "utf8");
    const hover = positionOf(demo, "step clone", 6);
    const completion = positionOf(demo, "from clone", 5);
    const outFile = join(runDir, "nvim-result.json");
    const configFile = join(runDir, "nvim-config.lua");
    writeFileSync(configFile, documentedConfig(join(here, "..", "..", "docs", "lsp.md"), server));
    const r = spawnSync("nvim", ["--headless", "--clean", "-n", "-c", `luafile ${join(here, "neovim", "lsp-test.lua")}`], {
      encoding: "utf8",
      timeout: 60_000,
      env: {
        ...process.env,
        TOTEM_CONFIG: configFile,
        TOTEM_WORKSPACE: workspace,
        TOTEM_NVIM_OUT: outFile,
        TOTEM_HOVER_LINE: String(hover.line),
        TOTEM_HOVER_CHAR: String(hover.character),
        TOTEM_COMPLETION_LINE: String(completion.line),
        TOTEM_COMPLETION_CHAR: String(completion.character),
      },
    });
    writeFileSync(join(artifacts, "neovim.log"), `${nvim.stdout.split("\n")[0]}\nstatus ${r.status}\n${r.stdout}\n${r.stderr}`);
    check(existsSync(outFile), `Neovim wrote no result (status ${r.status}); see artifacts/neovim.log`);
    const out = JSON.parse(readFileSync(outFile, "utf8"));
    writeFileSync(join(artifacts, "neovim-result.json"), JSON.stringify(out, null, 2));
    check(out.errors.length === 0, out.errors.join("; "));
    const dup = out.diagnostics.find((d) => d.code === "duplicate-step");
    check(dup && dup.line === 8, `no duplicate-step on line 9: ${JSON.stringify(out.diagnostics)}`);
    console.log(`      ${nvim.stdout.split("\n")[0]}: first diagnostics after ${out.diagnosticsMs} ms`);
    check(typeof out.hover === "string" && out.hover.includes("clone") && out.hover.includes("bob"), `hover: ${JSON.stringify(out.hover)}`);
    check(out.completion.includes("clone"), `completion after from: ${JSON.stringify(out.completion)}`);
    const expected = readFileSync(join(fixtures, "unformatted.formatted.totem"), "utf8");
    check(out.formatted === expected, `formatting differs from the golden:\n${out.formatted}`);
  });
}

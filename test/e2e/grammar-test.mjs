// Tokenizes fixtures/grammar/*.totem with the extension's TextMate grammar through the same
// vscode-textmate and oniguruma that VS Code uses (taken from the code-server install) and compares
// every token's scopes with the golden `*.scopes.txt`. UPDATE_GOLDENS=1 rewrites the goldens.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { check } from "./harness.mjs";

/** Loads the grammar with code-server's copies of vscode-textmate and vscode-oniguruma. */
async function loadGrammar(grammarPath, codeServerDir) {
  const req = createRequire(join(codeServerDir, "node_modules", "code-server", "lib", "vscode", "package.json"));
  const tm = req("vscode-textmate");
  const onig = req("vscode-oniguruma");
  const wasm = readFileSync(req.resolve("vscode-oniguruma/release/onig.wasm"));
  await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new tm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new onig.OnigScanner(patterns),
      createOnigString: (s) => new onig.OnigString(s),
    }),
    loadGrammar: async (scope) =>
      scope === "source.totem" ? tm.parseRawGrammar(readFileSync(grammarPath, "utf8"), grammarPath) : null,
  });
  return { grammar: await registry.loadGrammar("source.totem"), initial: tm.INITIAL };
}

/** One line per non-blank token: `line:col  text  scopes` (the root scope left out). */
function describe(grammar, initial, text) {
  const out = [];
  let stack = initial;
  text.split("\n").forEach((line, i) => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    for (const t of r.tokens) {
      const piece = line.slice(t.startIndex, t.endIndex);
      if (piece.trim() === "") continue;
      out.push(`${i + 1}:${t.startIndex + 1}\t${piece}\t${t.scopes.slice(1).join(" ") || "-"}`);
    }
  });
  return `${out.join("\n")}\n`;
}

/** Registers one test per grammar fixture. */
export async function runGrammarTests(h, { grammarPath, codeServerDir, fixturesDir }) {
  const files = readdirSync(fixturesDir).filter((f) => f.endsWith(".totem"));
  let loaded;
  for (const f of files) {
    await h.test(`grammar: ${f} is scoped as its golden says`, async () => {
      loaded ??= await loadGrammar(grammarPath, codeServerDir);
      const actual = describe(loaded.grammar, loaded.initial, readFileSync(join(fixturesDir, f), "utf8"));
      const golden = join(fixturesDir, f.replace(/\.totem$/, ".scopes.txt"));
      if (process.env.UPDATE_GOLDENS === "1" || !existsSync(golden)) writeFileSync(golden, actual);
      check(actual === readFileSync(golden, "utf8"), `scopes differ from ${golden} (UPDATE_GOLDENS=1 rewrites it)`);
    });
  }
}

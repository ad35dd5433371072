// Runs the language-server benchmark on its own: bundles lsp-bench.ts from the TypeScript sources
// and runs it with --expose-gc (so heap numbers are measured after collection).
// Usage: node packages/lsp/bench/run.mjs
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const dir = mkdtempSync(join(tmpdir(), "totem-lsp-bench-build-"));
const outfile = join(dir, "lsp-bench.mjs");
await build({
  entryPoints: [fileURLToPath(new URL("lsp-bench.ts", import.meta.url))],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  conditions: ["source"],
  logLevel: "error",
  banner: { js: 'import { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);' },
});
const r = spawnSync(process.execPath, ["--expose-gc", outfile], { stdio: "inherit", env: { ...process.env, TOTEM_LSP_BENCH_MAIN: "1" } });
rmSync(dir, { recursive: true, force: true });
process.exitCode = r.status ?? 1;

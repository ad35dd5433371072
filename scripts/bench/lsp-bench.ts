// In-process benchmark of the language server (packages/lsp/bench/lsp-bench.ts), bundled and run by
// scripts/bench.mjs; prints one JSON line of results.
import { runLspBench } from "../../packages/lsp/bench/lsp-bench.js";

console.log(JSON.stringify(await runLspBench()));

// Bundles the two programs Totem ships: the `totem` CLI (which also serves `totem lsp --stdio`)
// and the VS Code extension with its language server. Sources are read through the `source`
// export condition, so no TypeScript build step is needed first.
import { build } from "esbuild";
import { existsSync, rmSync } from "node:fs";

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  conditions: ["source"],
  sourcemap: "linked",
  logLevel: "warning",
  legalComments: "none",
};

// ESM output that still contains CommonJS dependencies (vscode-languageserver) needs `require`.
const esmRequireShim =
  'import { createRequire as __totemCreateRequire } from "node:module"; const require = __totemCreateRequire(import.meta.url);';

const CLI_CHUNKS = "packages/cli/dist/chunks";

// `node scripts/build.mjs extension` builds only what the .vsix holds (used by `npm run package`).
const only = process.argv[2];
const jobs = [];
if (only !== "extension") {
  // The CLI is split (ESM only): dist/totem.mjs holds the dispatcher, and each command, loaded by a
  // dynamic import in packages/cli/src/main.ts, is a chunk under dist/chunks/ with the libraries only
  // it uses, so a run parses just the code its command needs. Chunks from an earlier build go first.
  // Verification workers start dist/totem.mjs again, found from their chunk (verify-workers.ts).
  rmSync(CLI_CHUNKS, { recursive: true, force: true });
  jobs.push(
    build({
      ...common,
      entryPoints: { totem: "packages/cli/src/bin.ts" },
      outdir: "packages/cli/dist",
      outExtension: { ".js": ".mjs" },
      chunkNames: "chunks/[name]-[hash]",
      splitting: true,
      format: "esm",
      banner: { js: esmRequireShim },
    }),
  );
}

if (existsSync("packages/vscode-extension/src/extension.ts")) {
  jobs.push(
    build({
      ...common,
      entryPoints: ["packages/vscode-extension/src/extension.ts"],
      outfile: "packages/vscode-extension/dist/extension.cjs",
      format: "cjs",
      minify: true, // keeps the .vsix small; the linked source map (not packaged) keeps it debuggable
      external: ["vscode"],
    }),
  );
}
if (existsSync("packages/lsp/src/server-main.ts")) {
  jobs.push(
    build({
      ...common,
      entryPoints: ["packages/lsp/src/server-main.ts"],
      outfile: "packages/vscode-extension/dist/server.cjs",
      format: "cjs",
      minify: true,
    }),
  );
}

await Promise.all(jobs);

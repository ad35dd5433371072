// Bundles the two programs Totem ships: the `totem` CLI (which also serves `totem lsp --stdio`)
// and the VS Code extension with its language server. Sources are read through the `source`
// export condition, so no TypeScript build step is needed first.
import { build } from "esbuild";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { precompiledSchemas } from "./precompiled-schemas.mjs";

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

/**
 * commander requires node:child_process when it loads, for executable subcommands, which Totem does
 * not have; that pulls in net, stream, dgram and more of Node's own modules, compiled at start-up
 * (several milliseconds of every `totem` run). In the CLI bundle commander gets a stand-in that
 * requires the real module on first use.
 */
const lazyChildProcessForCommander = {
  name: "lazy-child-process-for-commander",
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: "child_process", namespace: "totem-lazy" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "totem-lazy" }, () => ({
      contents: 'let real; module.exports = new Proxy({}, { get: (_, key) => (real ??= require("node:child_process"))[key] });',
      loader: "js",
    }));
  },
};

const CLI_DIST = "packages/cli/dist";
const CLI_CHUNKS = join(CLI_DIST, "chunks");
/** A chunk no build wrote for this long is stale: every chunk a run needs is imported in its first moments. */
const STALE_CHUNK_MS = 60_000;

/**
 * Builds the CLI split (ESM only): dist/totem.mjs holds the dispatcher, and each command, loaded by a
 * dynamic import in packages/cli/src/main.ts, is a chunk under dist/chunks/ with the libraries only it
 * uses, so a run parses just the code its command needs. Verification workers start
 * dist/verify-worker.mjs, found from their chunk (node-io/src/verify-threads.ts).
 *
 * Other processes may run `totem` while this rebuilds (tests build in parallel with each other): chunk
 * names carry a content hash, so new chunks are written first, the entry is then replaced in one
 * rename, and only chunks that are no longer used and older than STALE_CHUNK_MS are removed.
 */
async function buildCli() {
  const result = await build({
    ...common,
    // verify's worker threads start an entry of their own: the checking code without the command line.
    entryPoints: { totem: "packages/cli/src/bin.ts", "verify-worker": "packages/cli/src/verify-worker.ts" },
    outdir: CLI_DIST,
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunks/[name]-[hash]",
    splitting: true,
    // Less source for V8 to parse at every start (the engine chunk shrinks by a third); names are
    // kept, so stack traces still read, and the linked source maps lead back to the sources.
    minifyWhitespace: true,
    minifySyntax: true,
    format: "esm",
    banner: { js: esmRequireShim },
    plugins: [precompiledSchemas(), lazyChildProcessForCommander],
    write: false,
  });
  mkdirSync(CLI_CHUNKS, { recursive: true });
  const chunksFirst = [...result.outputFiles].sort((a, b) => Number(isEntry(a.path)) - Number(isEntry(b.path)));
  for (const file of chunksFirst) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
  const current = new Set(result.outputFiles.map((f) => resolve(f.path)));
  for (const name of readdirSync(CLI_CHUNKS)) {
    const path = resolve(CLI_CHUNKS, name);
    try {
      if (!current.has(path) && Date.now() - statSync(path).mtimeMs > STALE_CHUNK_MS) rmSync(path, { force: true });
    } catch {
      // removed meanwhile by a parallel build
    }
  }
}

/** Whether an output file is the CLI's entry (or its map) rather than a chunk. */
function isEntry(path) {
  return dirname(resolve(path)) === resolve(CLI_DIST);
}

// `node scripts/build.mjs extension` builds only what the .vsix holds (used by `npm run package`);
// `node scripts/build.mjs cli` only the CLI (used by scripts/pack-cli.mjs).
const only = process.argv[2];
const jobs = [];
if (only !== "extension") jobs.push(buildCli());

if (only !== "cli" && existsSync("packages/vscode-extension/src/extension.ts")) {
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
if (only !== "cli" && existsSync("packages/lsp/src/server-main.ts")) {
  jobs.push(
    build({
      ...common,
      entryPoints: ["packages/lsp/src/server-main.ts"],
      outfile: "packages/vscode-extension/dist/server.cjs",
      format: "cjs",
      minify: true,
      // node-io's verify-threads reads import.meta.url to find its worker bundle. A CommonJS bundle has
      // no import.meta: esbuild warns on every build (npm ci's postinstall too) and would leave it
      // empty. Give it the bundle's own URL: it ends in .cjs, so should that code ever be bundled
      // here, it finds no worker bundle and verifies on the server's thread.
      banner: { js: 'const __totemImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
      define: { "import.meta.url": "__totemImportMetaUrl" },
    }),
  );
}

await Promise.all(jobs);

// `npm run pack:cli [-- --out DIR]`: the installable `totem` CLI as an npm tarball
// (`totem-cli-<version>.tgz`) that installs offline. The CLI bundle (scripts/build.mjs) already holds
// engine, dsl, node-io, lsp and every library they use, so the package has no dependencies: it is
// bin/totem.js, the bundle's two entries (dist/totem.mjs, dist/verify-worker.mjs) and exactly the
// chunks they import (dist/chunks keeps older chunks for a while for processes still running),
// README.md, and a package.json made from packages/cli/package.json without the workspace fields.
// Prints the tarball's path on stdout.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(ROOT, "packages/cli");
const ENTRIES = ["dist/totem.mjs", "dist/verify-worker.mjs"];

/** The package.json published: the CLI's own fields, no workspace dependencies, no source exports. */
export function publishedManifest(manifest) {
  const { private: _private, exports: _exports, dependencies: _dependencies, devDependencies: _dev, ...rest } = manifest;
  return { ...rest, files: ["bin/", "dist/", "README.md"] };
}

/**
 * The files the entries import, transitively: every relative `.mjs` string in them that names an
 * existing file (imports, and the worker's URL, which is tried from two places).
 */
export function reachableFiles(root, entries) {
  const seen = new Set();
  const walk = (file) => {
    if (seen.has(file) || !existsSync(join(root, file))) return;
    seen.add(file);
    const text = readFileSync(join(root, file), "utf8");
    for (const m of text.matchAll(/["'](\.\.?\/[^"'\s]+\.mjs)["']/g)) walk(join(dirname(file), m[1]));
  };
  for (const entry of entries) walk(entry);
  return [...seen].sort();
}

function main() {
  const outFlag = process.argv.indexOf("--out");
  const out = resolve(outFlag > 0 ? process.argv[outFlag + 1] : ROOT);
  execFileSync(process.execPath, [join(ROOT, "scripts/build.mjs"), "cli"], { cwd: ROOT, stdio: "inherit" });
  const stage = mkdtempSync(join(tmpdir(), "totem-pack-"));
  try {
    const manifest = JSON.parse(readFileSync(join(CLI, "package.json"), "utf8"));
    writeFileSync(join(stage, "package.json"), `${JSON.stringify(publishedManifest(manifest), null, 2)}\n`);
    for (const file of ["bin/totem.js", ...reachableFiles(CLI, ENTRIES)]) {
      mkdirSync(dirname(join(stage, file)), { recursive: true });
      copyFileSync(join(CLI, file), join(stage, file));
    }
    copyFileSync(join(CLI, "README.md"), join(stage, "README.md"));
    mkdirSync(out, { recursive: true });
    const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", out], { cwd: stage, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }));
    process.stdout.write(`${join(out, packed[0].filename)}\n`);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();

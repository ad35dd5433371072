// The layering check: every import in packages/*/src must follow the arrows in ARCHITECTURE.md.
//   engine  → nothing of ours, no I/O modules
//   dsl     → engine, no I/O modules
//   node-io → engine (the Node I/O the CLI and the language server share: files, processes)
//   lsp     → engine, dsl, node-io, vscode-languageserver*
//   cli     → engine, dsl, lsp (for `totem lsp --stdio`), node-io
//   vscode-extension → vscode, vscode-languageclient (talks to the server only through the protocol)
// Only lsp may import vscode-languageserver; only the extension may import vscode. Within a package,
// no import circles (value imports; type-only ones are erased).
// Usage: node scripts/check-layers.mjs [ROOT]   (exit 1 and one line per violation when it fails)
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const IO_MODULES = ["fs", "fs/promises", "child_process", "net", "http", "https", "http2", "dgram", "readline", "worker_threads", "cluster", "tty", "os"];

/** What each layer may import: our packages, plus a predicate over third-party specifiers. */
export const LAYERS = {
  engine: { ours: [], thirdParty: (s) => !isProtocol(s) && !isIo(s) },
  dsl: { ours: ["engine"], thirdParty: (s) => !isProtocol(s) && !isIo(s) },
  "node-io": { ours: ["engine"], thirdParty: (s) => !isProtocol(s) },
  lsp: { ours: ["engine", "dsl", "node-io"], thirdParty: (s) => !isVscode(s) && !s.startsWith("vscode-languageclient") },
  cli: { ours: ["engine", "dsl", "lsp", "node-io"], thirdParty: (s) => !isProtocol(s) },
  // The extension talks to our code only over the protocol; it may name the protocol's types
  // (type-only imports of the language server's types-only module, erased when bundled).
  "vscode-extension": { ours: [], typesOnly: ["@totem/lsp/protocol"], thirdParty: (s) => !s.startsWith("vscode-languageserver") },
};

function bare(spec) {
  return spec.startsWith("node:") ? spec.slice(5) : spec;
}
function isIo(spec) {
  return IO_MODULES.includes(bare(spec));
}
function isVscode(spec) {
  return spec === "vscode";
}
function isProtocol(spec) {
  return isVscode(spec) || spec.startsWith("vscode-languageserver") || spec.startsWith("vscode-languageclient");
}

const IMPORT_RE =
  /(?:^|[^\w.$])(?:import|export)\s[^"'`;]*?from\s*["']([^"']+)["']|(?:^|[^\w.$])import\s*["']([^"']+)["']|(?:^|[^\w.$])(?:import|require)\s*\(\s*["']([^"']+)["']\s*\)/gm;

/** Every import specifier in a source text, with its 1-based line and whether it is type-only. */
export function importsOf(source) {
  const text = withoutComments(source);
  const found = [];
  for (const m of text.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2] ?? m[3];
    const line = text.slice(0, m.index).split("\n").length + (m[0].startsWith("\n") ? 1 : 0);
    found.push({ spec, line, typeOnly: /^[^a-z]*(?:import|export)\s+type\s/.test(m[0]) });
  }
  return found;
}

/** Blanks out comment lines (doc comments often show example imports), keeping line numbers. */
function withoutComments(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " "))
    .replace(/^[ \t]*\/\/.*$/gm, "");
}

function* sourceFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(m|c)?[tj]sx?$/.test(name) && !name.endsWith(".d.ts")) yield path;
  }
}

/** Returns the violations under ROOT/packages/<layer>/src as `file:line: message` strings. */
export function checkLayers(root) {
  const violations = [];
  for (const [layer, rule] of Object.entries(LAYERS)) {
    const srcDir = join(root, "packages", layer, "src");
    /**
     * Relative imports between this package's files: no circles. Type-only imports are erased when
     * compiled, so they are not edges (a type may name the module that uses it).
     */
    const graph = new Map();
    for (const file of sourceFiles(srcDir)) {
      const where = relative(root, file).split(sep).join("/");
      const edges = [];
      for (const { spec, line, typeOnly } of importsOf(readFileSync(file, "utf8"))) {
        const problem = typeOnly && rule.typesOnly?.includes(spec) ? null : judge(layer, rule, spec, file, srcDir);
        if (problem) violations.push(`${where}:${line}: ${problem}`);
        else if (spec.startsWith(".") && !typeOnly) edges.push({ target: sourceOf(resolve(file, "..", spec)), line });
      }
      graph.set(file, edges);
    }
    for (const circle of circles(graph)) {
      const names = circle.map((f) => relative(root, f).split(sep).join("/"));
      violations.push(`${names[0]}: import circle ${[...names, names[0]].join(" → ")}; move what both sides need into a module of its own`);
    }
  }
  return violations;
}

/** The source file an import names: `./x.js` is `./x.ts` (NodeNext), or the file itself. */
function sourceOf(path) {
  for (const candidate of [path.replace(/\.(m|c)?js$/, ".$1ts"), path, `${path}.ts`, join(path, "index.ts")]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return path;
}

/** Each import circle in a graph once (as the files on it, from the one first reached). */
function circles(graph) {
  const found = [];
  const state = new Map(); // 1: on the current path, 2: done
  const path = [];
  const visit = (file) => {
    state.set(file, 1);
    path.push(file);
    for (const { target } of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (state.get(target) === 1) found.push(path.slice(path.indexOf(target)));
      else if (!state.has(target)) visit(target);
    }
    path.pop();
    state.set(file, 2);
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return found;
}

function judge(layer, rule, spec, file, srcDir) {
  if (spec.startsWith(".")) {
    const target = resolve(file, "..", spec);
    return target.startsWith(srcDir + sep) || target === srcDir
      ? null
      : `${layer} reaches outside its package with "${spec}"; import the other package by name`;
  }
  const ours = /^@totem\/([^/]+)/.exec(spec);
  if (ours) {
    const pkg = ours[1] === "vscode" ? "vscode-extension" : ours[1];
    return rule.ours.includes(pkg) ? null : `${layer} must not import ${spec} (allowed: ${rule.ours.join(", ") || "nothing of ours"})`;
  }
  if (!rule.thirdParty(spec)) {
    if (isIo(spec)) return `${layer} must do no I/O but imports "${spec}"; take contents as parameters`;
    return `${layer} must not import "${spec}" (only lsp speaks vscode-languageserver, only the extension imports vscode)`;
  }
  return null;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? ".");
  const violations = checkLayers(root);
  for (const v of violations) console.error(v);
  if (violations.length > 0) {
    console.error(`layers: ${violations.length} import(s) go against the arrows in ARCHITECTURE.md`);
    process.exit(1);
  }
  console.log("layers: every import follows the arrows");
}

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without types
import { checkLayers, importsOf } from "../../scripts/check-layers.mjs";

let root = "";
function tree(files: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), "totem-layers-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = "";
});

describe("layering check", () => {
  it("passes the repository itself", () => {
    expect(checkLayers(join(__dirname, "../.."))).toEqual([]);
  });

  it("accepts imports along the arrows", () => {
    const r = tree({
      "packages/dsl/src/a.ts": 'import { x } from "@totem/engine";\nimport { y } from "./b.js";\n',
      "packages/lsp/src/s.ts": 'import { c } from "vscode-languageserver/node.js";\nimport "@totem/dsl";\n',
      "packages/cli/src/m.ts": 'import { readFileSync } from "node:fs";\nimport { l } from "@totem/lsp";\n',
      "packages/vscode-extension/src/e.ts": 'import * as vscode from "vscode";\n',
    });
    expect(checkLayers(r)).toEqual([]);
  });

  it("fails when the engine imports the dsl", () => {
    const r = tree({ "packages/engine/src/bad.ts": 'import { parse } from "@totem/dsl";\n' });
    expect(checkLayers(r)).toEqual([
      "packages/engine/src/bad.ts:1: engine must not import @totem/dsl (allowed: nothing of ours)",
    ]);
  });

  it("fails when the dsl does file I/O", () => {
    const r = tree({ "packages/dsl/src/io.ts": '\nimport { readFileSync } from "node:fs";\n' });
    expect(checkLayers(r)).toEqual([
      'packages/dsl/src/io.ts:2: dsl must do no I/O but imports "node:fs"; take contents as parameters',
    ]);
  });

  it("fails when a layer other than lsp speaks the protocol", () => {
    const r = tree({
      "packages/cli/src/x.ts": 'const p = require("vscode-languageserver");\n',
      "packages/lsp/src/y.ts": 'export * from "vscode";\n',
    });
    expect(checkLayers(r)).toHaveLength(2);
  });

  it("lets node-io do I/O over the engine, and lsp and cli use it", () => {
    const r = tree({
      "packages/node-io/src/run.ts": 'import { spawn } from "node:child_process";\nimport { ok } from "@totem/engine";\n',
      "packages/lsp/src/k.ts": 'import { readFileBounded } from "@totem/node-io";\n',
      "packages/cli/src/r.ts": 'import { runProcess } from "@totem/node-io";\n',
    });
    expect(checkLayers(r)).toEqual([]);
  });

  it("fails when node-io imports the dsl or the language server, or the engine imports node-io", () => {
    const r = tree({
      "packages/node-io/src/a.ts": 'import "@totem/dsl";\nimport "vscode-languageserver";\n',
      "packages/engine/src/b.ts": 'import "@totem/node-io";\n',
    });
    expect(checkLayers(r)).toEqual([
      "packages/engine/src/b.ts:1: engine must not import @totem/node-io (allowed: nothing of ours)",
      "packages/node-io/src/a.ts:1: node-io must not import @totem/dsl (allowed: engine)",
      'packages/node-io/src/a.ts:2: node-io must not import "vscode-languageserver" (only lsp speaks vscode-languageserver, only the extension imports vscode)',
    ]);
  });

  it("fails on a relative import that escapes the package", () => {
    const r = tree({ "packages/dsl/src/z.ts": 'import "../../engine/src/index.js";\n' });
    expect(checkLayers(r)[0]).toMatch(/reaches outside its package/);
  });

  it("finds static, dynamic, re-export and side-effect imports", () => {
    const specs = importsOf('import a from "a";\nexport { b } from "b";\nimport "c";\nawait import("d");\n').map(
      (i: { spec: string }) => i.spec,
    );
    expect(specs).toEqual(["a", "b", "c", "d"]);
  });

  it("fails on an import circle inside a package, naming each file on it", () => {
    const r = tree({
      "packages/lsp/src/server.ts": 'import { hover } from "./hover.js";\nexport const state = {};\n',
      "packages/lsp/src/hover.ts": 'import { docs } from "./docs.js";\nexport const hover = 1;\n',
      "packages/lsp/src/docs.ts": 'import { state } from "./server.js";\nexport const docs = 2;\n',
    });
    expect(checkLayers(r)).toEqual([
      "packages/lsp/src/docs.ts: import circle packages/lsp/src/docs.ts → packages/lsp/src/server.ts → packages/lsp/src/hover.ts → packages/lsp/src/docs.ts; move what both sides need into a module of its own",
    ]);
  });

  it("lets a type-only import name the module that uses it (erased when compiled: no circle)", () => {
    const r = tree({
      "packages/lsp/src/server.ts": 'import { hover } from "./hover.js";\nexport interface State {}\n',
      "packages/lsp/src/hover.ts": 'import type { State } from "./server.js";\nexport const hover = 1;\n',
    });
    expect(checkLayers(r)).toEqual([]);
  });
});

describe("layering check and comments", () => {
  it("ignores imports shown in comments", () => {
    const text = '/**\n * import { x } from "@totem/dsl";\n */\n// import "node:fs";\nimport { y } from "./y.js";\n';
    expect(importsOf(text)).toEqual([{ spec: "./y.js", line: 5, typeOnly: false }]);
  });
});

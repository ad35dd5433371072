// An esbuild plugin for the CLI bundle: replaces packages/engine/src/load/schemas.ts with the same
// validators compiled ahead of time by ajv's standalone code generator. Compiling the four schemas
// at run time cost `totem verify` tens of milliseconds of code generation on every start, and
// shipped ajv's compiler (a few hundred KB) to parse. Sources and tests keep compiling at run time.
//
// To generate exactly what schemas.ts compiles, schemas.ts itself is bundled and run once here with
// `ajv` swapped for a subclass that keeps the generated source (`code.source`) and the instance, so
// the options (strict, unicodeRegExp, ...) and the schemas come from that one file.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const SCHEMAS = fileURLToPath(new URL("../packages/engine/src/load/schemas.ts", import.meta.url));
const ENGINE = fileURLToPath(new URL("../packages/engine", import.meta.url));
const requireFromEngine = createRequire(join(ENGINE, "package.json"));

/** Runs schemas.ts with a recording Ajv; returns the standalone ESM module for its validators. */
async function standaloneModule() {
  const ajvPath = requireFromEngine.resolve("ajv");
  const standalonePath = requireFromEngine.resolve("ajv/dist/standalone");
  // The code generator must be the same module copy as the compiler (it checks its own classes).
  const recorder = `import * as real from ${JSON.stringify(ajvPath)};
import standalone from ${JSON.stringify(standalonePath)};
export * from ${JSON.stringify(ajvPath)};
globalThis.__totemStandaloneCode = standalone.default ?? standalone;
export class Ajv extends real.Ajv {
  constructor(opts = {}) {
    super({ ...opts, code: { ...opts.code, source: true, esm: true } });
    globalThis.__totemRecordedAjv = this;
  }
}
export default Ajv;`;
  const bundled = await build({
    entryPoints: [SCHEMAS],
    bundle: true,
    platform: "node",
    format: "esm",
    write: false,
    logLevel: "warning",
    banner: { js: 'import { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);' },
    plugins: [
      {
        name: "record-ajv",
        setup(b) {
          b.onResolve({ filter: /^ajv$/ }, (args) => (args.pluginData === "real" ? undefined : { path: "ajv-recorder", namespace: "rec" }));
          b.onLoad({ filter: /.*/, namespace: "rec" }, () => ({ contents: recorder, resolveDir: ENGINE, loader: "js" }));
        },
      },
    ],
  });
  const dir = mkdtempSync(join(tmpdir(), "totem-schemas-"));
  try {
    const file = join(dir, "schemas.mjs");
    writeFileSync(file, bundled.outputFiles[0].contents);
    const { validators } = await import(pathToFileURL(file).href);
    const compiled = validators();
    const ajv = globalThis.__totemRecordedAjv;
    if (!ajv || typeof compiled !== "object") {
      throw new Error("precompiled-schemas: schemas.ts no longer builds its validators with `new Ajv` from \"ajv\" in validators(); update scripts/precompiled-schemas.mjs");
    }
    const names = Object.keys(compiled);
    for (const name of names) ajv.addSchema(compiled[name].schema, name);
    const code = globalThis.__totemStandaloneCode(ajv, Object.fromEntries(names.map((n) => [n, n])));
    return `${code}
/** The load validators, compiled ahead of time (scripts/precompiled-schemas.mjs). */
export function validators() { return { ${names.join(", ")} }; }
`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The esbuild plugin: schemas.ts → its precompiled validators. */
export function precompiledSchemas() {
  let module;
  return {
    name: "precompiled-schemas",
    setup(b) {
      b.onLoad({ filter: /[\\/]engine[\\/]src[\\/]load[\\/]schemas\.ts$/ }, async (args) => {
        if (resolve(args.path) !== SCHEMAS) return undefined;
        module ??= await standaloneModule();
        return { contents: module, loader: "js", resolveDir: dirname(SCHEMAS) };
      });
    },
  };
}

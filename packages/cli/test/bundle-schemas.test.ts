// The CLI bundle replaces the engine's run-time schema compilation with validators generated ahead
// of time (scripts/precompiled-schemas.mjs). They must be the same validators: same verdict and
// same first error (the loader's messages come from it) on real in-toto files and broken variants.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { validators as atRunTime } from "../../engine/src/load/schemas.js";
import { ROOT } from "./run-cli.js";

type Validate = ((data: unknown) => boolean) & { errors?: unknown };
type Validators = Record<"metablock" | "dsse" | "layout" | "link", Validate>;
let precompiled: Validators;

beforeAll(async () => {
  const { precompiledSchemas } = await import(pathToFileURL(join(ROOT, "scripts/precompiled-schemas.mjs")).href);
  const schemas = join(ROOT, "packages/engine/src/load/schemas.ts");
  const out = await build({
    stdin: { contents: `export { validators } from ${JSON.stringify(schemas)};`, resolveDir: ROOT, loader: "js" },
    bundle: true,
    platform: "node",
    format: "esm",
    write: false,
    logLevel: "error",
    banner: { js: 'import { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);' },
    plugins: [precompiledSchemas()],
  });
  const file = join(mkdtempSync(join(tmpdir(), "totem-precompiled-")), "validators.mjs");
  writeFileSync(file, out.outputFiles[0]?.contents ?? "");
  precompiled = (await import(pathToFileURL(file).href)).validators();
}, 60_000);

/** Every in-toto file among the engine's fixtures: links, layouts and DSSE envelopes. */
function fixtureFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return fixtureFiles(path);
    return /\.(link|layout|dsse)$/.test(name) ? [path] : [];
  });
}

/** An object and its broken variants: each field dropped, or replaced by a number. */
function broken(obj: Record<string, unknown>): Record<string, unknown>[] {
  return Object.keys(obj).flatMap((key) => {
    const { [key]: _dropped, ...rest } = obj;
    return [rest, { ...obj, [key]: 42 }];
  });
}

/** The document and broken variants of it and (Metablock) of its signed payload. */
function variants(doc: Record<string, unknown>): Record<string, unknown>[] {
  const out = [doc, { ...doc, signatures: [{ keyid: "zz", sig: 1 }] }, ...broken(doc)];
  const signed = doc.signed;
  if (signed && typeof signed === "object") out.push(...broken(signed as Record<string, unknown>).map((s) => ({ ...doc, signed: s })));
  return out;
}

/** Runs one validator of each set on data: the verdict and the errors it reports. */
function both(name: keyof Validators, data: unknown): [unknown, unknown] {
  const a = atRunTime()[name] as Validate;
  const b = precompiled[name];
  return [
    { valid: a(data), errors: a.errors ?? null },
    { valid: b(data), errors: b.errors ?? null },
  ];
}

describe("precompiled load validators (CLI bundle)", () => {
  const files = fixtureFiles(join(ROOT, "packages/engine/test/fixtures"));

  it("cover the same schemas as the engine's", () => {
    expect(Object.keys(precompiled).sort()).toEqual(Object.keys(atRunTime()).sort());
    expect(files.length).toBeGreaterThan(5);
  });

  it("judge real and broken links, layouts and envelopes exactly as the run-time ones", () => {
    let invalid = 0;
    for (const file of files) {
      const doc = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
      const dsse = "payloadType" in doc;
      for (const v of variants(doc)) {
        const [runtime, ahead] = both(dsse ? "dsse" : "metablock", v);
        expect(ahead, file).toEqual(runtime);
        if (!(runtime as { valid: boolean }).valid) invalid++;
        const signed = (v as { signed?: { _type?: string } }).signed;
        if (!dsse && (signed?._type === "link" || signed?._type === "layout")) {
          const [r, a] = both(signed._type, signed);
          expect(a, `${file} signed`).toEqual(r);
          if (!(r as { valid: boolean }).valid) invalid++;
        }
      }
    }
    expect(invalid).toBeGreaterThan(20); // the broken variants were really broken
  });
});

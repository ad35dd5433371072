// The import guarantee over every layout we can produce: random layouts (fast-check), the layouts
// Totem compiles from examples/, and re-imports. For each, lower(parse(import(L))) must give L's
// canonical payload bytes, and the importer must report no issue for layouts Totem can express.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { type ArtifactRule, canonicalString, type Inspection, type Layout, layoutToJson, loadEnvelope, type PublicKey, type Step } from "@totem/engine";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compilePolicy, type ImportResult, importLayout, lower, parse, targetsIte10 } from "../src/index.js";

const ROOT = resolve(import.meta.dirname, "../../..");
const LAYOUTS = join(import.meta.dirname, "fixtures", "import", "layouts");

function relowered(result: ImportResult): string | undefined {
  const files = new Map(result.keyFiles.map((k) => [k.path, k.text]));
  const lowered = lower(parse(result.source).file, { readKey: (p) => files.get(p), now: new Date(0), target: result.target });
  return lowered.layout === undefined ? undefined : canonicalString(layoutToJson(lowered.layout));
}

/** The functionary keys of the reference fixtures (ed25519, RSA, ECDSA), as 1.3 layout keys. */
function fixtureKeys(): PublicKey[] {
  const loaded = loadEnvelope(readFileSync(join(LAYOUTS, "everything.layout")), { expect: "layout" });
  if (!loaded.ok || loaded.value.type !== "layout") throw new Error("fixture does not load");
  return Object.values(loaded.value.layout.keys);
}

const KEYS = fixtureKeys();
const NAME = fc.stringMatching(/^[a-z][a-z0-9_-]{0,6}$/);
const TEXT = fc.string({ unit: fc.oneof(fc.constantFrom(..."ab/.*?-_ \"'\n\t\u0000é😀ＦＵＬＬ|`$"), fc.string({ unit: "grapheme", maxLength: 1 })), maxLength: 12 });
const PATTERN = TEXT.filter((p) => p.length > 0 && !/[\\[\]]/.test(p));
const PATH = PATTERN.filter((p) => !/[*?]/.test(p));
const COMMAND = fc.array(TEXT, { maxLength: 4 });
const EXPIRES = fc
  .date({ min: new Date("2001-01-01T00:00:00Z"), max: new Date("2098-12-31T23:59:59Z"), noInvalidDate: true })
  .map((d) => `${d.toISOString().slice(0, 19)}Z`);

function rule(items: string[]): fc.Arbitrary<ArtifactRule> {
  return fc.oneof(
    fc.record({ type: fc.constantFrom("create" as const, "delete" as const, "modify" as const, "allow" as const, "disallow" as const), pattern: PATTERN }),
    fc.record({ type: fc.constant("require" as const), pattern: PATH }),
    fc
      .record({
        pattern: PATTERN,
        sourcePrefix: fc.option(PATH, { nil: undefined }),
        destinationType: fc.constantFrom("materials" as const, "products" as const),
        destinationPrefix: fc.option(PATH, { nil: undefined }),
        destinationName: fc.constantFrom(...items),
      })
      .map((r) => {
        const out: ArtifactRule = { type: "match", pattern: r.pattern, destinationType: r.destinationType, destinationName: r.destinationName };
        if (r.sourcePrefix !== undefined) out.sourcePrefix = r.sourcePrefix;
        if (r.destinationPrefix !== undefined) out.destinationPrefix = r.destinationPrefix;
        return out;
      }),
  );
}

/** A random layout Totem can express: names, keys, thresholds, rules, commands, text. */
const LAYOUT: fc.Arbitrary<Layout> = fc
  .record({
    names: fc.uniqueArray(NAME, { minLength: 1, maxLength: 5 }),
    inspections: fc.nat({ max: 2 }),
    nonstandard: fc.boolean(),
    keyCount: fc.integer({ min: 1, max: KEYS.length }),
  })
  .chain(({ names, inspections, nonstandard, keyCount }) => {
    const keys: Record<string, PublicKey> = {};
    for (const key of KEYS.slice(0, keyCount)) keys[key.keyid] = key;
    if (nonstandard) {
      const odd = { ...KEYS[0]!, keyid: "00ff".repeat(16) };
      keys[odd.keyid] = odd;
    }
    const ids = Object.keys(keys);
    const stepCount = Math.max(1, names.length - inspections);
    const rules = fc.array(rule(names), { maxLength: 4 });
    const step = (name: string): fc.Arbitrary<Step> =>
      fc.subarray(ids, { minLength: 1 }).chain((pubkeys) =>
        fc.record({
          _type: fc.constant("step" as const),
          name: fc.constant(name),
          threshold: fc.integer({ min: 1, max: pubkeys.length }),
          pubkeys: fc.constant(pubkeys),
          expected_command: COMMAND,
          expected_materials: rules,
          expected_products: rules,
        }),
      );
    const inspection = (name: string): fc.Arbitrary<Inspection> =>
      fc.record({ _type: fc.constant("inspection" as const), name: fc.constant(name), run: fc.array(TEXT, { minLength: 1, maxLength: 4 }).filter((argv) => argv.some((a) => a !== "")), expected_materials: rules, expected_products: rules });
    return fc.record({
      _type: fc.constant("layout" as const),
      expires: EXPIRES,
      readme: TEXT,
      keys: fc.constant(keys),
      steps: fc.tuple(...names.slice(0, stepCount).map(step)),
      inspect: fc.tuple(...names.slice(stepCount).map(inspection)),
    });
  });

describe("the import round trip", () => {
  it("reproduces the payload bytes of random layouts, inline and with key files", () => {
    fc.assert(
      fc.property(LAYOUT, fc.boolean(), (layout, files) => {
        const result = importLayout(layout, files ? { keysDir: "keys" } : {});
        // Only warnings (a nonstandard keyid stays inline instead of in a key file).
        expect(result.issues.filter((i) => i.severity === "error")).toEqual([]);
        expect(relowered(result)).toBe(canonicalString(layoutToJson(layout)));
        // Importing the imported policy's layout again gives the same text: the import is stable.
        expect(importLayout(layout, files ? { keysDir: "keys" } : {}).source).toBe(result.source);
      }),
      { numRuns: 60 },
    );
  });

  it("never throws, and reports an issue instead, for layouts with arbitrary names, keys and numbers", () => {
    const ANY = fc.string({ unit: "binary", maxLength: 8 });
    const anyRule: fc.Arbitrary<ArtifactRule> = fc.oneof(
      fc.record({ type: fc.constantFrom("create" as const, "require" as const, "disallow" as const), pattern: ANY }),
      fc.record({ type: fc.constant("match" as const), pattern: ANY, destinationType: fc.constant("products" as const), destinationName: ANY }),
    );
    const anyKey = fc.record({ keyid: ANY, keytype: ANY, scheme: ANY, keyval: fc.record({ public: ANY }) });
    const anyLayout = fc.record({
      _type: fc.constant("layout" as const),
      expires: ANY,
      readme: ANY,
      keys: fc.dictionary(ANY, anyKey, { maxKeys: 3 }),
      steps: fc.array(
        fc.record({
          _type: fc.constant("step" as const),
          name: ANY,
          threshold: fc.integer({ min: -3, max: 5 }),
          pubkeys: fc.array(ANY, { maxLength: 3 }),
          expected_command: fc.array(ANY, { maxLength: 3 }),
          expected_materials: fc.array(anyRule, { maxLength: 3 }),
          expected_products: fc.array(anyRule, { maxLength: 3 }),
        }),
        { maxLength: 3 },
      ),
      inspect: fc.constant([]),
    });
    fc.assert(
      fc.property(anyLayout, (layout) => {
        const result = importLayout(layout as Layout);
        if (result.issues.every((i) => i.severity !== "error")) expect(relowered(result)).toBe(canonicalString(layoutToJson(layout as Layout)));
      }),
      { numRuns: 40 },
    );
  });

  const examples = readdirSync(join(ROOT, "examples"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(ROOT, "examples", d.name)).filter((f) => f.endsWith(".totem")).map((f) => join(ROOT, "examples", d.name, f)))
    // Target "ite-10" policies are attestation layouts: import-attestations.test.ts round-trips them.
    .filter((path) => !targetsIte10(parse(readFileSync(path, "utf8")).file.layout));

  it("finds the examples", () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  for (const path of examples) {
    it(`reproduces the layout Totem compiles from ${path.slice(ROOT.length + 1)}`, () => {
      const readKey = (p: string) => {
        try {
          return readFileSync(resolve(dirname(path), p), "utf8");
        } catch {
          return undefined;
        }
      };
      const compiled = compilePolicy(readFileSync(path, "utf8"), { readKey, now: new Date("2026-06-01T00:00:00Z") });
      expect(compiled.layout, compiled.diagnostics.map((d) => d.message).join("\n")).toBeDefined();
      const layout = compiled.layout as Layout;
      for (const options of [{}, { keysDir: "keys" }, { target: compiled.target === "in-toto" ? ("in-toto-1.3" as const) : ("in-toto" as const) }]) {
        const result = importLayout(layout, options);
        expect(result.issues).toEqual([]);
        expect(relowered(result)).toBe(canonicalString(layoutToJson(layout)));
      }
    });
  }
});

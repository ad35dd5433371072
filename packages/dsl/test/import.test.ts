// importLayout through the public API: golden policies for layouts made by the in-toto 1.3.1
// reference tools (fixtures/import/layouts, see its README), the round-trip guarantee
// lower(parse(import(L))) ≡ L byte for byte, and a clear issue wherever that is impossible.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { canonicalize, canonicalString, fromHex, type Layout, layoutToJson, loadEnvelope, type PublicKey, verifySignature } from "@totem/engine";
import { describe, expect, it } from "vitest";
import { format, functionaryNames, type ImportResult, importLayout, lower, parse, payloadFidelity } from "../src/index.js";

const DIR = join(import.meta.dirname, "fixtures", "import");
const UPDATE = process.env.UPDATE_GOLDENS === "1";

function load(name: string) {
  const loaded = loadEnvelope(readFileSync(join(DIR, "layouts", name)), { expect: "layout" });
  if (!loaded.ok || loaded.value.type !== "layout") throw new Error(`fixture ${name} does not load`);
  return loaded.value;
}

function rawSigned(name: string): unknown {
  const json = JSON.parse(readFileSync(join(DIR, "layouts", name), "utf8"));
  return "signed" in json ? json.signed : JSON.parse(Buffer.from(json.payload, "base64").toString("utf8"));
}

function golden(file: string, actual: string): void {
  const path = join(DIR, "expected", file);
  if (UPDATE || !existsSync(path)) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, "utf8"));
}

/** Lowers an import result with its own key files and returns the payload's canonical JSON. */
function relowered(result: ImportResult): string {
  const parsed = parse(result.source);
  expect(parsed.diagnostics).toEqual([]);
  const files = new Map(result.keyFiles.map((k) => [k.path, k.text]));
  const lowered = lower(parsed.file, { readKey: (p) => files.get(p), now: new Date("2026-01-01T00:00:00Z"), target: result.target });
  expect(lowered.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return canonicalString(layoutToJson(lowered.layout as Layout));
}

const LOSSLESS = ["demo.layout", "everything.layout", "everything.two-signatures.layout", "golang-style.layout", "modern.layout", "modern.dsse.layout"];

describe("importLayout on reference layouts", () => {
  const names = readdirSync(join(DIR, "layouts")).filter((f) => f.endsWith(".layout"));

  it("covers every reference layout in the fixtures", () => {
    expect(names.sort()).toEqual([...LOSSLESS, "lowercase-rules.layout", "unicode-nonstandard.layout"].sort());
  });

  for (const name of LOSSLESS) {
    it(`imports ${name} to a formatted policy that lowers to the same payload bytes`, () => {
      const loaded = load(name);
      const result = importLayout(loaded.layout, { name: name.replace(/\.layout$/, ""), signatures: loaded.signatures, envelope: loaded.envelope });
      expect(result.issues).toEqual([]);
      expect(payloadFidelity(rawSigned(name) as never, loaded.layout)).toEqual([]);
      expect(format(result.source)).toBe(result.source);
      expect(relowered(result)).toBe(canonicalString(layoutToJson(loaded.layout)));
      golden(name.replace(/\.layout$/, ".totem"), result.source);
    });
  }

  it("compiles imports back to bytes that the reference tools' own signatures verify", () => {
    // The owner key in-toto 1.3.1 signed the fixtures with (TEST KEY, fixtures/import/README.md).
    const owner = JSON.parse(readFileSync(join(DIR, "layouts", "owner.private.json"), "utf8"));
    const key = { keytype: owner.keytype, scheme: owner.scheme, keyval: { public: owner.keyval.public } };
    for (const name of ["demo.layout", "everything.layout", "everything.two-signatures.layout", "golang-style.layout", "modern.layout"]) {
      const loaded = load(name);
      const result = importLayout(loaded.layout);
      const parsed = parse(result.source);
      const lowered = lower(parsed.file, { readKey: () => undefined, now: new Date(0), target: result.target });
      const bytes = canonicalize(layoutToJson(lowered.layout as Layout));
      const signature = loaded.signatures.find((s) => s.keyid === owner.keyid);
      expect(signature, name).toBeDefined();
      expect(verifySignature(key, bytes, fromHex(signature!.sig) as Uint8Array), name).toBe(true);
      const tampered = canonicalize(layoutToJson({ ...(lowered.layout as Layout), readme: "x" }));
      expect(verifySignature(key, tampered, fromHex(signature!.sig) as Uint8Array), name).toBe(false);
    }
  });

  it("imports with key files that reproduce the same key objects", () => {
    for (const name of ["demo.layout", "everything.layout", "modern.layout"]) {
      const loaded = load(name);
      const result = importLayout(loaded.layout, { keysDir: "keys", name: "k" });
      expect(result.issues).toEqual([]);
      expect(result.keyFiles.length).toBe(Object.keys(loaded.layout.keys).length);
      expect(relowered(result)).toBe(canonicalString(layoutToJson(loaded.layout)));
      if (name === "everything.layout") {
        golden("everything.keys-dir.totem", result.source);
        golden("everything.keys.txt", result.keyFiles.map((k) => `== ${k.path}\n${k.text}`).join(""));
      }
    }
  });

  it("keeps a nonstandard keyid but reports an extra key field it cannot write", () => {
    const loaded = load("unicode-nonstandard.layout");
    const result = importLayout(loaded.layout, { name: "unicode-nonstandard" });
    expect(result.issues.map((i) => `${i.severity} ${i.code} ${i.path}`)).toEqual([
      'error import-key-field $.keys["0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"].comment',
    ]);
    expect(result.source).toContain('keyid "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"');
    golden("unicode-nonstandard.totem", result.source);
  });

  it("imports non-ASCII text and the nonstandard keyid byte for byte once the extra field is gone", () => {
    const loaded = load("unicode-nonstandard.layout");
    const keys: Record<string, PublicKey> = {};
    for (const [id, key] of Object.entries(loaded.layout.keys)) keys[id] = { ...key, extra: {} };
    const layout = { ...loaded.layout, keys };
    const result = importLayout(layout);
    expect(result.issues).toEqual([]);
    expect(relowered(result)).toBe(canonicalString(layoutToJson(layout)));
  });

  it("reports lowercase rule keywords, which a re-emitted payload would write in uppercase", () => {
    const loaded = load("lowercase-rules.layout");
    const issues = payloadFidelity(rawSigned("lowercase-rules.layout") as never, loaded.layout);
    expect(issues.map((i) => `${i.code} ${i.path}`)).toEqual([
      "import-payload-changed $.steps[0].expected_products[0][0]",
      "import-payload-changed $.steps[0].expected_products[1][0]",
    ]);
    expect(issues[0]?.message).toContain("lowercase keywords");
    const result = importLayout(loaded.layout, { rawPayload: rawSigned("lowercase-rules.layout") as never });
    expect(result.issues.map((i) => i.code)).toEqual(["import-payload-changed", "import-payload-changed"]);
  });
});

describe("importLayout choices", () => {
  const base = load("demo.layout").layout;

  it("is deterministic: the same layout gives the same text", () => {
    expect(importLayout(base).source).toBe(importLayout(structuredClone(base)).source);
  });

  it("names a key after the one step it alone signs, and others after their keyid", () => {
    const source = importLayout(base).source;
    expect(source).toMatch(/functionary package_signer key/);
    expect(source).toMatch(/functionary key_[0-9a-f]{8} key/);
  });

  it("lengthens key names until they are unique when keyids share their first 8 characters", () => {
    const key = Object.values(base.keys)[0]!;
    const [a, b] = ["abcdef12" + "0".repeat(56), "abcdef12" + "1".repeat(56)];
    const step = { ...base.steps[0]!, pubkeys: [a, b] };
    const layout: Layout = { ...base, keys: { [a]: { ...key, keyid: a }, [b]: { ...key, keyid: b } }, steps: [step], inspect: [] };
    expect([...functionaryNames(layout).values()]).toEqual(["key_abcdef12", "key_abcdef121"]);
  });

  it("writes the target it is told, with keyids spelled out when they differ from that target's", () => {
    const result = importLayout(base, { target: "in-toto" });
    expect(result.target).toBe("in-toto");
    expect(result.source).toContain('target "in-toto"');
    expect(result.source).toContain('hash-algorithms ["sha256", "sha512"]');
    expect(result.issues).toEqual([]);
    expect(relowered(result)).toBe(canonicalString(layoutToJson(base)));
  });

  it("reports names Totem cannot write and steps it cannot express", () => {
    const [first] = base.steps;
    const layout: Layout = {
      ...base,
      steps: [
        { ...first!, name: "1st step" },
        { ...first!, name: "nobody", pubkeys: [], threshold: 1 },
        { ...first!, name: "ghost", pubkeys: [...first!.pubkeys, "ffff"], threshold: 3 },
      ],
      inspect: [{ ...base.inspect[0]!, run: [] }],
    };
    const codes = importLayout(layout).issues.map((i) => `${i.code} ${i.path}`);
    expect(codes).toEqual([
      "import-name $.steps[0].name",
      "import-no-functionary $.steps[1].pubkeys",
      "import-threshold $.steps[2].threshold",
      "import-empty-run $.inspect[0].run",
    ]);
  });

  it("writes commands in list form when a string would not split back to the same words", () => {
    const step = { ...base.steps[0]!, expected_command: ["echo", "a b", "c\"d", ""] };
    const source = importLayout({ ...base, steps: [step], inspect: [] }).source;
    expect(source).toContain('expect command ["echo", "a b", "c\\"d", ""]');
  });

  it("reports, through the round trip, what lowering rejects (a MATCH from an unknown step)", () => {
    const step = { ...base.steps[0]!, expected_products: [{ type: "match" as const, pattern: "*", destinationType: "products" as const, destinationName: "nowhere" }] };
    const result = importLayout({ ...base, steps: [step], inspect: [] });
    expect(result.issues.map((i) => i.code)).toContain("import-round-trip");
  });
});

describe("importLayout on key objects with keyval fields", () => {
  it("writes the empty keyval.private as `private \"\"` and reports keyval extras instead of dropping them", () => {
    // Signed by in-toto-sign 1.3.1; its RSA key has `keyval.private: ""`, its ECDSA key an extra keyval field.
    const bytes = readFileSync(new URL("../../engine/test/fixtures/serialize/foreign-keys.layout", import.meta.url));
    const loaded = loadEnvelope(bytes);
    if (!loaded.ok) throw new Error(loaded.error.message);
    const result = importLayout(loaded.value.layout!);
    const paths = result.issues.filter((i) => i.code === "import-key-field").map((i) => i.path);
    expect(paths.filter((p) => /\.keyval\.(private|note)$/.test(p ?? ""))).toEqual([expect.stringMatching(/\.keyval\.note$/)]);
    expect(result.source).toContain('private ""');
  });
});

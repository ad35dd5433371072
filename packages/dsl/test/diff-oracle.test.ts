// diffPolicies against the engine as oracle: random layout pairs (one layout and a mutation of its
// rules, keys, thresholds, steps, inspections or expiry) and random signed chains for them, verified
// with verifyChain against both. Whenever the diff says a pair only strengthens, no chain may pass the
// new layout and fail the old one; only weakens, the reverse; no change or only neutral changes, no
// chain's verdict may differ. (docs/cli.md, "totem diff", defines the classifications this checks.)
// Signed chains are costly, so rule lists are also checked one by one against the engine's
// verifyItemRules on many more links. Each test asserts it has teeth (chains pass, verdicts differ);
// replacing the signer model's key order by a sorted one, or dropping the rule model's "modified"
// state, MATCH outcomes or REQUIRE artifacts, makes one of these tests fail.
import {
  type ArtifactRule,
  canonicalize,
  envelopeToText,
  generateKeyPair,
  type HashDict,
  type Inspection,
  type Layout,
  type Link,
  type LoadedEnvelope,
  layoutToJson,
  linkFileName,
  loadEnvelope,
  linkToJson,
  type PrivateKeyMaterial,
  parsePrivateKey,
  type Step,
  signMetablock,
  toHex,
  verifyChain,
  verifyItemRules,
} from "@totem/engine";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Change, diffPolicies } from "../src/index.js";

const TARGET = "in-toto-1.3" as const;
const NOW = new Date("2026-06-01T00:00:00Z");
const PATHS = ["a", "b", "src/a", "x.sig"];
const PATTERNS = ["*", "a", "b", "src/*", "*.sig", "?"];
const STEPS = ["s1", "s2", "s3"];

function key(): PrivateKeyMaterial {
  const pair = generateKeyPair("ed25519", "securesystemslib");
  const parsed = parsePrivateKey(pair.privateText);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}
const owner = key();
const functionaries = [key(), key(), key()];
const keyid = (k: PrivateKeyMaterial) => k.public.keyid(TARGET);
const ids = functionaries.map(keyid);

// ---- layouts -------------------------------------------------------------------------------

const pattern = fc.constantFrom(...PATTERNS);
const rule: fc.Arbitrary<ArtifactRule> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ type: fc.constantFrom("allow", "disallow", "create", "delete", "modify"), pattern }) as fc.Arbitrary<ArtifactRule> },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("require" as const), pattern: fc.constantFrom(...PATHS) }) },
  {
    weight: 3,
    arbitrary: fc
      .record({ pattern, destinationType: fc.constantFrom("products" as const, "materials" as const), destinationName: fc.constantFrom("s2", "s2", "s1", "s3"), prefix: fc.boolean() })
      .map(({ prefix, ...m }): ArtifactRule => ({ type: "match", ...m, ...(prefix ? { destinationPrefix: "src" } : {}) })),
  },
);
// Like real lists: a few rules, often sealed by a final DISALLOW "*" (where consuming rules matter).
const rules = fc
  .tuple(fc.array(rule, { maxLength: 2 }), fc.nat({ max: 2 }))
  .map(([list, seal]): ArtifactRule[] => (seal === 0 ? [...list, { type: "disallow", pattern: "*" }] : list));
const signersOver = (pool: number[], minLength = 1) =>
  fc.subarray(pool, { minLength }).chain((keys) =>
    fc.record({ pubkeys: fc.shuffledSubarray(keys, { minLength: keys.length }).map((k) => k.map((i) => ids[i]!)), threshold: fc.integer({ min: 1, max: keys.length }) }),
  );

function stepArb(name: string, pool = [0, 1], minKeys = 1): fc.Arbitrary<Step> {
  return fc.record({ s: signersOver(pool, minKeys), m: rules, p: rules }).map(({ s, m, p }) => ({
    _type: "step" as const,
    name,
    threshold: s.threshold,
    pubkeys: s.pubkeys,
    expected_command: [],
    expected_materials: m,
    expected_products: p,
  }));
}
const inspectionArb: fc.Arbitrary<Inspection> = fc.record({ m: rules, p: rules }).map(({ m, p }) => ({
  _type: "inspection" as const,
  name: "i1",
  run: ["check"],
  expected_materials: m,
  expected_products: p,
}));

function layoutOf(steps: Step[], inspect: Inspection[] = []): Layout {
  const keys = Object.fromEntries(functionaries.map((k) => [keyid(k), k.public.toLayoutKey(TARGET)]));
  return { _type: "layout", expires: "2027-01-01T00:00:00Z", readme: "", keys, steps, inspect };
}
const layoutArb: fc.Arbitrary<Layout> = fc
  .record({ s1: stepArb("s1"), s2: fc.option(stepArb("s2")), i1: fc.option(inspectionArb) })
  .map(({ s1, s2, i1 }) => layoutOf(s2 ? [s1, s2] : [s1], i1 ? [i1] : []));

type Mutation = (l: Layout) => void;
const items = (l: Layout): (Step | Inspection)[] => [...l.steps, ...l.inspect];
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: ruleMutation() },
  { weight: 3, arbitrary: signerMutation() },
  fc.record({ at: fc.nat(), t: fc.integer({ min: 1, max: 3 }) }).map(({ at, t }) => (l: Layout) => {
    l.steps[at % l.steps.length]!.threshold = t;
  }),
  fc.constantFrom("2028-01-01T00:00:00Z", "2026-01-01T00:00:00Z").map((e) => (l: Layout) => {
    l.expires = e;
  }),
  fc.record({ s: stepArb("s3"), drop: fc.boolean() }).map(({ s, drop }) => (l: Layout) => {
    if (drop && l.steps.length > 1) l.steps.pop();
    else if (!l.steps.some((x) => x.name === s.name)) l.steps.push(s);
  }),
  fc.option(inspectionArb).map((i) => (l: Layout) => {
    l.inspect = i ? [i] : [];
  }),
  fc.constant((l: Layout) => {
    l.steps[0]!.expected_command = ["make"];
  }),
);

function ruleMutation(firstOnly = false): fc.Arbitrary<Mutation> {
  return fc.record({ at: fc.nat(), side: fc.boolean(), pos: fc.nat(), r: rule, op: fc.constantFrom("insert", "delete", "replace", "swap") }).map(({ at, side, pos, r, op }) => (l: Layout) => {
    const item = items(l)[firstOnly ? 0 : at % items(l).length]!;
    const list = side ? item.expected_materials : item.expected_products;
    const i = list.length === 0 ? 0 : pos % list.length;
    if (op === "insert" || list.length === 0) list.splice(pos % (list.length + 1), 0, r);
    else if (op === "delete") list.splice(i, 1);
    else if (op === "replace") list[i] = r;
    else [list[i], list[0]] = [list[0]!, list[i]!];
  });
}

function signerMutation(): fc.Arbitrary<Mutation> {
  return fc.record({ at: fc.nat(), k: fc.nat({ max: 2 }), pos: fc.nat(), op: fc.constantFrom("add", "remove", "reverse", "rotate", "replace") }).map(({ at, k, pos, op }) => (l: Layout) => {
    const step = l.steps[at % l.steps.length]!;
    const id = ids[k]!;
    if (op === "add" && !step.pubkeys.includes(id)) step.pubkeys.splice(pos % (step.pubkeys.length + 1), 0, id);
    if (op === "remove" && step.pubkeys.length > 1) step.pubkeys.splice(pos % step.pubkeys.length, 1);
    if (op === "reverse") step.pubkeys.reverse();
    if (op === "rotate") step.pubkeys.push(step.pubkeys.shift()!);
    if (op === "replace" && !step.pubkeys.includes(id)) step.pubkeys[pos % step.pubkeys.length] = id;
    step.threshold = Math.min(step.threshold, step.pubkeys.length);
  });
}

type Pair = { before: Layout; after: Layout };
const pairOf = (base: fc.Arbitrary<Layout>, change: fc.Arbitrary<Mutation>): fc.Arbitrary<Pair> =>
  fc.record({ base, mutations: fc.array(change, { minLength: 1, maxLength: 2 }) }).map(({ base, mutations }) => {
    const after = structuredClone(base);
    for (const m of mutations) m(after);
    return { before: base, after };
  });
/** Any mutation of a random layout. */
const anyPair = pairOf(layoutArb, mutation);
/** Keys, their order and thresholds of one step with up to three keys: the link-selection cases. */
const signerPair = pairOf(
  stepArb("s1", [0, 1, 2], 2).map((s1) => layoutOf([s1])),
  fc.oneof(signerMutation(), fc.integer({ min: 1, max: 3 }).map((t) => (l: Layout) => void (l.steps[0]!.threshold = t))),
);
/** Rule edits only, on steps signed by one key each; s2 has no rules and serves as a MATCH destination. */
const rulePair = pairOf(
  fc.record({ s1: stepArb("s1", [0], 1), s2: stepArb("s2", [1], 1) }).map(({ s1, s2 }) => layoutOf([s1, { ...s2, expected_materials: [], expected_products: [] }])),
  ruleMutation(true),
);

// ---- chains --------------------------------------------------------------------------------

const hash = (h: number): HashDict => ({ sha256: String(h).repeat(64) });
// Small dicts, often empty: most rule lists accept those, so many chains pass one layout or both.
const sparse = fc
  .uniqueArray(fc.record({ path: fc.constantFrom(...PATHS), h: fc.integer({ min: 1, max: 2 }) }), { selector: (e) => e.path, minLength: 1, maxLength: 2 })
  .map((entries) => Object.fromEntries(entries.map((e) => [e.path, hash(e.h)])));
// Dense over three paths: an artifact is modified, unchanged, created or deleted often enough.
const dense = fc
  .tuple(...["a", "src/a", "x.sig"].map(() => fc.option(fc.integer({ min: 1, max: 2 }), { freq: 2 })))
  .map((hs) => Object.fromEntries(hs.flatMap((h, i) => (h === null ? [] : [[["a", "src/a", "x.sig"][i]!, hash(h)]]))));
// Often empty: most rule lists accept that, so many chains pass one layout or both.
const dict = fc.oneof(fc.constant({}), sparse, dense);

type FileChoice = "none" | "first" | "second" | "forged";
/** A chain: per step two candidate contents, per (step, key) a link file or none, per inspection an outcome. */
// Dicts come from a small pool per chain, so one step's products are often another's materials
// (what MATCH looks for) and a step's materials often its own products (unchanged or modified).
const chainOf = (file: fc.Arbitrary<FileChoice>) =>
  fc.tuple(dict, dict).chain((pool) => {
    const pick = fc.oneof(fc.constantFrom(...pool), dict);
    const content = fc.record({ materials: pick, products: pick });
    return fc.record({
      contents: fc.array(fc.tuple(content, content), { minLength: STEPS.length, maxLength: STEPS.length }),
      files: fc.array(fc.array(file, { minLength: 3, maxLength: 3 }), { minLength: STEPS.length, maxLength: STEPS.length }),
      inspection: content,
    });
  });
const chainArb = chainOf(
  fc.oneof({ weight: 1, arbitrary: fc.constant<FileChoice>("none") }, { weight: 8, arbitrary: fc.constant<FileChoice>("first") }, { weight: 3, arbitrary: fc.constant<FileChoice>("second") }, { weight: 1, arbitrary: fc.constant<FileChoice>("forged") }),
);
/** Every link present and valid, one content per step: only rules decide. */
const validChainArb = chainOf(fc.constant<FileChoice>("first"));
type Chain = typeof chainArb extends fc.Arbitrary<infer T> ? T : never;

function signedFile(payload: ReturnType<typeof linkToJson>, signer: PrivateKeyMaterial, id: string): Uint8Array {
  const sig = toHex(signer.sign(canonicalize(payload)));
  return new TextEncoder().encode(JSON.stringify({ signatures: [{ keyid: id, sig }], signed: payload }));
}

/** The chain's link files that either layout reads (signing the others would only cost time). */
function linkFiles(chain: Chain, read: ReadonlySet<string>): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  STEPS.forEach((step, s) => {
    ids.forEach((id, k) => {
      const choice = chain.files[s]![k]!;
      if (choice === "none" || !read.has(linkFileName(step, id))) return;
      const content = chain.contents[s]![choice === "second" ? 1 : 0];
      const link: Link = { _type: "link", name: step, command: [], materials: content.materials, products: content.products, byproducts: {}, environment: {} };
      const signer = choice === "forged" ? owner : functionaries[k]!;
      files.set(linkFileName(step, id), signedFile(linkToJson(link), signer, id));
    });
  });
  return files;
}

/** The signed layout, loaded once (verifyChain still checks its signature for every chain). */
function signedLayout(layout: Layout): LoadedEnvelope {
  const loaded = loadEnvelope(new TextEncoder().encode(envelopeToText(signMetablock(layoutToJson(layout), [owner], TARGET))), { expect: "layout" });
  if (!loaded.ok) throw new Error(loaded.error.message);
  return loaded.value;
}

async function passes(layout: LoadedEnvelope, files: Map<string, Uint8Array>, chain: Chain): Promise<boolean> {
  const result = await verifyChain({
    layout,
    layoutKeys: [owner.public],
    readLink: (path) => files.get(path),
    now: NOW,
    runInspection: async () => ({ ...chain.inspection, returnValue: 0 }),
    trace: false,
  });
  return result.passed;
}

// ---- the property --------------------------------------------------------------------------

const only = (changes: Change[], allowed: string[]) => changes.every((c) => allowed.includes(c.classification));

interface Seen {
  pairs: number;
  differing: number;
  passing: number;
  strengthensOnly: number;
  weakensOnly: number;
  neutral: number;
}

/** Runs the property over `pairs`; returns what it saw, so each test can show it has teeth. */
async function check(pairs: fc.Arbitrary<Pair>, numRuns: number, chains = chainArb): Promise<Seen> {
  const seen: Seen = { pairs: 0, differing: 0, passing: 0, strengthensOnly: 0, weakensOnly: 0, neutral: 0 };
  await fc.assert(
    fc.asyncProperty(pairs, fc.array(chains, { minLength: 8, maxLength: 8 }), async ({ before, after }, chains) => {
      const changes = diffPolicies(before, after);
      const [old, neu] = [signedLayout(before), signedLayout(after)];
      const read = new Set([...before.steps, ...after.steps].flatMap((step) => step.pubkeys.map((id) => linkFileName(step.name, id))));
      seen.pairs++;
      if (only(changes, ["strengthens", "neutral"])) seen.strengthensOnly++;
      if (only(changes, ["weakens", "neutral"])) seen.weakensOnly++;
      if (only(changes, ["neutral"])) seen.neutral++;
      // A pair with a mixed or undetermined change claims nothing a chain could contradict.
      if (!only(changes, ["strengthens", "neutral"]) && !only(changes, ["weakens", "neutral"])) return;
      for (const chain of chains) {
        const files = linkFiles(chain, read);
        const [po, pn] = [await passes(old, files, chain), await passes(neu, files, chain)];
        if (po || pn) seen.passing++;
        if (po === pn) continue;
        seen.differing++;
        const claim = `${pn ? "passes new, fails old" : "passes old, fails new"}; diff says:\n${changes.map((c) => `${c.classification} ${c.subject}: ${c.reason}`).join("\n")}`;
        if (pn) expect(only(changes, ["strengthens", "neutral"]), claim).toBe(false);
        else expect(only(changes, ["weakens", "neutral"]), claim).toBe(false);
      }
    }),
    { numRuns, seed: 15 },
  );
  return seen;
}

describe("diffPolicies with the engine as oracle", () => {
  // Each test also checks it has teeth: chains pass, verdicts differ, and every kind of claim is tested.
  it("holds for any mutation of rules, keys, thresholds, steps, inspections and expiry", async () => {
    const seen = await check(anyPair, 100);
    expect(seen.passing).toBeGreaterThan(60);
    expect(seen.differing).toBeGreaterThan(20);
    expect(Math.min(seen.strengthensOnly, seen.weakensOnly, seen.neutral)).toBeGreaterThan(20);
  }, 60_000);

  it("holds for a step's keys, their order and its threshold", async () => {
    const seen = await check(signerPair, 100);
    expect(seen.differing).toBeGreaterThan(50);
    expect(Math.min(seen.strengthensOnly, seen.weakensOnly, seen.neutral)).toBeGreaterThan(20);
  }, 60_000);

  it("holds for rule edits, list by list, against the engine's rule evaluation on many links", () => {
    // Cheaper than signed chains, so many more links per pair: s1's link and its MATCH destination
    // s2 drawn densely over the paths the patterns name (created, deleted, unchanged, modified, matched).
    const full = fc.tuple(...PATHS.map(() => fc.option(fc.integer({ min: 1, max: 2 }), { freq: 2 }))).map((hs) =>
      Object.fromEntries(hs.flatMap((h, i) => (h === null ? [] : [[PATHS[i]!, hash(h)]]))),
    );
    const destDict = fc.tuple(full, full).map(([x, y]) => ({ ...x, ...Object.fromEntries(Object.entries(y).map(([k, v]) => [`src/${k}`, v])) }));
    const context = fc.record({ m: full, p: full, dm: destDict, dp: destDict });
    let tested = 0;
    let differing = 0;
    fc.assert(
      fc.property(rulePair, fc.array(context, { minLength: 60, maxLength: 60 }), ({ before, after }, contexts) => {
        for (const side of ["materials", "products"] as const) {
          const list = (l: Layout) => (side === "materials" ? l.steps[0]!.expected_materials : l.steps[0]!.expected_products);
          const only1 = structuredClone(before);
          (side === "materials" ? (only1.steps[0]!.expected_materials = list(after)) : (only1.steps[0]!.expected_products = list(after)));
          const [change] = diffPolicies(before, only1).filter((c) => c.subject.startsWith(`step s1 ${side}`));
          if (change === undefined || change.classification === "mixed" || change.classification === "undetermined") continue;
          tested++;
          for (const c of contexts) {
            const links = new Map([
              ["s1", { materials: c.m, products: c.p }],
              ["s2", { materials: c.dm, products: c.dp }],
            ]);
            const po = verifyItemRules("s1", side, list(before), links).length === 0;
            const pn = verifyItemRules("s1", side, list(after), links).length === 0;
            if (po === pn) continue;
            differing++;
            const why = `${change.classification}: ${change.reason}; ${JSON.stringify(c)}`;
            expect(change.classification, why).toBe(pn ? "weakens" : "strengthens");
          }
        }
      }),
      { numRuns: 300, seed: 15 },
    );
    expect(tested).toBeGreaterThan(200);
    expect(differing).toBeGreaterThan(500);
  });

  it("holds for rule edits", async () => {
    const seen = await check(rulePair, 100, validChainArb);
    expect(seen.differing).toBeGreaterThan(50);
    expect(Math.min(seen.strengthensOnly, seen.weakensOnly, seen.neutral)).toBeGreaterThan(25);
  }, 60_000);
});

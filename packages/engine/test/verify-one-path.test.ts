// verifyChain has one path: every step goes through the per-step kernel (step-check.ts) in chunks
// (chunks.ts), whether the chunks run in this thread or through a caller's runner. These tests hold
// the verdicts in-toto-verify 1.3.1 reaches on evidence a hostile functionary can produce, and prove
// that a plan cut into many chunks (as worker threads run it) reports exactly what one chunk does.
import { describe, expect, it } from "vitest";
import { canonicalize } from "../src/canonical-json.js";
import { toHex } from "../src/crypto/bytes.js";
import type { Layout, Link, PublicKey } from "../src/model.js";
import { linkToJson } from "../src/serialize.js";
import { checkChunk } from "../src/verify/chunks.js";
import { linkFileName } from "../src/verify/link-stages.js";
import type { ChunkRunner, VerifyInput } from "../src/verify/types.js";
import { verifyChain } from "../src/verify/verify-chain.js";
import { bob, carl, dana, demoLayout, h, layoutFile, link, linkFile, linksDir, owner, packageLink, type TestKey, untarOutcome } from "./fixtures/chains/build-chain.js";

const NOW = new Date("2026-01-01T00:00:00Z");
const enc = (s: string) => new TextEncoder().encode(s);

function input(layout: Layout, links: Record<string, Uint8Array>, extra: Partial<VerifyInput> = {}): VerifyInput {
  return {
    layout: layoutFile(layout, [owner]),
    layoutKeys: [owner.input],
    readLink: linksDir(links),
    now: NOW,
    runInspection: async () => untarOutcome,
    ...extra,
  };
}

/** A key object for the layout under a keyid of our choosing (1.3.1 does not recompute layout keyids). */
function keyAs(key: TestKey, keyid: string): PublicKey {
  return { ...key.pub, keyid };
}

describe("verifyChain: signed bytes, keyids, the clock", () => {
  it("accepts one link file signed by two authorized keyids that share their first 8 characters, as 1.3.1 does", async () => {
    const k1 = `abcdef01${bob.keyid.slice(8)}`;
    const k2 = `abcdef01${carl.keyid.slice(8)}`;
    expect(linkFileName("build", k1)).toBe(linkFileName("build", k2));
    const layout: Layout = {
      ...demoLayout(),
      keys: { [k1]: keyAs(bob, k1), [k2]: keyAs(carl, k2) },
      steps: [
        { _type: "step", name: "build", threshold: 2, pubkeys: [k1, k2], expected_command: [], expected_materials: [], expected_products: [] },
      ],
      inspect: [],
    };
    const payload = linkToJson(link("build", { products: { "out/app": h("app") } }));
    const bytes = canonicalize(payload);
    const file = JSON.stringify({
      signatures: [
        { keyid: k1, sig: toHex(bob.signRaw(bytes)) },
        { keyid: k2, sig: toHex(carl.signRaw(bytes)) },
      ],
      signed: payload,
    });
    const r = await verifyChain(input(layout, { [linkFileName("build", k1)]: enc(file) }));
    expect(r.failures).toEqual([]);
    expect(r.passed).toBe(true);
  });

  it.each([
    ["a number written -0", (t: string) => t.replace('"return-value":0', '"return-value":-0')],
    ["keys ordered by their escaped bytes", (t: string) => t.replace('"environment":{}', '"environment":{"aZ":1,"a\\"":2}')],
  ])("fails a link signed over its own non-canonical text (%s), as 1.3.1 does", async (_what, render) => {
    const layout = demoLayout();
    const canonical = new TextDecoder().decode(canonicalize(linkToJson(link("clone", { products: { "demo-project/foo.py": h("foo") }, byproducts: { "return-value": 0, stderr: "", stdout: "" } }))));
    const text = render(canonical);
    expect(text).not.toBe(canonical);
    const file = `{"signatures":[{"keyid":"${bob.keyid}","sig":"${toHex(bob.signRaw(enc(text)))}"}],"signed":${text}}`;
    const links = { [linkFileName("clone", bob.keyid)]: enc(file), [linkFileName("package", carl.keyid)]: linkFile(packageLink, carl) };
    const r = await verifyChain(input(layout, links));
    expect(r.failures.map((f) => `${f.stage}:${f.code}:${f.step}`)).toEqual(["4:link-threshold:clone"]);
  });
});

describe("verifyChain: failures name their true cause", () => {
  const links = (clone: Uint8Array) => ({ [linkFileName("clone", bob.keyid)]: clone, [linkFileName("package", carl.keyid)]: linkFile(packageLink, carl) });
  const clone = link("clone", { products: { "demo-project/foo.py": h("foo") } });

  it("says whose key made a signature labelled as another functionary's (a renamed link)", async () => {
    const bytes = canonicalize(linkToJson(clone));
    const file = JSON.stringify({ signatures: [{ keyid: bob.keyid, sig: toHex(carl.signRaw(bytes)) }], signed: linkToJson(clone) });
    const r = await verifyChain(input(demoLayout(), links(enc(file))));
    expect(r.failures.map((f) => f.code)).toEqual(["link-threshold"]);
    expect(r.failures[0]?.message).toContain(
      `its signature labelled ${bob.keyid.slice(0, 8)} was made by another key of this layout, ${carl.keyid.slice(0, 8)} (a link recorded by that functionary, renamed)`,
    );
  });

  it("says a link signed by another key of the layout is not authorized for the step", async () => {
    const r = await verifyChain(input(demoLayout(), links(linkFile(clone, carl))));
    expect(r.failures[0]?.message).toContain(
      `not signed by ${bob.keyid.slice(0, 8)}; signed by ${carl.keyid.slice(0, 8)} (a key of this layout, not authorized for this step)`,
    );
  });

  it("keeps saying a changed link was changed after signing", async () => {
    const file = new TextDecoder().decode(linkFile(clone, bob)).replace('"demo-project/foo.py"', '"demo-project/bar.py"');
    const r = await verifyChain(input(demoLayout(), links(enc(file))));
    expect(r.failures[0]?.message).toContain(`the signature by ${bob.keyid.slice(0, 8)} does not verify: the link was changed after signing`);
  });
});

/** A runner that runs each chunk of the plan with the engine's checkChunk after a structured clone, as threads do. */
function clonedRunner(threads: number, links: Record<string, Uint8Array>): ChunkRunner & { plans: number } {
  const runner = {
    threads,
    plans: 0,
    async run(plan: Parameters<ChunkRunner["run"]>[0]) {
      runner.plans++;
      const copy = structuredClone(plan);
      return copy.chunks.map((_, i) => structuredClone(checkChunk(copy, i, linksDir(links))));
    },
  };
  return runner;
}

describe("verifyChain: chunks run elsewhere give the same report", () => {
  const keys = [bob, carl, dana];
  const STEPS = 23;
  /** Step i reads step i−1's products; every fourth step needs two functionaries. */
  function chain(): { layout: Layout; links: Record<string, Uint8Array> } {
    const layout: Layout = {
      ...demoLayout(),
      keys: Object.fromEntries(keys.map((k) => [k.keyid, k.pub])),
      steps: Array.from({ length: STEPS }, (_, i) => ({
        _type: "step" as const,
        name: `s${i}`,
        threshold: i % 4 === 0 ? 2 : 1,
        pubkeys: i % 4 === 0 ? [bob.keyid, carl.keyid] : [(keys[i % 3] as TestKey).keyid],
        expected_command: [],
        expected_materials: i === 0 ? [{ type: "disallow" as const, pattern: "*" }] : [
          { type: "match" as const, pattern: "*", destinationType: "products" as const, destinationName: `s${i - 1}` },
          { type: "disallow" as const, pattern: "*" },
        ],
        expected_products: [{ type: "create" as const, pattern: `p${i}/*` }, { type: "disallow" as const, pattern: "*" }],
      })),
      inspect: [
        {
          _type: "inspection",
          name: "check",
          run: ["true"],
          expected_materials: [{ type: "match", pattern: "*", destinationType: "products", destinationName: "s7" }, { type: "allow", pattern: "*" }],
          expected_products: [{ type: "allow", pattern: "*" }],
        },
      ],
    };
    const links: Record<string, Uint8Array> = {};
    const products = (i: number, salt = ""): Link["products"] => ({ [`p${i}/a`]: h(`${i}a${salt}`), [`p${i}/b`]: h(`${i}b`) });
    layout.steps.forEach((step, i) => {
      const l = link(step.name, { materials: i === 0 ? {} : products(i - 1), products: products(i) });
      for (const keyid of step.pubkeys) links[linkFileName(step.name, keyid)] = linkFile(l, keys.find((k) => k.keyid === keyid) as TestKey);
    });
    return { layout, links };
  }

  const variants: [string, (c: ReturnType<typeof chain>) => void][] = [
    ["passes", () => {}],
    ["has a MATCH failure (stage 9)", (c) => {
      c.links[linkFileName("s11", (keys[11 % 3] as TestKey).keyid)] = linkFile(link("s11", { materials: {}, products: { "p11/a": h("x"), "p11/b": h("11b") } }), keys[11 % 3] as TestKey);
    }],
    ["has threshold links that disagree (stage 7)", (c) => {
      c.links[linkFileName("s8", carl.keyid)] = linkFile(link("s8", { materials: {}, products: {} }), carl);
    }],
    ["misses a link (stage 3)", (c) => {
      delete c.links[linkFileName("s17", (keys[17 % 3] as TestKey).keyid)];
    }],
    ["has a tampered link (stage 4)", (c) => {
      const name = linkFileName("s13", (keys[13 % 3] as TestKey).keyid);
      c.links[name] = enc(new TextDecoder().decode(c.links[name]).replace('"p13/a"', '"p13/z"'));
    }],
  ];

  it.each(variants)("a chain that %s: 1 chunk, many chunks, and many chunks with a trace agree", async (_what, change) => {
    const c = chain();
    change(c);
    for (const trace of [false, true]) {
      const one = await verifyChain(input(c.layout, c.links, { trace }));
      for (const threads of [2, 3, 8]) {
        const runner = clonedRunner(threads, c.links);
        const many = await verifyChain(input(c.layout, c.links, { trace, chunkRunner: runner }));
        expect(runner.plans).toBe(1);
        expect(many).toStrictEqual(one);
      }
    }
  });

  it("checks in this thread when a runner answers for other steps than the plan's, with the same report", async () => {
    const c = chain();
    const one = await verifyChain(input(c.layout, c.links));
    const wrong: ChunkRunner = {
      threads: 2,
      // Every chunk answered with the first chunk's outcome: steps missing and repeated.
      run: async (plan) => plan.chunks.map(() => checkChunk(plan, 0, linksDir(c.links))),
    };
    expect(await verifyChain(input(c.layout, c.links, { chunkRunner: wrong }))).toStrictEqual(one);
  });

  it("checks in this thread when the runner fails, with the same report", async () => {
    const c = chain();
    const one = await verifyChain(input(c.layout, c.links));
    const failing: ChunkRunner = { threads: 2, run: () => Promise.reject(new Error("no threads here")) };
    expect(await verifyChain(input(c.layout, c.links, { chunkRunner: failing }))).toStrictEqual(one);
  });
});

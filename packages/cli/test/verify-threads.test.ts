// `totem verify` on worker threads must reach exactly the verdicts, failures and report it reaches in
// one thread. Workers settle whole chunks of steps — signatures, threshold agreement, artifact rules —
// and the engine takes their results (verify-chunks.ts); this builds a 30-step chain (four chunks,
// threshold-2 steps, MATCH rules inside chunks and across their boundaries) and variants failing at
// each of those stages, and compares the bundled binary's output with `--jobs 2` and `--jobs 0`.
import { generateKeyPairSync } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type ChunkRunner,
  dsseBody,
  loadEnvelope,
  planSteps,
  verifyChain,
  envelopeToText,
  type Layout,
  type Link,
  layoutToJson,
  linkFileName,
  linkToJson,
  type PrivateKeyMaterial,
  parsePrivateKey,
  signDsse,
  signMetablock,
} from "@totem/engine";
import { MessageChannel } from "node:worker_threads";
import { beforeAll, describe, expect, it } from "vitest";
import { type ChunkPort, chunkRunner, readLinkFile, serveChunks } from "@totem/node-io";
import { requireBundle, runBinary, tempDir } from "./run-cli.js";

const STEPS = 30;
const ARTIFACTS = 12;

interface Key {
  pem: string;
  keyid: string;
  material: PrivateKeyMaterial;
  layoutKey: Layout["keys"][string];
}

function newKey(): Key {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const parsed = parsePrivateKey(privateKey.export({ format: "pem", type: "pkcs8" }).toString());
  if (!parsed.ok) throw new Error(parsed.error.message);
  const layoutKey = parsed.value.public.toLayoutKey("in-toto-1.3");
  return { pem: publicKey.export({ format: "pem", type: "spki" }).toString(), keyid: layoutKey.keyid, material: parsed.value, layoutKey };
}

const owner = newKey();
const alice = newKey();
const bob = newKey();
const name = (i: number) => `s${String(i).padStart(2, "0")}`;
/** The functionary of a threshold-1 step (every fifth step has both). */
const keyOf = (i: number) => (i % 2 === 0 ? alice : bob);
const digest = (step: number, file: number, salt = "") => ({ sha256: Buffer.from(`${step}/${file}${salt}`).toString("hex").padEnd(64, "0").slice(0, 64) });

/** Step i consumes step i−1's products and creates `stage<i>/*`; every fifth step needs two functionaries. */
function chainLayout(): Layout {
  return {
    _type: "layout",
    expires: "2030-01-01T00:00:00Z",
    readme: "",
    keys: { [owner.keyid]: owner.layoutKey, [alice.keyid]: alice.layoutKey, [bob.keyid]: bob.layoutKey },
    steps: Array.from({ length: STEPS }, (_, i) => ({
      _type: "step" as const,
      name: name(i),
      threshold: i % 5 === 0 ? 2 : 1,
      pubkeys: i % 5 === 0 ? [alice.keyid, bob.keyid] : [keyOf(i).keyid],
      expected_command: [],
      expected_materials:
        i === 0
          ? [{ type: "disallow" as const, pattern: "*" }]
          : [
              { type: "match" as const, pattern: `stage${i - 1}/*`, destinationType: "products" as const, destinationName: name(i - 1) },
              { type: "disallow" as const, pattern: "*" },
            ],
      expected_products: [
        { type: "create" as const, pattern: `stage${i}/*` },
        { type: "disallow" as const, pattern: "*" },
      ],
    })),
    // Inspection rules read step links too (stage 11): those must stay readable after the threads.
    inspect: [
      {
        _type: "inspection",
        name: "check",
        run: ["true"],
        expected_materials: [
          { type: "match", pattern: "stage5/*", destinationType: "products", destinationName: name(5) },
          { type: "allow", pattern: "*" },
        ],
        expected_products: [{ type: "allow", pattern: "*" }],
      },
    ],
  };
}

function artifacts(step: number, salt = ""): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (let f = 0; f < ARTIFACTS; f++) out[`stage${step}/f${f}`] = digest(step, f, salt);
  return out;
}

function stepLink(i: number, products = artifacts(i)): Link {
  return { _type: "link", name: name(i), command: [], materials: i === 0 ? {} : artifacts(i - 1), products, byproducts: {}, environment: {} };
}

function writeLink(dir: string, link: Link, key: Key): void {
  writeFileSync(join(dir, linkFileName(link.name, key.keyid)), envelopeToText(signMetablock(linkToJson(link), [key.material], "in-toto-1.3")));
}

/** How `--jobs 2` cuts the chain: a step whose MATCH source is in its chunk, and one whose is not. */
const chunkStarts = planSteps(chainLayout(), "", 2, false).chunks.map((chunk) => Number((chunk[0] ?? "").slice(1)));
const ACROSS = chunkStarts[2] as number;
const INSIDE = ACROSS + 3; // its source, INSIDE − 1, is a threshold-1 step of the same chunk

let base: string;

/** A copy of the passing chain, changed by `change` (given the links directory). */
function variant(label: string, change: (links: string) => void): string {
  const dir = tempDir(`totem-threads-${label}-`);
  cpSync(base, dir, { recursive: true });
  change(join(dir, "links"));
  return dir;
}

function verifyBoth(dir: string, extra: string[]): { threads: ReturnType<typeof runBinary>; single: ReturnType<typeof runBinary> } {
  const args = ["verify", "--layout", "root.layout", "--layout-key", "owner.pub", "--links", "links", "--now", "2026-01-01T00:00:00Z", "--no-inspection-links", ...extra];
  return { threads: runBinary([...args, "--jobs", "2"], dir), single: runBinary([...args, "--jobs", "0"], dir) };
}

beforeAll(() => {
  requireBundle();
  base = tempDir("totem-threads-");
  mkdirSync(join(base, "links"));
  writeFileSync(join(base, "owner.pub"), owner.pem);
  writeFileSync(join(base, "root.layout"), envelopeToText(signMetablock(layoutToJson(chainLayout()), [owner.material], "in-toto-1.3")));
  for (let i = 0; i < STEPS; i++) {
    const layoutStep = chainLayout().steps[i] as Layout["steps"][number];
    for (const keyid of layoutStep.pubkeys) writeLink(join(base, "links"), stepLink(i), keyid === alice.keyid ? alice : bob);
  }
}, 60_000);

describe("totem verify with worker threads", () => {
  const cases: [string, string, string, (links: string) => void][] = [
    ["passes", "pass", "", () => {}],
    [
      "passes with links in DSSE envelopes",
      "dsse",
      "",
      (links) => {
        // Step 15: one link of two in DSSE, so agreement compares a thread's Map with an object.
        for (const i of [6, 9, 10, 15]) {
          const keys = i === 15 ? [alice] : i % 5 === 0 ? [alice, bob] : [keyOf(i)];
          for (const key of keys) {
            const envelope = signDsse(dsseBody(linkToJson(stepLink(i))), [key.material], "in-toto-1.3");
            writeFileSync(join(links, linkFileName(name(i), key.keyid)), envelopeToText(envelope));
          }
        }
      },
    ],
    // Both steps in one chunk: the thread settles the MATCH failure itself.
    [
      "a MATCH failure inside a chunk (stage 9)",
      "match-inside",
      `9 rule-disallow ${name(INSIDE)}`,
      (links) => writeLink(links, stepLink(INSIDE - 1, artifacts(INSIDE - 1, "x")), keyOf(INSIDE - 1)),
    ],
    // The first step of a chunk reads the last of the one before: the main thread settles it when both are back.
    [
      "a MATCH failure across chunks (stage 9)",
      "match-across",
      `9 rule-disallow ${name(ACROSS)}`,
      (links) => writeLink(links, stepLink(ACROSS - 1, artifacts(ACROSS - 1, "x")), keyOf(ACROSS - 1)),
    ],
    ["an extra product under DISALLOW * (stage 9)", "disallow", "9 rule-disallow s03", (links) => writeLink(links, stepLink(3, { ...artifacts(3), "extra.bin": digest(3, 99) }), keyOf(3))],
    // Paths that are array indices: an object lists them first, so threads must list them alike.
    [
      "extra products named like numbers under DISALLOW * (stage 9)",
      "disallow-index",
      "9 rule-disallow s04",
      (links) => writeLink(links, stepLink(4, { ...artifacts(4), "10": digest(4, 98), "9": digest(4, 97), "9z": digest(4, 96) }), keyOf(4)),
    ],
    ["threshold links that disagree (stage 7)", "disagree", "7 threshold-artifacts-differ s10", (links) => writeLink(links, stepLink(10, artifacts(10, "y")), bob)],
    ["a malformed link file (stage 3)", "malformed", "3 link-unreadable s17", (links) => writeFileSync(join(links, linkFileName(name(17), keyOf(17).keyid)), '{"signed": {')],
    ["a missing link file (stage 3)", "missing", "3 link-missing s26", (links) => rmSync(join(links, linkFileName(name(26), keyOf(26).keyid)))],
    [
      "a link changed after signing (stage 4)",
      "tampered",
      "4 link-threshold s21",
      (links) => {
        const file = join(links, linkFileName(name(21), keyOf(21).keyid));
        const other = envelopeToText(signMetablock(linkToJson(stepLink(21, artifacts(21, "z"))), [keyOf(21).material], "in-toto-1.3"));
        writeFileSync(file, other.replace(/"sig": "[0-9a-f]+"/, `"sig": "${"00".repeat(64)}"`));
      },
    ],
  ];

  it("cuts the chain where the cases below expect", () => {
    const chunkOf = (step: number) => chunkStarts.filter((start) => start <= step).length;
    expect(chunkOf(ACROSS - 1)).not.toBe(chunkOf(ACROSS));
    expect(chunkOf(INSIDE - 1)).toBe(chunkOf(INSIDE));
    expect((INSIDE - 1) % 5).not.toBe(0);
  });

  it("stops the workers it started early when the layout cannot be read (exit 2, no hang)", () => {
    // The links directory holds enough link files for workers to start before the layout is read.
    const args = ["verify", "--layout", "missing.layout", "--layout-key", "owner.pub", "--links", "links"];
    for (const jobs of [[], ["--jobs", "2"]]) {
      const r = runBinary([...args, ...jobs], base);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/cannot read layout '.*missing\.layout': no such file or directory/);
      expect(r.stdout).toBe("");
    }
  }, 30_000);

  it.each(cases)("gives the same report for a chain that %s", (_what, label, failure, change) => {
    const dir = variant(label, change);
    const runs = [["--json", "--no-trace"], [], ["--json"]].map((extra) => verifyBoth(dir, extra));
    const failures = JSON.parse(runs[0]?.single.stdout ?? "").failures as { stage: number; code: string; step: string }[];
    expect(failures.map((f) => `${f.stage} ${f.code} ${f.step}`).join("; ")).toBe(failure);
    for (const { threads, single } of runs) {
      expect(single.stderr).toBe("");
      expect(threads.stderr).toBe("");
      expect(threads.code).toBe(failure === "" ? 0 : 1);
      expect(threads.stdout).toBe(single.stdout);
      expect(threads.code).toBe(single.code);
    }
  }, 60_000);

  // The same threaded protocol from sources: worker ends served by serveChunks over MessageChannels in
  // this process (messages are structured-cloned as between threads), against one thread.
  it.each(cases)("from sources over message channels, reports a chain that %s exactly as one thread does", async (_what, label, _failure, change) => {
    const dir = variant(`src-${label}`, change);
    const layoutFile = loadEnvelope(new Uint8Array(readFileSync(join(dir, "root.layout"))), { expect: "layout" });
    if (!layoutFile.ok || layoutFile.value.type !== "layout") throw new Error("layout does not load");
    const links = join(dir, "links");
    const ports: ChunkPort[] = [];
    const start = async (): Promise<ChunkPort> => {
      const { port1, port2 } = new MessageChannel();
      serveChunks(port2);
      const port: ChunkPort = {
        postMessage: (m) => port1.postMessage(m),
        on: (event: string, listener: (m: never) => void) => (event === "message" ? port1.on("message", listener) : port1),
        terminate: () => {
          port1.close();
          port2.close();
        },
      };
      ports.push(port);
      return port;
    };
    const verify = (runner?: ChunkRunner) =>
      verifyChain({
        layout: layoutFile.value,
        layoutKeys: [{ toLayoutKey: (target) => owner.material.public.toLayoutKey(target) }],
        readLink: (path) => readLinkFile(links, path),
        now: new Date("2026-01-01T00:00:00Z"),
        runInspection: async () => ({ materials: {}, products: {}, returnValue: 0 }),
        ...(runner ? { chunkRunner: runner } : {}),
      });
    const runner = chunkRunner(layoutFile.value.layout, links, { jobs: 3, start });
    expect(runner?.threads).toBe(3);
    const threaded = await verify(runner);
    expect(ports.length).toBe(2); // two ports beside this thread: the threaded path really ran
    expect(threaded).toStrictEqual(await verify());
  });
});

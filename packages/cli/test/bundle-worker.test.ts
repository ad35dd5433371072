// `totem verify` checks big chains in worker threads that run a bundle entry of their own
// (dist/verify-worker.mjs, scripts/build.mjs). A worker that never answers would go unnoticed by
// verify (it falls back to checking in-process), so it is started here directly.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { linkFileName, loadEnvelope } from "@totem/engine";
import { beforeAll, describe, expect, it } from "vitest";
import type { ChunkResult } from "../src/commands/verify-chunks.js";
import { ROOT } from "./run-cli.js";

const CHAIN = join(ROOT, "packages/engine/test/fixtures/chains/reference-1.3.1");

beforeAll(() => {
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: ROOT });
}, 60_000);

describe("verification worker in the bundled CLI", () => {
  it("claims every chunk through the shared counter and answers each with the links it read, their signature verdicts and the steps it settled", async () => {
    const loaded = loadEnvelope(new Uint8Array(readFileSync(join(CHAIN, "root.layout"))), { expect: "layout" });
    if (!loaded.ok || loaded.value.type !== "layout") throw new Error("fixture layout does not load");
    const layout = loaded.value.layout;
    const steps = layout.steps.map((step) => ({
      step: step.name,
      files: step.pubkeys.map((keyid) => ({ path: linkFileName(step.name, keyid), keyid, key: layout.keys[keyid] })),
    }));
    // Two chunks: the first step alone, then the rest.
    const chunks = [steps.slice(0, 1), steps.slice(1)];
    const next = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(join(ROOT, "packages/cli/dist/verify-worker.mjs"), { stdout: true, stderr: true });
    const replies: unknown[] = [];
    await new Promise<void>((done, fail) => {
      worker.on("message", (reply: { done?: true }) => {
        replies.push(reply);
        if (reply.done) done();
      });
      worker.on("error", fail);
      worker.on("exit", () => fail(new Error("the worker exited without saying it was done")));
      // A trace is wanted: every artifact dict is sent back.
      worker.postMessage({ dir: CHAIN, layout, readAcross: [], trace: true, chunks, next });
    });
    expect(replies.map((r) => ("index" in (r as object) ? (r as { index: number }).index : "done"))).toEqual([0, 1, "done"]);
    expect(Atomics.load(next, 0)).toBeGreaterThanOrEqual(chunks.length); // both claimed
    const answered = (replies.slice(0, 2) as { result: ChunkResult }[]).map((r) => r.result);
    const result: ChunkResult = { links: answered.flatMap((r) => r.links), steps: answered.flatMap((r) => r.steps) };
    await worker.terminate();
    expect(result.links.length).toBeGreaterThanOrEqual(4); // the fixture's link files, each checked
    for (const r of result.links) {
      const file = loadEnvelope(new Uint8Array(readFileSync(join(CHAIN, r.path))), { expect: "link" });
      const expected = file.ok && file.value.type === "link" ? file.value.link : undefined;
      const sent = { ...JSON.parse(r.head), materials: JSON.parse(r.materials ?? ""), products: JSON.parse(r.products ?? "") };
      expect(sent, r.path).toStrictEqual(expected);
      expect(r.signatureValid, r.path).toBe(true);
    }
    // The reference chain passes: every step settled, with no failures, except that the rules of a
    // step reading "clone" (checked in the other chunk) are left to the main thread.
    const readsFirst = (s: (typeof layout.steps)[number]) =>
      [...s.expected_materials, ...s.expected_products].some((r) => r.type === "match" && r.destinationName === "clone");
    expect(result.steps.map(([step, s]) => [step, s.agreement, s.rules])).toEqual(
      layout.steps.map((s, i) => [s.name, [], i > 0 && readsFirst(s) ? undefined : []]),
    );
    expect(layout.steps.some((s, i) => i > 0 && readsFirst(s))).toBe(true); // the case is exercised
  });
});

// `totem verify` checks big chains in worker threads that run a bundle entry of their own
// (dist/verify-worker.mjs, scripts/build.mjs). A worker that never answers would go unnoticed by
// verify (the engine falls back to checking in-process), so it is started here directly.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { type ChunkOutcome, checkChunk, loadEnvelope, planSteps, type StepsPlan } from "@totem/engine";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, requireBundle } from "./run-cli.js";

const CHAIN = join(ROOT, "packages/engine/test/fixtures/chains/reference-1.3.1");

beforeAll(() => {
  requireBundle();
}, 60_000);

describe("verification worker in the bundled CLI", () => {
  it("claims every chunk of the engine's plan through the shared counter and answers each with the engine's own outcome", async () => {
    const loaded = loadEnvelope(new Uint8Array(readFileSync(join(CHAIN, "root.layout"))), { expect: "layout" });
    if (!loaded.ok || loaded.value.type !== "layout") throw new Error("fixture layout does not load");
    const layout = loaded.value.layout;
    // Two chunks: the first step alone, then the rest (as planSteps cuts for more threads).
    const plan: StepsPlan = { ...planSteps(layout, "", 1, true), chunks: [layout.steps.slice(0, 1).map((s) => s.name), layout.steps.slice(1).map((s) => s.name)] };
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
      worker.postMessage({ dir: CHAIN, plan, next });
    });
    await worker.terminate();
    expect(replies.map((r) => ("index" in (r as object) ? (r as { index: number }).index : "done"))).toEqual([0, 1, "done"]);
    expect(Atomics.load(next, 0)).toBeGreaterThanOrEqual(plan.chunks.length); // both claimed
    // Each answer is exactly what the engine's checkChunk gives in this thread for the same chunk.
    const readLink = (path: string) => new Uint8Array(readFileSync(join(CHAIN, path)));
    for (const reply of replies.slice(0, 2) as { index: number; outcome: ChunkOutcome }[]) {
      expect(reply.outcome).toStrictEqual(checkChunk(plan, reply.index, readLink));
    }
    // The reference chain passes: no failures; the rules of a step that reads "clone" (checked in the
    // other chunk) are left to verifyChain, all others settled in the chunk.
    const outcomes = (replies.slice(0, 2) as { outcome: ChunkOutcome }[]).flatMap((r) => r.outcome.steps);
    const readsFirst = (s: (typeof layout.steps)[number]) =>
      [...s.expected_materials, ...s.expected_products].some((r) => r.type === "match" && r.destinationName === "clone");
    expect(outcomes.map((o) => [o.check.step, o.check.loadFailures, o.check.signatureFailures, o.rules?.failures])).toEqual(
      layout.steps.map((s, i) => [s.name, [], [], i > 0 && readsFirst(s) ? undefined : []]),
    );
    expect(layout.steps.some((s, i) => i > 0 && readsFirst(s))).toBe(true); // the case is exercised
  });
});

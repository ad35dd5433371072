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
  it("answers a chunk of steps with the links it read, their signature verdicts and the steps it settled", async () => {
    const loaded = loadEnvelope(new Uint8Array(readFileSync(join(CHAIN, "root.layout"))), { expect: "layout" });
    if (!loaded.ok || loaded.value.type !== "layout") throw new Error("fixture layout does not load");
    const layout = loaded.value.layout;
    const chunk = layout.steps.map((step) => ({
      step: step.name,
      files: step.pubkeys.map((keyid) => ({ path: linkFileName(step.name, keyid), keyid, key: layout.keys[keyid] })),
    }));
    const worker = new Worker(join(ROOT, "packages/cli/dist/verify-worker.mjs"), { stdout: true, stderr: true });
    const result = await new Promise<ChunkResult>((done, fail) => {
      worker.once("message", done);
      worker.on("error", fail);
      worker.on("exit", () => fail(new Error("the worker exited without answering")));
      // A trace is wanted: every artifact dict is sent back.
      worker.postMessage({ dir: CHAIN, layout, readAcross: [], trace: true });
      worker.postMessage({ chunk });
    });
    await worker.terminate();
    expect(result.links.length).toBeGreaterThanOrEqual(4); // the fixture's link files, each checked
    for (const r of result.links) {
      const file = loadEnvelope(new Uint8Array(readFileSync(join(CHAIN, r.path))), { expect: "link" });
      const expected = file.ok && file.value.type === "link" ? file.value.link : undefined;
      const sent = { ...JSON.parse(r.head), materials: JSON.parse(r.materials ?? ""), products: JSON.parse(r.products ?? "") };
      expect(sent, r.path).toStrictEqual(expected);
      expect(r.signatureValid, r.path).toBe(true);
    }
    // The reference chain passes: every step settled, with no failures.
    expect(result.steps.map(([step, s]) => [step, s.agreement, s.rules])).toEqual(layout.steps.map((s) => [s.name, [], []]));
  });
});

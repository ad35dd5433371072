// `totem verify` checks big chains' link signatures in worker threads that run the bundle's entry
// with a hidden command; with the bundle split into chunks (scripts/build.mjs) and commands loaded
// lazily (main.ts), a worker must still find that command. A worker that never answers would go
// unnoticed by verify (it falls back to checking in-process), so it is started here directly.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { linkFileName, loadEnvelope } from "@totem/engine";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./run-cli.js";

const CHAIN = join(ROOT, "packages/engine/test/fixtures/chains/reference-1.3.1");

beforeAll(() => {
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: ROOT });
}, 60_000);

describe("verification worker in the bundled CLI", () => {
  it("answers each link job with the link it read and its signature verdict", async () => {
    const loaded = loadEnvelope(new Uint8Array(readFileSync(join(CHAIN, "root.layout"))), { expect: "layout" });
    if (!loaded.ok || loaded.value.type !== "layout") throw new Error("fixture layout does not load");
    const layout = loaded.value.layout;
    const jobs = layout.steps.flatMap((step) =>
      step.pubkeys.map((keyid) => ({ path: linkFileName(step.name, keyid), key: layout.keys[keyid] })),
    );
    const worker = new Worker(join(ROOT, "packages/cli/dist/totem.mjs"), { argv: ["__verify-worker"], stdout: true, stderr: true });
    const replies: { path: string; link?: string; materials?: string; products?: string; signatureValid?: boolean }[] = [];
    await new Promise<void>((done, fail) => {
      worker.on("message", (reply) => {
        replies.push(reply);
        if (replies.length === jobs.length) done();
      });
      worker.on("error", fail);
      worker.on("exit", () => (replies.length === jobs.length ? done() : fail(new Error(`worker exited after ${replies.length} replies`))));
      worker.postMessage({ dir: CHAIN, jobs });
    });
    await worker.terminate();
    const present = replies.filter((r) => r.link !== undefined);
    expect(present.length).toBeGreaterThanOrEqual(4); // the fixture's link files, each checked
    for (const r of present) {
      const file = loadEnvelope(new Uint8Array(readFileSync(join(CHAIN, r.path))), { expect: "link" });
      const expected = file.ok && file.value.type === "link" ? file.value.link : undefined;
      const sent = { ...JSON.parse(r.link ?? ""), materials: JSON.parse(r.materials ?? ""), products: JSON.parse(r.products ?? "") };
      expect(sent, r.path).toStrictEqual(expected);
      expect(r.signatureValid, r.path).toBe(true);
    }
  });
});

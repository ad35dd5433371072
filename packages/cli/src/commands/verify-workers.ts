// Parallel verification for `totem verify` on big chains: the main thread and worker threads take
// chunks of consecutive steps from one queue (verify-chunks.ts) and read, validate and
// signature-check their link files (the expensive part); workers also settle their steps' threshold
// agreement and rules. The engine's verifyChain then reuses all of it (VerifyInput.checked and
// checkedSteps) and redoes nothing. The engine stays pure; threads are the CLI's business. Workers
// run a bundle entry of their own (dist/verify-worker.mjs: the checking code without the command
// line), so they exist only in the bundled CLI (from sources, verification runs in-process).
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { MessagePort } from "node:worker_threads";
import { type CheckedLink, type CheckedStep, type Layout, uniqueKeyids } from "@totem/engine";
import { type Chunk, type ChunkResult, checkChunk, checkChunkNow, chunksFor, KeptArtifacts, unpackLink } from "./verify-chunks.js";

/** Below this many link files, starting threads costs more than it saves. */
const MIN_LINKS_FOR_WORKERS = 24;

/**
 * A worker's young generation: its objects live for one chunk, so a small one is collected often and
 * cheaply; V8's default (several times larger) only raised peak RSS, by ~15 MiB on S200_A1000 at the
 * same speed (docs/benchmarks.notes.md).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4 };

/** Messages to a worker: the chain once, then one chunk at a time. */
type WorkerMessage = { dir: string; layout: Layout; readAcross: string[]; trace: boolean } | { chunk: Chunk };

/** What the threads found: checked link files by path, and the steps workers settled. */
export interface Prechecked {
  checked: Map<string, CheckedLink>;
  steps: Map<string, CheckedStep>;
}

/** The workers' bundle entry, beside the CLI's; this code runs from a chunk under dist/chunks/ (scripts/build.mjs). */
function workerPath(): string | undefined {
  const url = import.meta.url;
  if (!url.endsWith(".mjs")) return undefined;
  return fileURLToPath(new URL(/\/chunks\/[^/]+$/.test(url) ? "../verify-worker.mjs" : "./verify-worker.mjs", url));
}

/** Takes in a thread's result for a chunk. */
function receive(result: ChunkResult, chunk: Chunk, out: Prechecked): void {
  const keys = new Map(chunk.flatMap((s) => s.files.map((f) => [f.path, f.key] as const)));
  for (const packed of result.links) {
    const key = keys.get(packed.path);
    if (key) out.checked.set(packed.path, unpackLink(packed, key));
  }
  for (const [step, checked] of result.steps) out.steps.set(step, checked);
}

/**
 * Checks the layout's link files on the main thread and worker threads together; resolves to what
 * they found, or undefined when the chain is small, `jobs` is 0, or threads are unavailable (the
 * engine then does the same work itself).
 */
export async function precheckLinks(layout: Layout, dir: string, opts: { jobs?: number; trace: boolean }): Promise<Prechecked | undefined> {
  const { jobs } = opts;
  const script = workerPath();
  // The main thread is one of the threads: it takes chunks from the same queue as the workers.
  const threads = Math.min(jobs ?? availableParallelism(), layout.steps.length);
  const files = layout.steps.reduce((n, step) => n + uniqueKeyids(step).length, 0);
  if (!script || threads < 2 || (jobs === undefined && files < MIN_LINKS_FOR_WORKERS)) return undefined;
  const chunks = chunksFor(layout, threads);
  const workers = Math.min(threads, chunks.length) - 1;
  if (workers < 1) return undefined;
  const readAcross = KeptArtifacts.readAcross(layout, chunks);
  const kept = new KeptArtifacts(layout, readAcross, opts.trace);
  // Loaded only here: a small chain (checked in-process) need not load the threads module at start-up.
  const { Worker } = await import("node:worker_threads");
  const out: Prechecked = { checked: new Map(), steps: new Map() };
  // One shared queue: a worker needs ~0.1 s to start and the machine may be busy, so fixed shares
  // would leave one thread idle while another still works.
  // The first (largest) chunk is the main thread's: it can start at once, a worker needs to boot.
  const queue = [...chunks];
  let mine = queue.shift();
  const started: { terminate(): Promise<number> }[] = [];
  try {
    const done = Promise.all(
      Array.from(
        { length: workers },
        () =>
          new Promise<void>((resolveWorker, reject) => {
            const inFlight: Chunk[] = [];
            const worker = new Worker(script, { stdout: true, stderr: true, resourceLimits: WORKER_LIMITS });
            started.push(worker);
            const post = (m: WorkerMessage) => worker.postMessage(m);
            const feed = () => {
              const chunk = queue.shift();
              if (!chunk) return;
              inFlight.push(chunk);
              post({ chunk });
            };
            const finish = () => {
              resolveWorker();
              void worker.terminate();
            };
            worker.on("message", (result: ChunkResult) => {
              receive(result, inFlight.shift() as Chunk, out);
              feed();
              if (inFlight.length === 0) finish();
            });
            worker.on("error", reject);
            worker.on("exit", () => (inFlight.length === 0 ? resolveWorker() : reject(new Error("a verification worker stopped early"))));
            post({ dir, layout, readAcross, trace: opts.trace });
            feed();
            if (inFlight.length === 0) finish(); // more threads than chunks: nothing for this one
          }),
      ),
    );
    // A worker failing while the main thread works must not be an unhandled rejection; it is
    // handled where `done` is awaited.
    done.catch(() => undefined);
    // The main thread's share is checked the same way, so its links too stay as compact text.
    for (; mine; mine = queue.shift()) {
      const steps = checkChunk(dir, layout, kept, mine);
      let next = steps.next();
      while (!next.done) {
        // Between steps, take in workers' results and feed them at once: a worker waits otherwise.
        await new Promise((resolveTick) => setImmediate(resolveTick));
        next = steps.next();
      }
      receive(next.value, mine, out);
    }
    await done;
  } catch {
    // Any thread trouble: stop the other workers (they would keep the process alive) and fall back
    // to checking in-process.
    for (const worker of started) void worker.terminate();
    return undefined;
  }
  return out;
}

/**
 * A worker thread's loop (its entry is packages/cli/src/verify-worker.ts): the chain first, then one
 * chunk after another for as long as the main thread has work; the main thread terminates it.
 */
export function serveChunks(port: MessagePort): void {
  let chain: { dir: string; layout: Layout; kept: KeptArtifacts } | undefined;
  port.on("message", (msg: WorkerMessage) => {
    if ("layout" in msg) chain = { dir: msg.dir, layout: msg.layout, kept: new KeptArtifacts(msg.layout, msg.readAcross, msg.trace) };
    else port.postMessage(chain ? checkChunkNow(chain.dir, chain.layout, chain.kept, msg.chunk) : { links: [], steps: [] });
  });
}

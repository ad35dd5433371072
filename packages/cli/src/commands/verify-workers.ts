// Parallel verification for `totem verify` on big chains: the main thread and worker threads claim
// chunks of consecutive steps from one queue (a counter in shared memory; verify-chunks.ts) and
// read, validate and signature-check their link files (the expensive part), and settle their steps'
// threshold agreement and the rules the chunk allows; the main thread settles the rules that read
// across chunks as results come back. The engine's verifyChain then reuses all of it
// (VerifyInput.checked and checkedSteps) and redoes nothing. The engine stays pure; threads are the
// CLI's business. Workers run a bundle entry of their own (dist/verify-worker.mjs: the checking code
// without the command line), so they exist only in the bundled CLI (from sources, verification runs
// in-process).
import { readdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { MessagePort, Worker } from "node:worker_threads";
import { type CheckedLink, type CheckedStep, itemRuleFailures, type Layout, type Link, type Step, uniqueKeyids } from "@totem/engine";
import { type Chunk, type ChunkResult, checkChunk, checkChunkNow, chunksFor, KeptArtifacts, unpackLink } from "./verify-chunks.js";

/** Below this many link files, starting threads costs more than it saves. */
const MIN_LINKS_FOR_WORKERS = 24;

/**
 * A worker's young generation: its objects live for one chunk, so a small one is collected often and
 * cheaply; V8's default (several times larger) only raised peak RSS, by ~15 MiB on S200_A1000 at the
 * same speed (docs/benchmarks.notes.md).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4 };

/**
 * What a worker is sent, once: the chain, its chunks, and the counter every thread claims chunks
 * with (Atomics.add on shared memory: a worker takes its next chunk without waiting for the main
 * thread, which only reads replies between its own steps).
 */
interface ChainMessage {
  dir: string;
  layout: Layout;
  readAcross: string[];
  trace: boolean;
  chunks: Chunk[];
  next: Int32Array;
}

/** What a worker sends back: a chunk's result, or that no chunk is left. */
type WorkerReply = { index: number; result: ChunkResult } | { done: true };

/** The index of the next chunk nobody has claimed yet, or undefined when all are taken. */
function claim(next: Int32Array, chunks: readonly Chunk[]): number | undefined {
  const k = Atomics.add(next, 0, 1);
  return k < chunks.length ? k : undefined;
}

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

/** Takes in a thread's result for a chunk; `across` collects the steps whose rules it left open. */
function receive(result: ChunkResult, chunk: Chunk, out: Prechecked, across: Set<string>): void {
  const keys = new Map(chunk.flatMap((s) => s.files.map((f) => [f.path, f.key] as const)));
  for (const packed of result.links) {
    const key = keys.get(packed.path);
    if (key) out.checked.set(packed.path, unpackLink(packed, key));
  }
  for (const [step, checked] of result.steps) {
    out.steps.set(step, checked);
    if (checked.rules === undefined) across.add(step);
  }
}

/**
 * The rules of steps whose MATCH sources were checked in another chunk: the main thread checks each
 * as soon as every step it reads has come back (between its own steps, while workers still work)
 * rather than leaving them all to the engine at the end. The same function over the same links as
 * stage 9 (each step's first valid link, as stage 8 keeps), so the engine can take the result.
 */
function settleAcross(steps: ReadonlyMap<string, Step>, out: Prechecked, across: Set<string>): void {
  for (const name of across) {
    const checked = out.steps.get(name) as CheckedStep;
    if (!checked.reads.every((source) => out.steps.has(source))) continue;
    const reduced = new Map<string, Link>();
    for (const step of [name, ...checked.reads]) {
      const first = out.steps.get(step)?.valid[0];
      const loaded = first === undefined ? undefined : out.checked.get(first)?.loaded;
      if (loaded?.type === "link") reduced.set(step, loaded.link);
    }
    checked.rules = itemRuleFailures(steps.get(name) as Step, reduced, 9);
    across.delete(name);
  }
}

/** Starts a verification worker; undefined where there is no worker bundle (running from sources). */
async function startWorker(): Promise<Worker | undefined> {
  const script = workerPath();
  if (!script) return undefined;
  // Loaded only here: a small chain (checked in-process) need not load the threads module at start-up.
  const { Worker } = await import("node:worker_threads");
  const worker = new Worker(script, { stdout: true, stderr: true, resourceLimits: WORKER_LIMITS });
  // Until precheckWith listens, a worker that fails must neither crash the process nor be waited for.
  worker.on("error", () => undefined);
  worker.once("exit", () => exited.add(worker));
  return worker;
}

/** Workers that have stopped (whatever the reason). */
const exited = new WeakSet<Worker>();

/**
 * Workers started before the layout is read, when the links directory holds enough link files for a
 * chain worth threads: a worker needs ~0.1 s to boot, which then overlaps reading the layout and its
 * keys. They do not keep the process alive (unref) until precheckLinks takes them, and it stops
 * those it does not need.
 */
export async function warmWorkers(dir: string, jobs: number | undefined): Promise<Worker[]> {
  const threads = jobs ?? availableParallelism();
  if (threads < 2) return [];
  let links = 0;
  try {
    for (const name of readdirSync(dir)) if (name.endsWith(".link") && ++links >= MIN_LINKS_FOR_WORKERS) break;
  } catch {
    return []; // verify reports an unreadable directory itself
  }
  if (jobs === undefined && links < MIN_LINKS_FOR_WORKERS) return [];
  const warm: Worker[] = [];
  try {
    for (let i = 1; i < threads; i++) {
      const worker = await startWorker();
      if (!worker) break;
      worker.unref();
      warm.push(worker);
    }
  } catch {
    // No threads after all: precheckLinks starts its own or checks in-process.
  }
  return warm;
}

/**
 * Checks the layout's link files on the main thread and worker threads together; resolves to what
 * they found, or undefined when the chain is small, `jobs` is 0, or threads are unavailable (the
 * engine then does the same work itself).
 */
export async function precheckLinks(
  layout: Layout,
  dir: string,
  opts: { jobs?: number; trace: boolean; warm?: Worker[] },
): Promise<Prechecked | undefined> {
  const warm = opts.warm ?? [];
  const started: Worker[] = [];
  try {
    return await precheckWith(layout, dir, opts, async () => {
      const worker = warm.shift() ?? (await startWorker());
      if (worker) started.push(worker);
      return worker;
    });
  } catch {
    // Any thread trouble: the engine checks everything in-process.
    return undefined;
  } finally {
    // Workers still running would keep the process alive; warm ones not taken are not needed.
    for (const worker of [...started, ...warm]) void worker.terminate();
  }
}

/** precheckLinks with `worker` giving each worker thread it uses; throws on any thread's trouble. */
async function precheckWith(
  layout: Layout,
  dir: string,
  opts: { jobs?: number; trace: boolean },
  worker: () => Promise<Worker | undefined>,
): Promise<Prechecked | undefined> {
  const { jobs } = opts;
  // The main thread is one of the threads: it takes chunks from the same queue as the workers.
  const threads = Math.min(jobs ?? availableParallelism(), layout.steps.length);
  const files = layout.steps.reduce((n, step) => n + uniqueKeyids(step).length, 0);
  if (!workerPath() || threads < 2 || (jobs === undefined && files < MIN_LINKS_FOR_WORKERS)) return undefined;
  const chunks = chunksFor(layout, threads);
  const workers = Math.min(threads, chunks.length) - 1;
  if (workers < 1) return undefined;
  const readAcross = KeptArtifacts.readAcross(layout, chunks);
  const kept = new KeptArtifacts(readAcross, opts.trace);
  const out: Prechecked = { checked: new Map(), steps: new Map() };
  const across = new Set<string>();
  const steps = new Map(layout.steps.map((s) => [s.name, s]));
  const take = (result: ChunkResult, chunk: Chunk) => {
    receive(result, chunk, out, across);
    // With a trace, the engine evaluates every rule itself (it records what each one consumed).
    if (!opts.trace) settleAcross(steps, out, across);
  };
  // One shared queue: a worker needs ~0.1 s to start and the machine may be busy, so fixed shares
  // would leave one thread idle while another still works. The first (largest) chunk is the main
  // thread's: it can start at once, a worker needs to boot.
  const next = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  let mine = claim(next, chunks);
  const started = await Promise.all(Array.from({ length: workers }, worker));
  const done = Promise.all(
    started.map(
      (thread) =>
        new Promise<void>((resolveWorker, reject) => {
          if (!thread || exited.has(thread)) return reject(new Error("a verification worker is missing"));
          thread.ref();
          let finished = false;
          thread.on("message", (reply: WorkerReply) => {
            if ("done" in reply) {
              finished = true;
              return resolveWorker();
            }
            try {
              take(reply.result, chunks[reply.index] as Chunk);
            } catch (error) {
              reject(error); // as a worker failure: every thread stops, the engine checks in-process
            }
          });
          thread.on("error", reject);
          thread.on("exit", () => (finished ? resolveWorker() : reject(new Error("a verification worker stopped early"))));
          const message: ChainMessage = { dir, layout, readAcross, trace: opts.trace, chunks, next };
          thread.postMessage(message);
        }),
    ),
  );
  // A worker failing while the main thread works must not be an unhandled rejection; it is
  // handled where `done` is awaited.
  done.catch(() => undefined);
  // The main thread's share is checked the same way, so its links too stay as compact text.
  for (; mine !== undefined; mine = claim(next, chunks)) {
    const chunk = chunks[mine] as Chunk;
    const steps = checkChunk(dir, layout, kept, chunk);
    let step = steps.next();
    while (!step.done) {
      // Between steps, take in workers' results (and settle the rules they make checkable).
      await new Promise((resolveTick) => setImmediate(resolveTick));
      step = steps.next();
    }
    take(step.value, chunk);
  }
  await done;
  return out;
}

/**
 * A worker thread's loop (its entry is packages/cli/src/verify-worker.ts): given the chain, it claims
 * chunks until none is left, sending each one's result, then says it is done.
 */
export function serveChunks(port: MessagePort): void {
  port.on("message", ({ dir, layout, readAcross, trace, chunks, next }: ChainMessage) => {
    const kept = new KeptArtifacts(readAcross, trace);
    for (let k = claim(next, chunks); k !== undefined; k = claim(next, chunks)) {
      const reply: WorkerReply = { index: k, result: checkChunkNow(dir, layout, kept, chunks[k] as Chunk) };
      port.postMessage(reply);
    }
    port.postMessage({ done: true } satisfies WorkerReply);
  });
}

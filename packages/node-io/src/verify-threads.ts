// Worker threads for `totem verify` on big chains: a ChunkRunner (engine/src/verify/types.ts) that
// runs the engine's own `checkChunk` on the main thread and on worker threads, which claim chunks of
// the engine's plan from one queue (a counter in shared memory: a worker takes its next chunk
// without waiting for the main thread). Nothing here decides a verdict: the engine plans the chunks,
// checks them with its kernel and puts the outcomes together, in this thread or these. Workers run a
// bundle entry of their own (dist/verify-worker.mjs, without the command line); tests run the same
// protocol from sources over MessageChannels (cli/test/verify-threads.test.ts).
import { readdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { MessagePort, Worker } from "node:worker_threads";
import { type ChunkOutcome, type ChunkRunner, checkChunk, type Layout, MIN_CHUNK_STEPS, type StepsPlan } from "@totem/engine";
import { readLinkFile } from "./link-folder.js";

/** Below this many link files, starting threads costs more than it saves. */
const MIN_LINKS_FOR_WORKERS = 24;

/** The most threads `--jobs` may ask for (docs/cli.md). */
export const MAX_JOBS = 64;

/**
 * A worker's young generation: its objects live for one chunk, so a small one is collected often and
 * cheaply; V8's default only raised peak RSS (docs/benchmarks.notes.md).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4 };

/** What a worker is sent, once: where the links are, the plan, and the counter chunks are claimed with. */
interface ChainMessage {
  dir: string;
  plan: StepsPlan;
  next: Int32Array;
}

/** What a worker sends back: a chunk's outcome, or that no chunk is left. */
type WorkerReply = { index: number; outcome: ChunkOutcome } | { done: true };

/** The thread side of the protocol: a Worker, or (in tests) one end of a MessageChannel. */
export interface ChunkPort {
  postMessage(message: unknown): void;
  on(event: "message", listener: (message: WorkerReply) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "exit", listener: () => void): unknown;
  ref?(): void;
  terminate(): unknown;
}

/** The index of the next chunk nobody has claimed yet, or undefined when all are taken. */
function claim(next: Int32Array, count: number): number | undefined {
  const k = Atomics.add(next, 0, 1);
  return k < count ? k : undefined;
}

/** The workers' bundle entry, beside the CLI's; this code runs from a chunk under dist/chunks/ (scripts/build.mjs). */
function workerPath(): string | undefined {
  const url = import.meta.url;
  if (!url.endsWith(".mjs")) return undefined;
  return fileURLToPath(new URL(/\/chunks\/[^/]+$/.test(url) ? "../verify-worker.mjs" : "./verify-worker.mjs", url));
}

/** Workers that have stopped (whatever the reason). */
const exited = new WeakSet<object>();

/** Starts a verification worker; undefined where there is no worker bundle (running from sources). */
async function startWorker(): Promise<Worker | undefined> {
  const script = workerPath();
  if (!script) return undefined;
  // Loaded only here: a small chain (checked in-process) need not load the threads module at start-up.
  const { Worker } = await import("node:worker_threads");
  const worker = new Worker(script, { stdout: true, stderr: true, resourceLimits: WORKER_LIMITS });
  // Until a run listens, a worker that fails must neither crash the process nor be waited for.
  worker.on("error", () => undefined);
  worker.once("exit", () => exited.add(worker));
  return worker;
}

/** How many threads verify uses: `--jobs`, or one per core for a chain with enough link files. */
export function threadsFor(jobs: number | undefined, linkFiles: number): number {
  if (jobs !== undefined) return jobs;
  return linkFiles >= MIN_LINKS_FOR_WORKERS ? Math.min(availableParallelism(), MAX_JOBS) : 1;
}

/**
 * Workers started before the layout is read, when the links directory holds enough link files for a
 * chain worth threads: a worker needs ~0.1 s to boot, which then overlaps reading the layout and its
 * keys. They do not keep the process alive (unref) until a run takes them; unused ones are stopped.
 */
export async function warmWorkers(dir: string, jobs: number | undefined): Promise<Worker[]> {
  let links = 0;
  try {
    for (const name of readdirSync(dir)) if (name.endsWith(".link")) links++;
  } catch {
    return []; // verify reports an unreadable directory itself
  }
  // No more workers than chunks the chain can have (a chunk holds at least MIN_CHUNK_STEPS steps, each
  // with a link file): `--jobs 64` on a two-link chain starts none.
  const threads = Math.min(threadsFor(jobs, links), Math.ceil(links / MIN_CHUNK_STEPS));
  const warm: Worker[] = [];
  try {
    for (let i = 1; i < threads; i++) {
      const worker = await startWorker();
      if (!worker) break;
      worker.unref();
      warm.push(worker);
    }
  } catch {
    // No threads after all: the run starts its own or the engine checks in-process.
  }
  return warm;
}

/** Link files a layout's steps name (one per distinct keyid of each step). */
function linkFileCount(layout: Layout): number {
  return layout.steps.reduce((n, step) => n + new Set(step.pubkeys).size, 0);
}

/**
 * The runner for a layout's chunks: the main thread and `threads − 1` ports (warm workers first).
 * Undefined when one thread will do (small chain, `--jobs` 0 or 1) or there are no workers to start.
 */
export function chunkRunner(
  layout: Layout,
  dir: string,
  opts: { jobs?: number; warm?: ChunkPort[]; start?: () => Promise<ChunkPort | undefined> },
): ChunkRunner | undefined {
  const threads = threadsFor(opts.jobs, linkFileCount(layout));
  const warm = [...(opts.warm ?? [])];
  const start = opts.start ?? startWorker;
  if (threads < 2 || (warm.length === 0 && !opts.start && !workerPath())) {
    for (const port of warm) void port.terminate();
    return undefined;
  }
  return {
    threads,
    async run(plan) {
      const used: ChunkPort[] = [];
      try {
        return await runChunks(plan, dir, threads, async () => {
          const port = warm.shift() ?? (await start());
          if (port) used.push(port);
          return port;
        });
      } finally {
        // Ports still running would keep the process alive; warm ones not taken are not needed.
        for (const port of [...used, ...warm]) void port.terminate();
      }
    },
  };
}

/** Runs every chunk of `plan` on this thread and `threads − 1` ports; rejects on any port's trouble. */
async function runChunks(plan: StepsPlan, dir: string, threads: number, port: () => Promise<ChunkPort | undefined>): Promise<ChunkOutcome[]> {
  const count = plan.chunks.length;
  const outcomes: ChunkOutcome[] = new Array(count);
  const next = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  // The first (largest) chunk is the main thread's: it can start at once, a worker needs to boot.
  let mine = claim(next, count);
  const ports = await Promise.all(Array.from({ length: Math.min(threads, count) - 1 }, port));
  const done = Promise.all(
    ports.map(
      (thread) =>
        new Promise<void>((resolvePort, reject) => {
          if (!thread || exited.has(thread)) return reject(new Error("a verification worker is missing"));
          thread.ref?.();
          let finished = false;
          thread.on("message", (reply: WorkerReply) => {
            if (!("done" in reply)) {
              outcomes[reply.index] = reply.outcome;
              return;
            }
            finished = true;
            resolvePort();
          });
          thread.on("error", reject);
          thread.on("exit", () => (finished ? resolvePort() : reject(new Error("a verification worker stopped early"))));
          thread.postMessage({ dir, plan, next } satisfies ChainMessage);
        }),
    ),
  );
  // A port failing while the main thread works must not be an unhandled rejection; it is handled
  // where `done` is awaited.
  done.catch(() => undefined);
  const readLink = (path: string) => readLinkFile(dir, path);
  for (; mine !== undefined; mine = claim(next, count)) {
    outcomes[mine] = checkChunk(plan, mine, readLink);
    // Between chunks, let the ports' replies in.
    await new Promise((resolveTick) => setImmediate(resolveTick));
  }
  await done;
  for (let i = 0; i < count; i++) if (!outcomes[i]) throw new Error(`chunk ${i} was claimed but never answered`);
  return outcomes;
}

/**
 * A worker thread's loop (its entry is packages/cli/src/verify-worker.ts): given the plan, it claims
 * chunks until none is left, sending each one's outcome, then says it is done.
 */
export function serveChunks(port: Pick<MessagePort, "on" | "postMessage">): void {
  port.on("message", ({ dir, plan, next }: ChainMessage) => {
    const readLink = (path: string) => readLinkFile(dir, path);
    for (let k = claim(next, plan.chunks.length); k !== undefined; k = claim(next, plan.chunks.length)) {
      port.postMessage({ index: k, outcome: checkChunk(plan, k, readLink) } satisfies WorkerReply);
    }
    port.postMessage({ done: true } satisfies WorkerReply);
  });
}

// Parallel link checking for `totem verify` on big chains: worker threads read, parse, validate and
// signature-check link files (the expensive part: JSON, canonical JSON, ed25519), and hand the loaded
// links back; the engine's verifyChain then skips those stages' work for them (VerifyInput.checked).
// The engine stays pure; threads are the CLI's business. Workers run this same bundle with a hidden
// command, so they exist only in the bundled CLI (from sources, verification runs in-process).
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type CheckedLink,
  checkLinkFile,
  isSafeFileStem,
  type Layout,
  type Link,
  type LoadedEnvelope,
  linkFileName,
  type PublicKey,
  type Signature,
} from "@totem/engine";
import type { Command } from "commander";

/** Below this many link files, starting threads costs more than it saves. */
const MIN_LINKS_FOR_WORKERS = 24;
/** The hidden command a worker runs. */
export const WORKER_COMMAND = "__verify-worker";

interface Job {
  path: string;
  key: PublicKey;
}
/**
 * A worker's answer for one file: the verdict and the link as compact JSON text, or nothing (the
 * engine then redoes the file). Measured on S200_A1000: JSON.parse of that text is the cheapest way
 * for the main thread to get the link — cloning the objects, re-parsing the file's own text, or
 * rebuilding the artifact dicts from joined strings all cost it more (docs/benchmarks.notes.md).
 */
type Reply = { path: string; signatureValid?: boolean; signatures?: Signature[]; link?: string; materials?: string; products?: string };

/** Reads a link file; undefined when it is absent or unreadable. */
function readLink(dir: string, path: string): Uint8Array | undefined {
  try {
    return new Uint8Array(readFileSync(join(dir, path)));
  } catch {
    return undefined; // absent: the engine reports it when it counts links
  }
}

/** A plain link's signature is settled once checked; its signed bytes need not stay in memory. */
function withoutSignedBytes(c: CheckedLink, pool: HashPool): CheckedLink {
  if (c.loaded.type !== "link") return c;
  const link = shareHashes(c.loaded.link, pool);
  return { ...c, loaded: { ...c.loaded, link, signedBytes: new Uint8Array(0), canonicalSignedBytes: undefined } };
}

/** Checks one link file in a worker thread. */
function checkOne(dir: string, job: Job): Reply {
  const bytes = readLink(dir, job.path);
  if (!bytes) return { path: job.path };
  const r = checkLinkFile(bytes, job.key);
  // Malformed files, sublayouts and DSSE links are left to the engine, which explains or recurses.
  if (!r.ok || r.value.loaded.type !== "link" || r.value.loaded.envelope !== "metablock") return { path: job.path };
  const { link, signatures } = r.value.loaded;
  // Three texts rather than one: each artifact dict's text stays under V8's large-object size (128 KiB)
  // for links of up to ~1,300 artifacts, so the main thread frees it in a young-generation scavenge
  // instead of keeping it until the next full collection (−15 MiB peak RSS on S200_A1000).
  return {
    path: job.path,
    signatureValid: r.value.signatureValid,
    signatures,
    link: JSON.stringify({ ...link, materials: undefined, products: undefined }),
    materials: JSON.stringify(link.materials),
    products: JSON.stringify(link.products),
  };
}

/**
 * One string per distinct hash value across the chain. A step's products are usually the next
 * step's materials, so the same digests recur in several links (S200_A1000: 480k values, 201k
 * distinct); sharing them saves ~80 bytes per repeat (~22 MiB there) of what stays in memory until
 * the rules are checked. Strings are immutable, so sharing them cannot change any result.
 */
type HashPool = Map<string, string>;

/** Replaces a link's hash values by the pool's copy of each (adding the ones it lacks). */
function shareHashes(link: Link, pool: HashPool): Link {
  for (const side of [link.materials, link.products]) {
    for (const path in side) {
      const hashes = side[path] as Record<string, unknown>;
      for (const algo in hashes) {
        const value = hashes[algo];
        if (typeof value !== "string") continue;
        const shared = pool.get(value);
        if (shared === undefined) pool.set(value, value);
        else hashes[algo] = shared;
      }
    }
  }
  return link;
}

/** Rebuilds a checked link on the main thread from a worker's reply. */
function fromReply(reply: Reply, key: PublicKey, pool: HashPool): CheckedLink | undefined {
  if (reply.link === undefined) return undefined;
  const loaded: LoadedEnvelope = {
    envelope: "metablock",
    signatures: reply.signatures ?? [],
    signedBytes: new Uint8Array(0), // the signature is settled; nothing will check it again
    type: "link",
    link: shareHashes({ ...(JSON.parse(reply.link) as Link), materials: JSON.parse(reply.materials ?? "{}"), products: JSON.parse(reply.products ?? "{}") }, pool),
  };
  return { keyid: key.keyid, loaded, signatureValid: reply.signatureValid === true };
}

/** The link files of a layout's steps, each with the key that must have signed it. */
function jobsFor(layout: Layout): Job[] {
  const jobs: Job[] = [];
  for (const step of layout.steps) {
    if (!isSafeFileStem(step.name)) continue; // the engine reports it
    for (const keyid of new Set(step.pubkeys)) {
      const key = Object.hasOwn(layout.keys, keyid) ? layout.keys[keyid] : undefined;
      if (key) jobs.push({ path: linkFileName(step.name, keyid), key });
    }
  }
  return jobs;
}

/** The bundle's entry file: this code runs from a chunk under dist/chunks/ (scripts/build.mjs splits the CLI). */
function bundlePath(): string | undefined {
  const url = import.meta.url;
  if (!url.endsWith(".mjs")) return undefined;
  return fileURLToPath(/\/chunks\/[^/]+$/.test(url) ? new URL("../totem.mjs", url) : url);
}

/**
 * Loads and signature-checks the layout's link files in worker threads; resolves to the results by
 * path, or undefined when the chain is small, `jobs` is 0, or threads are unavailable (the engine
 * then does the same work itself).
 */
export async function precheckLinks(layout: Layout, dir: string, jobs?: number): Promise<Map<string, CheckedLink> | undefined> {
  const work = jobsFor(layout);
  const script = bundlePath();
  // The main thread is one of the threads: it takes links from the same queue as the workers.
  const threads = Math.min(jobs ?? availableParallelism(), work.length);
  if (!script || threads < 2 || (jobs === undefined && work.length < MIN_LINKS_FOR_WORKERS)) return undefined;
  // Loaded only here: a small chain (checked in-process) need not load the threads module at start-up.
  const { Worker } = await import("node:worker_threads");
  const out = new Map<string, CheckedLink>();
  const keys = new Map(work.map((j) => [j.path, j.key]));
  // One shared queue, links handed out one at a time: the main thread also parses every reply, and a
  // worker needs ~0.1 s to start, so fixed slices left one thread idle while the other still worked.
  const queue = [...work];
  const pool: HashPool = new Map();
  try {
    const done = Promise.all(
      Array.from(
        { length: threads - 1 },
        () =>
          new Promise<void>((resolveWorker, reject) => {
            let pending = 0;
            const worker = new Worker(script, { argv: [WORKER_COMMAND], stdout: true, stderr: true });
            const feed = () => {
              const job = queue.shift();
              if (!job) return;
              pending++;
              worker.postMessage({ dir, jobs: [job] });
            };
            // Replies arrive one by one, so the main thread parses while the workers still check.
            worker.on("message", (reply: Reply) => {
              const checked = fromReply(reply, keys.get(reply.path) as PublicKey, pool);
              if (checked) out.set(reply.path, checked);
              pending--;
              feed();
              if (pending === 0) {
                resolveWorker();
                void worker.terminate();
              }
            });
            worker.on("error", reject);
            worker.on("exit", () => (pending === 0 ? resolveWorker() : reject(new Error("a verification worker stopped early"))));
            // Two jobs in flight: the worker checks the next link while its last reply is parsed.
            feed();
            feed();
            if (pending === 0) {
              // More threads than links: nothing left for this one.
              resolveWorker();
              void worker.terminate();
            }
          }),
      ),
    );
    for (let job = queue.shift(); job; job = queue.shift()) {
      const bytes = readLink(dir, job.path);
      const r = bytes && checkLinkFile(bytes, job.key);
      if (r?.ok) out.set(job.path, withoutSignedBytes(r.value, pool));
      // Yield between links so replies are parsed (and workers fed) as they arrive.
      await new Promise((resolveTick) => setImmediate(resolveTick));
    }
    await done;
  } catch {
    return undefined; // any thread trouble: fall back to checking in-process
  }
  return out;
}

/** Registers the hidden command a verification worker thread runs. */
export function registerWorker(program: Command): void {
  program
    .command(WORKER_COMMAND, { hidden: true })
    .description("(internal) a verification worker thread")
    .action(async () => {
      const { isMainThread, parentPort } = await import("node:worker_threads");
      await new Promise<void>((done) => {
        if (isMainThread || !parentPort) return done();
        const port = parentPort;
        // Jobs arrive in batches for as long as the main thread has work; it terminates the worker.
        port.on("message", (msg: { dir: string; jobs: Job[] }) => {
          for (const j of msg.jobs) port.postMessage(checkOne(msg.dir, j));
        });
        port.once("close", () => done());
      });
    });
}

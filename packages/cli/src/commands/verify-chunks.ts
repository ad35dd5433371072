// The work `totem verify` shares between threads on big chains, and how its results travel. The unit
// is a chunk of consecutive steps with all their link files: a thread that checked every link of a
// step can also settle the step's threshold agreement (stage 7) and, when the steps its MATCH rules
// read are in the same chunk, its artifact rules (stage 9) — the engine takes those results
// (VerifyInput.checkedSteps) and never needs the artifact dicts of such links on the main thread.
// They still travel, as JSON text parsed only if something reads them (lazyLink).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type CheckedLink,
  type CheckedStep,
  checkLinkFile,
  type HashDict,
  isSafeFileStem,
  itemRuleFailures,
  type Layout,
  type Link,
  type LinkArtifacts,
  type LoadedEnvelope,
  linkFileName,
  type PublicKey,
  type Signature,
  type Step,
  uniqueKeyids,
  verifyThresholdAgreement,
} from "@totem/engine";

/** One link file to check, with the key that must have signed it. */
export interface FileJob {
  path: string;
  keyid: string;
  key: PublicKey;
}

/** A step and its link files, in `pubkeys` order. */
export interface StepJob {
  step: string;
  files: FileJob[];
}

/** Consecutive steps checked by one thread. */
export type Chunk = StepJob[];

/** The smallest chunk: the last chunks are this small, so threads finish close together. */
const MIN_CHUNK_STEPS = 4;

/**
 * The layout's steps with their link files, in chunks of consecutive steps for `threads` threads.
 * Chunks shrink as the queue empties ("guided" scheduling): a big chunk has fewer boundaries (a step
 * whose MATCH source is in another chunk is checked on the main thread afterwards), small last ones
 * keep one thread from working alone at the end.
 */
export function chunksFor(layout: Layout, threads: number): Chunk[] {
  const steps: StepJob[] = [];
  for (const step of layout.steps) {
    if (!isSafeFileStem(step.name)) continue; // the engine reports it
    const files: FileJob[] = [];
    for (const keyid of uniqueKeyids(step)) {
      const key = Object.hasOwn(layout.keys, keyid) ? layout.keys[keyid] : undefined;
      if (key) files.push({ path: linkFileName(step.name, keyid), keyid, key });
    }
    steps.push({ step: step.name, files });
  }
  const chunks: Chunk[] = [];
  for (let at = 0; at < steps.length; ) {
    const size = Math.max(MIN_CHUNK_STEPS, Math.ceil((steps.length - at) / (2 * threads)));
    chunks.push(steps.slice(at, at + size));
    at += size;
  }
  return chunks;
}

/** Reads a link file; undefined when it is absent or unreadable (the engine reports that). */
export function readLinkFile(dir: string, path: string): Uint8Array | undefined {
  try {
    const file = readFileSync(join(dir, path));
    // A plain Uint8Array over the Buffer's bytes (no copy): the reader's loops then see one array type.
    return new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  } catch {
    return undefined;
  }
}

/**
 * A checked link as it travels: its fields as JSON text, each artifact dict apart (a dict's
 * text under V8's large-object size, 128 KiB, is freed by a young-generation scavenge).
 */
export interface PackedLink {
  path: string;
  envelope: LoadedEnvelope["envelope"];
  signatureValid: boolean;
  signatures: Signature[];
  head: string;
  /** The artifact dicts' texts; absent when the main thread will not read them (KeptArtifacts). */
  materials?: string;
  products?: string;
}

/** A link's artifact dicts as compact JSON text. */
type ArtifactTexts = Required<Pick<PackedLink, "materials" | "products">>;

/** What a thread found in a chunk: the links it checked, and the steps it settled. */
export interface ChunkResult {
  links: PackedLink[];
  steps: [string, CheckedStep][];
}

/** The items a step's or inspection's MATCH rules read. */
function matchSources(item: Pick<Step, "expected_materials" | "expected_products">): string[] {
  const out = new Set<string>();
  for (const rule of [...item.expected_materials, ...item.expected_products]) if (rule.type === "match") out.add(rule.destinationName);
  return [...out];
}

/**
 * Which steps' artifact dicts the main thread may read after the threads are done, and so must keep:
 * every step when a trace is recorded; otherwise the steps whose rules it evaluates itself (a step a
 * thread could not settle, or whose MATCH sources were checked elsewhere), the sources of those rules
 * and of inspections' rules (stage 11), and the first and last steps (the summary link). A thread
 * settled everything else: the engine never reads it, and not keeping it is most of the memory a big
 * chain needs (docs/benchmarks.notes.md).
 */
export class KeptArtifacts {
  private readonly readAcross: Set<string>;

  /** `readAcross` as {@link KeptArtifacts.readAcross} computes it; `all` when a trace is recorded. */
  constructor(
    readAcross: Iterable<string>,
    private readonly all: boolean,
  ) {
    this.readAcross = new Set(readAcross);
  }

  /**
   * The steps read by rules that certainly run on the main thread: MATCH sources in another chunk,
   * inspections' MATCH sources (stage 11), and the first and last steps, whose materials and
   * products make a passing layout's summary link (what a sublayout stands for).
   */
  static readAcross(layout: Layout, chunks: Chunk[]): string[] {
    const chunkOf = new Map<string, number>();
    chunks.forEach((chunk, i) => {
      for (const { step } of chunk) chunkOf.set(step, i);
    });
    const out = new Set<string>();
    for (const step of layout.steps) for (const source of matchSources(step)) if (chunkOf.get(source) !== chunkOf.get(step.name)) out.add(source);
    for (const inspection of layout.inspect) for (const source of matchSources(inspection)) out.add(source);
    for (const step of [layout.steps[0], layout.steps.at(-1)]) if (step) out.add(step.name);
    return [...out];
  }

  /**
   * Whether a step's dicts must be kept, once the thread is done with it: `readers` are the steps of
   * the chunk whose MATCH rules read it (their rules have been tried by then; see `schedule`).
   */
  keeps(step: string, settled: ReadonlyMap<string, CheckedStep>, readers: readonly string[]): boolean {
    if (this.all || this.readAcross.has(step)) return true;
    // Rules that run on the main thread read the step's own dicts and their sources'.
    return settled.get(step)?.rules === undefined || readers.some((reader) => settled.get(reader)?.rules === undefined);
  }
}

/**
 * One link file checked: packed for the main thread (without its artifact texts, made only if
 * KeptArtifacts keeps them), and the link itself if its signature is valid.
 */
function checkFile(dir: string, f: FileJob): { packed: PackedLink; texts: () => ArtifactTexts; valid?: LinkArtifacts } | "absent" | "not-a-link" {
  const bytes = readLinkFile(dir, f.path);
  if (!bytes) return "absent";
  // The dicts come as Maps when the one-pass reader takes the file (the link's own are then empty).
  const r = checkLinkFile(bytes, f.key, { artifactTexts: true, artifactMaps: true });
  if (!r.ok || r.value.loaded.type !== "link") return "not-a-link";
  const { link, signatures, artifactTexts, artifactMaps, envelope } = r.value.loaded;
  const packed: PackedLink = {
    path: f.path,
    envelope,
    signatureValid: r.value.signatureValid,
    signatures,
    head: JSON.stringify({ ...link, materials: undefined, products: undefined }),
  };
  const texts = artifactTexts ?? (() => ({ materials: JSON.stringify(link.materials), products: JSON.stringify(link.products) }));
  return r.value.signatureValid ? { packed, texts, valid: artifactMaps ?? link } : { packed, texts };
}

/**
 * For a chunk: the layout steps each step's MATCH rules read, and the other way round within the
 * chunk; when each step can have its rules checked (the position of the last of those sources; none
 * when one is outside the chunk); and after which position a step's links are no longer needed.
 * Links are let go as soon as possible: a chunk's links all alive at once would outgrow the young
 * generation and be promoted, which costs garbage collection time.
 */
function schedule(steps: ReadonlyMap<string, Step>, chunk: Chunk) {
  const index = new Map(chunk.map((s, i) => [s.step, i]));
  const reads = new Map<string, string[]>();
  const readers = new Map<string, string[]>();
  const readyAt = new Map<string, number>();
  const lastUse = new Map<string, number>();
  const use = (step: string, at: number) => lastUse.set(step, Math.max(lastUse.get(step) ?? 0, at));
  chunk.forEach(({ step }, i) => {
    use(step, i);
    const sources = matchSources(steps.get(step) as Step).filter((name) => steps.has(name));
    reads.set(step, sources);
    for (const name of sources) if (index.has(name)) readers.set(name, [...(readers.get(name) ?? []), step]);
    if (!sources.every((name) => index.has(name))) return;
    const at = Math.max(i, ...sources.map((name) => index.get(name) as number));
    readyAt.set(step, at);
    use(step, at);
    for (const name of sources) use(name, at);
  });
  return { reads, readers, readyAt, lastUse };
}

/**
 * Checks a chunk's link files in step order, pausing (yield) after each step. A step is settled only
 * when each of its files is absent or a link (Metablock or DSSE; a sublayout or a malformed file is
 * the engine's to explain): then its agreement, and its rules when every step they read is settled
 * in this chunk too.
 */
export function* checkChunk(dir: string, layout: Layout, kept: KeptArtifacts, chunk: Chunk): Generator<void, ChunkResult> {
  const steps = new Map(layout.steps.map((s) => [s.name, s]));
  const { reads, readers, readyAt, lastUse } = schedule(steps, chunk);
  const links: PackedLink[] = [];
  /** The texts of each step's links, until the thread is done with the step and knows whether they travel. */
  const texts = new Map<string, [PackedLink, () => ArtifactTexts][]>();
  const results = new Map<string, CheckedStep>();
  const settled = new Set<string>();
  /** Valid links of the settled steps still needed, by keyid, and the first of them (stage 8). */
  const valid = new Map<string, Map<string, LinkArtifacts>>();
  const reduced = new Map<string, LinkArtifacts>();
  for (const [i, { step: name, files }] of chunk.entries()) {
    if (i > 0) yield; // after each step: the main thread takes workers' results in between
    const step = steps.get(name) as Step;
    const byKey = new Map<string, LinkArtifacts>();
    const paths: string[] = [];
    let allLinks = true;
    for (const f of files) {
      const r = checkFile(dir, f);
      if (r === "not-a-link") allLinks = false;
      if (typeof r === "string") continue;
      links.push(r.packed);
      texts.set(name, [...(texts.get(name) ?? []), [r.packed, r.texts]]);
      if (r.valid) {
        byKey.set(f.keyid, r.valid);
        paths.push(f.path);
      }
    }
    if (allLinks) {
      settled.add(name);
      valid.set(name, byKey);
      const first = byKey.values().next().value;
      if (first) reduced.set(name, first);
      const agreement = verifyThresholdAgreement({ ...layout, steps: [step] }, valid, "");
      results.set(name, { valid: paths, agreement, reads: reads.get(name) ?? [] });
    }
    for (const [ready, at] of readyAt) {
      const result = results.get(ready);
      if (at === i && result?.reads.every((s) => settled.has(s))) result.rules = itemRuleFailures(steps.get(ready) as Step, reduced, 9);
    }
    for (const [done, at] of lastUse) {
      if (at !== i) continue;
      valid.delete(done);
      reduced.delete(done);
      // Texts the main thread will not read are never made (nor sent): most of a big chain's memory.
      if (kept.keeps(done, results, readers.get(done) ?? [])) for (const [packed, made] of texts.get(done) ?? []) Object.assign(packed, made());
      texts.delete(done);
    }
  }
  return { links, steps: [...results] };
}

/**
 * A link whose artifact dicts are parsed from their text the first time something reads them: when
 * the engine takes the step's results from the thread that checked it, nothing ever does. Without
 * the texts (not kept), reading a dict is a bug in KeptArtifacts: it throws, and verifyChain turns
 * that into an internal-error failure, so a mistake can fail a chain but never pass one.
 */
function lazyLink(packed: PackedLink): Link {
  const head = JSON.parse(packed.head) as Link;
  const side = (name: string, text: string | undefined) => {
    let dict: Record<string, HashDict> | undefined;
    let pending = text;
    return () => {
      if (dict === undefined) {
        if (pending === undefined) throw new Error(`the ${name} of ${packed.path} were not kept after the step was settled`);
        dict = JSON.parse(pending) as Record<string, HashDict>;
        pending = undefined; // the text is not needed once parsed
      }
      return dict;
    };
  };
  return Object.defineProperties(head, {
    materials: { enumerable: true, get: side("materials", packed.materials) },
    products: { enumerable: true, get: side("products", packed.products) },
  });
}

/** A packed link as the engine's CheckedLink (its signature settled; no signed bytes kept). */
export function unpackLink(packed: PackedLink, key: PublicKey): CheckedLink {
  const loaded: LoadedEnvelope = {
    envelope: packed.envelope,
    signatures: packed.signatures,
    signedBytes: new Uint8Array(0),
    type: "link",
    link: lazyLink(packed),
  };
  return { keyid: key.keyid, loaded, signatureValid: packed.signatureValid };
}

/** Runs checkChunk to its end without pausing (a worker thread has nothing else to do). */
export function checkChunkNow(dir: string, layout: Layout, kept: KeptArtifacts, chunk: Chunk): ChunkResult {
  const steps = checkChunk(dir, layout, kept, chunk);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

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
  type LoadedEnvelope,
  linkFileName,
  type PublicKey,
  reduceLinks,
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

/** Steps per chunk: small enough to balance two threads, large enough that most MATCH sources are local. */
const CHUNK_STEPS = 8;

/** The layout's steps with their link files, in chunks of consecutive steps. */
export function chunksFor(layout: Layout): Chunk[] {
  const chunks: Chunk[] = [];
  let chunk: Chunk = [];
  for (const step of layout.steps) {
    if (!isSafeFileStem(step.name)) continue; // the engine reports it
    const files: FileJob[] = [];
    for (const keyid of uniqueKeyids(step)) {
      const key = Object.hasOwn(layout.keys, keyid) ? layout.keys[keyid] : undefined;
      if (key) files.push({ path: linkFileName(step.name, keyid), keyid, key });
    }
    chunk.push({ step: step.name, files });
    if (chunk.length === CHUNK_STEPS) {
      chunks.push(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** Reads a link file; undefined when it is absent or unreadable (the engine reports that). */
export function readLinkFile(dir: string, path: string): Uint8Array | undefined {
  try {
    return new Uint8Array(readFileSync(join(dir, path)));
  } catch {
    return undefined;
  }
}

/**
 * A checked plain link as it travels: its fields as JSON text, each artifact dict apart (a dict's
 * text under V8's large-object size, 128 KiB, is freed by a young-generation scavenge).
 */
export interface PackedLink {
  path: string;
  signatureValid: boolean;
  signatures: Signature[];
  head: string;
  materials: string;
  products: string;
}

/** What a thread found in a chunk: the plain links it checked, and the steps it settled. */
export interface ChunkResult {
  links: PackedLink[];
  steps: [string, CheckedStep][];
}

/** The steps a step's MATCH rules read (their source links must be the ones checked with it). */
function matchSources(step: Step): string[] {
  const out = new Set<string>();
  for (const rule of [...step.expected_materials, ...step.expected_products]) if (rule.type === "match") out.add(rule.destinationName);
  return [...out];
}

/**
 * Checks a chunk's link files. A step is settled only when each of its files is absent or a plain
 * Metablock link (a sublayout, a DSSE link or a malformed file is the engine's to explain): then its
 * agreement, and its rules when every step they read is settled here too.
 */
export function checkChunk(dir: string, layout: Layout, chunk: Chunk): ChunkResult {
  const links: PackedLink[] = [];
  const valid = new Map<string, Map<string, Link>>();
  const validFiles = new Map<string, string[]>();
  for (const { step, files } of chunk) {
    const byKey = new Map<string, Link>();
    const paths: string[] = [];
    let plain = true;
    for (const f of files) {
      const bytes = readLinkFile(dir, f.path);
      if (!bytes) continue;
      const r = checkLinkFile(bytes, f.key, { artifactTexts: true });
      if (!r.ok || r.value.loaded.type !== "link" || r.value.loaded.envelope !== "metablock") {
        plain = false;
        continue;
      }
      const { link, signatures, artifactTexts } = r.value.loaded;
      const signatureValid = r.value.signatureValid;
      links.push({
        path: f.path,
        signatureValid,
        signatures,
        head: JSON.stringify({ ...link, materials: undefined, products: undefined }),
        materials: artifactTexts?.materials ?? JSON.stringify(link.materials),
        products: artifactTexts?.products ?? JSON.stringify(link.products),
      });
      if (signatureValid) {
        byKey.set(f.keyid, link);
        paths.push(f.path);
      }
    }
    if (plain) {
      valid.set(step, byKey);
      validFiles.set(step, paths);
    }
  }
  const steps: [string, CheckedStep][] = [];
  const settled = layout.steps.filter((s) => valid.has(s.name));
  const reduced = reduceLinks({ ...layout, steps: settled }, valid);
  for (const step of settled) {
    const reads = matchSources(step).filter((name) => layout.steps.some((s) => s.name === name));
    const agreement = verifyThresholdAgreement({ ...layout, steps: [step] }, valid, "");
    const rules = reads.every((name) => valid.has(name)) ? itemRuleFailures(step, reduced, 9) : undefined;
    steps.push([step.name, { valid: validFiles.get(step.name) ?? [], agreement, reads, ...(rules ? { rules } : {}) }]);
  }
  return { links, steps };
}

/**
 * A link whose artifact dicts are parsed from their text the first time something reads them: when
 * the engine takes the step's results from the thread that checked it, nothing ever does.
 */
function lazyLink(packed: PackedLink): Link {
  const head = JSON.parse(packed.head) as Link;
  const side = (text: string) => {
    let dict: Record<string, HashDict> | undefined;
    let pending = text;
    return () => {
      if (dict === undefined) {
        dict = JSON.parse(pending) as Record<string, HashDict>;
        pending = ""; // the text is not needed once parsed
      }
      return dict;
    };
  };
  return Object.defineProperties(head, {
    materials: { enumerable: true, get: side(packed.materials) },
    products: { enumerable: true, get: side(packed.products) },
  });
}

/** A packed link as the engine's CheckedLink (its signature settled; no signed bytes kept). */
export function unpackLink(packed: PackedLink, key: PublicKey): CheckedLink {
  const loaded: LoadedEnvelope = {
    envelope: "metablock",
    signatures: packed.signatures,
    signedBytes: new Uint8Array(0),
    type: "link",
    link: lazyLink(packed),
  };
  return { keyid: key.keyid, loaded, signatureValid: packed.signatureValid };
}

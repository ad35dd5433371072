// Artifact hashing as in-toto records it (SPEC-NOTES §10): `{algorithm: lowercase hex}`, sha256 by
// default, optionally with line endings normalized (CRLF and lone CR → LF) before hashing, exactly
// like securesystemslib's chunked `digest_fileobject` — the normalizer carries a trailing CR over to
// the next chunk, so the digest never depends on where chunks end.
import { createHash, type Hash, hash } from "node:crypto";
import { blake2b } from "@noble/hashes/blake2.js";
import type { HashDict } from "../model.js";

/** The algorithm names securesystemslib accepts (`HASHALGORITHMS`), mapped to node:crypto names. */
const NODE_ALGORITHMS: Record<string, string | undefined> = {
  md5: "md5",
  sha1: "sha1",
  sha224: "sha224",
  sha256: "sha256",
  sha384: "sha384",
  sha512: "sha512",
  blake2s: "blake2s256",
  blake2b: "blake2b512",
  "blake2b-256": undefined, // node:crypto has no 256-bit BLAKE2b; @noble/hashes provides it
};

/** What the 1.3.1 CLI records when no algorithm is given. */
const DEFAULT_ALGORITHMS: readonly string[] = ["sha256"];

/** Every algorithm name a link may be recorded with. */
export const HASH_ALGORITHMS: readonly string[] = Object.keys(NODE_ALGORITHMS);

interface Digest {
  update(data: Uint8Array): void;
  hex(): string;
}

function digestFor(algorithm: string): Digest | undefined {
  if (!Object.hasOwn(NODE_ALGORITHMS, algorithm)) return undefined;
  const nodeName = NODE_ALGORITHMS[algorithm];
  if (nodeName) {
    const h: Hash = createHash(nodeName);
    return { update: (d) => h.update(d), hex: () => h.digest("hex") };
  }
  const h = blake2b.create({ dkLen: 32 });
  return { update: (d) => h.update(d), hex: () => Buffer.from(h.digest()).toString("hex") };
}

const CR = 13;
const LF = 10;

/** Streams CRLF/CR → LF across chunk boundaries. */
class LineEndingNormalizer {
  private pendingCR = false;

  push(chunk: Uint8Array): Uint8Array {
    if (!this.pendingCR && chunk.indexOf(CR) < 0) return chunk;
    const out = new Uint8Array(chunk.length + 1);
    let n = 0;
    let i = 0;
    if (this.pendingCR) {
      out[n++] = LF;
      if (chunk[0] === LF) i = 1; // the CR of the last chunk and this LF were one CRLF
      this.pendingCR = false;
    }
    for (; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (b !== CR) {
        out[n++] = b;
      } else if (i + 1 === chunk.length) {
        this.pendingCR = true; // decide with the next chunk's first byte
      } else {
        out[n++] = LF;
        if (chunk[i + 1] === LF) i++;
      }
    }
    return out.subarray(0, n);
  }

  end(): Uint8Array {
    const tail = this.pendingCR ? new Uint8Array([LF]) : new Uint8Array(0);
    this.pendingCR = false;
    return tail;
  }
}

/** Options for hashing an artifact. */
export interface HashOptions {
  /** Algorithms to record (default `["sha256"]`, what the 1.3.1 CLI records). */
  algorithms?: readonly string[];
  /** Hash with CRLF and lone CR replaced by LF (library option of in-toto; `--normalize-line-endings`). */
  normalizeLineEndings?: boolean;
}

/** An incremental artifact hasher: feed chunks, then take the hash dict. */
export interface ArtifactHasher {
  update(chunk: Uint8Array): void;
  digest(): HashDict;
}

/**
 * Creates a hasher, or returns the unsupported algorithm name as a string (an unknown algorithm is
 * user input, not a programmer error).
 */
export function createArtifactHasher(opts: HashOptions = {}): ArtifactHasher | string {
  const algorithms = opts.algorithms ?? DEFAULT_ALGORITHMS;
  const digests: [string, Digest][] = [];
  for (const a of algorithms) {
    const d = digestFor(a);
    if (!d) return a;
    digests.push([a, d]);
  }
  const normalizer = opts.normalizeLineEndings ? new LineEndingNormalizer() : undefined;
  const feed = (data: Uint8Array) => {
    if (data.length > 0) for (const [, d] of digests) d.update(data);
  };
  return {
    update: (chunk) => feed(normalizer ? normalizer.push(chunk) : chunk),
    digest() {
      if (normalizer) feed(normalizer.end());
      const out: HashDict = {};
      for (const [a, d] of digests) out[a] = d.hex();
      return out;
    },
  };
}

/**
 * Hashes one artifact's bytes (all at once). Returns the unsupported algorithm name on error.
 * Without line-ending normalization each digest is one native call (`crypto.hash`, Node ≥ 20.12):
 * recording 10k small files spends a tenth of its hashing time setting up `Hash` objects otherwise.
 */
export function hashArtifact(bytes: Uint8Array, opts: HashOptions = {}): HashDict | string {
  if (!opts.normalizeLineEndings) {
    const out: HashDict = {};
    for (const a of opts.algorithms ?? DEFAULT_ALGORITHMS) {
      if (!Object.hasOwn(NODE_ALGORITHMS, a)) return a;
      const nodeName = NODE_ALGORITHMS[a];
      if (nodeName === undefined) return slowHash(bytes, opts); // blake2b-256 is not in node:crypto
      out[a] = hash(nodeName, bytes, "hex");
    }
    return out;
  }
  return slowHash(bytes, opts);
}

function slowHash(bytes: Uint8Array, opts: HashOptions): HashDict | string {
  const hasher = createArtifactHasher(opts);
  if (typeof hasher === "string") return hasher;
  hasher.update(bytes);
  return hasher.digest();
}

// One pass over a Metablock link file that is already canonical JSON apart from whitespace — what
// in-toto (`json.dumps(sort_keys=True)`) and Totem write, i.e. nearly every link a verifier sees. For
// such a file the `signed` object with its insignificant whitespace removed IS the exact byte string
// 1.3.1 checks the signatures against (SPEC-NOTES §1.1, §5), so the reader builds the link's values
// and those bytes together, without JSON.parse, a second scan for duplicates or floats, or a
// canonicalizer. It accepts a file only when every condition below holds, and otherwise returns
// undefined so the general loader (strict-json.ts, envelope.ts) reads it and explains any problem:
//   - ASCII only, no backslash anywhere: strings are their bytes, and canonical JSON escapes nothing
//     else than `"` and `\` (§5), so no string needs decoding or re-encoding;
//   - no control character in a string, only JSON whitespace between tokens, nesting within
//     DEFAULT_MAX_DEPTH;
//   - every object's keys strictly increasing in byte order (= code-point order for ASCII): that is
//     canonical order, and it also rules out duplicate keys;
//   - numbers are integers written canonically (no `-0`, within ±(2^53−1)); no floats;
//   - the root holds only `signatures` and `signed`; `signed` holds exactly the seven link fields, so
//     1.3.1's rebuild of the payload changes nothing (§1.1); `__proto__` is never a key;
//   - `materials` and `products` map paths to objects of hexadecimal strings (the link schema).
// Everything else the schema asks for is checked by the caller with the same validators as always.
import { isAscii } from "node:buffer";
import type { ArtifactDict, HashDict, JsonObject, JsonValue, LinkArtifacts, Signature } from "../model.js";
import { DEFAULT_MAX_DEPTH } from "./strict-json.js";

/** A link file read by {@link readCanonicalLink}. */
export interface CanonicalLink {
  /**
   * The root object; `signed` holds the payload's other fields, with empty objects standing for
   * `materials` and `products` (they are in `artifacts`, already checked against the link schema).
   */
  root: { signatures?: Signature[]; signed: JsonObject };
  /** The canonical bytes of `signed`: exactly what its signatures cover. */
  signedBytes: Uint8Array;
  /**
   * The artifact dicts, as Maps — or as objects when a path is an array index, which an object
   * orders first: rules and messages must see the paths in the same order either way.
   */
  artifacts: LinkArtifacts;
}

/** Where an artifact dict's entries go while it is read (a Map: no key internalizing). */
type ArtifactTarget = Map<string, HashDict>;

function put(target: ArtifactTarget, path: string, hashes: HashDict): void {
  target.set(path, hashes);
}

/** A key a JS object keeps before all others, in numeric order: an array index (`0` … `4294967294`). */
const ARRAY_INDEX = /^(?:0|[1-9][0-9]{0,9})$/;

/** The Map itself, or, when one of its paths is an array index, an object with its entries. */
function inObjectOrder(map: Map<string, HashDict>): ArtifactDict {
  for (const path of map.keys()) {
    const c = path.charCodeAt(0);
    if (c >= 0x30 && c <= 0x39 && ARRAY_INDEX.test(path) && Number(path) < 2 ** 32 - 1) return Object.fromEntries(map);
  }
  return map;
}

const QUOTE = 0x22;
const LINK_FIELDS = ["_type", "byproducts", "command", "environment", "materials", "name", "products"];
/** Largest integer written with 15 digits or fewer is exact; longer ones are checked as numbers. */
const SAFE_DIGITS = 15;

/** 1 for the bytes securesystemslib's HEX_SCHEMA accepts (`[a-fA-F0-9]`). */
const HEX = new Uint8Array(256);
for (const c of "0123456789abcdefABCDEF") HEX[c.charCodeAt(0)] = 1;
/** 1 for the bytes a string may hold as they are: no control characters (the file is ASCII). */
const TEXT = new Uint8Array(256).fill(1, 0x20, 0x80);

/** `"sha256"`, the key of nearly every digest dict, as bytes. */
const SHA256_KEY = [...'"sha256"'].map((c) => c.charCodeAt(0));


/**
 * An artifact-dict entry in the usual form: whitespace, `"path"`, `:`, `{"sha256": "<hex>"}`, and the
 * comma after it if there is one — with exactly the byte loop's rules: JSON whitespace only, a path of
 * printable ASCII (the file has no backslash), a non-empty hex digest.
 */
const USUAL_ENTRY = /[ \t\n\r]*"([^"\x00-\x1f]*)"[ \t\n\r]*:[ \t\n\r]*\{[ \t\n\r]*"sha256"[ \t\n\r]*:[ \t\n\r]*"([0-9a-fA-F]+)"[ \t\n\r]*\}[ \t\n\r]*(,?)/y;

/**
 * Files smaller than this have their usual entries matched by USUAL_ENTRY; larger ones are read byte
 * by byte. A regular expression runs as native code at once, while the byte loop starts interpreted
 * and is only faster once V8 has optimized it, within a big file (docs/benchmarks.notes.md). The
 * choice depends on the file alone; both ways are proven equal to the plain path by the same tests,
 * on files of both sizes (test/canonical-link.test.ts).
 */
const NATIVE_FILES_BELOW = 64 * 1024;

/** Thrown inside the reader only, caught at its entry: "not canonical, use the general loader". */
const DECLINE = Symbol("decline");

/**
 * Copies the string content starting at src[i] (just after its opening quote) to out[n…], each byte
 * allowed by `table`; returns the index of the closing quote. The file holds no backslash, so the
 * next quote closes the string.
 */
function copyString(src: Uint8Array, out: Uint8Array, i: number, n: number, table: Uint8Array): number {
  const len = src.length;
  let c = src[i] as number;
  while (c !== QUOTE) {
    if (table[c] === 0 || i >= len) throw DECLINE;
    out[n++] = c;
    c = src[++i] as number;
  }
  return i;
}

/** The index of the first byte at or after `i` that is not JSON whitespace. */
function skipSpace(src: Uint8Array, i: number): number {
  let c = src[i];
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = src[++i];
  return i;
}

/** Whether bytes[a0, a1) sorts strictly before bytes[b0, b1) (byte order = code-point order in ASCII). */
export function bytesBefore(bytes: Uint8Array, a0: number, a1: number, b0: number, b1: number): boolean {
  const len = Math.min(a1 - a0, b1 - b0);
  for (let k = 0; k < len; k++) {
    const x = bytes[a0 + k] as number;
    const y = bytes[b0 + k] as number;
    if (x !== y) return x < y;
  }
  return a1 - a0 < b1 - b0;
}

/** Whether bytes[a0, a1) equals bytes[b0, b1). */
function same(bytes: Uint8Array, a0: number, a1: number, b0: number, b1: number): boolean {
  if (a1 - a0 !== b1 - b0) return false;
  for (let k = 0; k < a1 - a0; k++) if (bytes[a0 + k] !== bytes[b0 + k]) return false;
  return true;
}

/** The keys of one object as they are read: each must sort after the one before (canonical order). */
class KeyOrder {
  private start = -1;
  private end = -1;
  /** Records src[start, end) as the next key; declines unless it sorts after the previous one. */
  next(src: Uint8Array, start: number, end: number): void {
    if (this.start >= 0 && !bytesBefore(src, this.start, this.end, start, end)) throw DECLINE;
    this.start = start;
    this.end = end;
  }
}

/**
 * The reader's state: the file, the stripped output, a cursor in each (`i`, `n`), and the last key
 * string made (keys repeat — every digest dict says `sha256` — and reusing the string saves making it).
 */
class Reader {
  readonly src: Uint8Array;
  readonly buf: Buffer;
  readonly out: Uint8Array;
  i = 0;
  n = 0;
  depth = 0;
  /** Where the content of the last string read starts in the file. */
  start = 0;
  private lastKey = "";
  private lastKeyStart = -1;
  private lastKeyEnd = -1;

  /** Where the stripped output goes, as a Buffer (for latin1 writes of matched entries). */
  readonly outBuf: Buffer;
  private wholeText: string | undefined;

  constructor(file: Uint8Array) {
    this.src = file;
    this.buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
    this.out = new Uint8Array(file.length);
    this.outBuf = Buffer.from(this.out.buffer, this.out.byteOffset, this.out.byteLength);
  }

  /** The file as a string (made once): strings matched in it share its characters. */
  whole(): string {
    this.wholeText ??= this.buf.toString("latin1");
    return this.wholeText;
  }

  /** Skips whitespace and returns the next byte (undefined at the end). */
  peek(): number | undefined {
    this.i = skipSpace(this.src, this.i);
    return this.src[this.i];
  }

  /** Consumes `c` (after whitespace) and writes it to the output. */
  expect(c: number): void {
    if (this.peek() !== c) throw DECLINE;
    this.out[this.n++] = c;
    this.i++;
  }

  /** Copies a string (after whitespace) with its quotes; its content is the file's [start, i − 1). */
  quoted(table: Uint8Array): void {
    if (this.peek() !== QUOTE) throw DECLINE;
    const start = this.i + 1;
    this.out[this.n] = QUOTE;
    const end = copyString(this.src, this.out, start, this.n + 1, table);
    this.n += end - start + 2;
    this.out[this.n - 1] = QUOTE;
    this.start = start;
    this.i = end + 1;
  }

  /** The file's bytes [start, end) as a string (ASCII, so latin1 is exact). */
  text(start: number, end: number): string {
    return this.buf.toString("latin1", start, end);
  }

  /** An object key and the colon after it; `order` holds the object's previous key. */
  key(order: KeyOrder): string {
    this.quoted(TEXT);
    const start = this.start;
    const end = this.i - 1;
    order.next(this.src, start, end);
    let k = this.lastKey;
    if (this.lastKeyStart < 0 || !same(this.src, this.lastKeyStart, this.lastKeyEnd, start, end)) {
      k = this.text(start, end);
      if (k === "__proto__") throw DECLINE;
      this.lastKey = k;
    }
    this.lastKeyStart = start;
    this.lastKeyEnd = end;
    this.expect(0x3a);
    return k;
  }

  /** Any JSON value. */
  value(): JsonValue {
    const c = this.peek();
    if (c === QUOTE) {
      this.quoted(TEXT);
      return this.text(this.start, this.i - 1);
    }
    if (c === 0x7b) return this.object(undefined);
    if (c === 0x5b) return this.array();
    if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) return this.integer();
    if (c === 0x74) return this.literal("true", true);
    if (c === 0x66) return this.literal("false", false);
    if (c === 0x6e) return this.literal("null", null);
    throw DECLINE;
  }

  literal<T>(word: string, v: T): T {
    for (let k = 0; k < word.length; k++) {
      if (this.src[this.i] !== word.charCodeAt(k)) throw DECLINE;
      this.out[this.n++] = word.charCodeAt(k);
      this.i++;
    }
    return v;
  }

  /** An integer in canonical form (`0`, or no leading zero; never `-0`). */
  integer(): number {
    const src = this.src;
    const from = this.i;
    let i = from;
    if (src[i] === 0x2d) i++;
    const digits = i;
    while ((src[i] as number) >= 0x30 && (src[i] as number) <= 0x39) i++;
    const count = i - digits;
    const next = src[i];
    if (count === 0 || (src[digits] === 0x30 && (count > 1 || digits > from)) || count > SAFE_DIGITS) throw DECLINE;
    if (next === 0x2e || next === 0x65 || next === 0x45) throw DECLINE;
    for (let k = from; k < i; k++) this.out[this.n++] = src[k] as number;
    this.i = i;
    return Number(this.text(from, i));
  }

  array(): JsonValue[] {
    this.enter(0x5b);
    const items: JsonValue[] = [];
    if (this.peek() === 0x5d) return this.leave(0x5d, items);
    for (;;) {
      items.push(this.value());
      if (this.peek() !== 0x2c) return this.leave(0x5d, items);
      this.expect(0x2c);
    }
  }

  /**
   * An object. `field` reads the value of a key at this level when it has a use for it (the root's
   * `signed`, the payload's artifact dicts); other values are read generically.
   */
  object(field: ((key: string) => JsonValue | undefined) | undefined): JsonObject {
    this.enter(0x7b);
    const obj: JsonObject = {};
    if (this.peek() === 0x7d) return this.leave(0x7d, obj);
    const order = new KeyOrder();
    for (;;) {
      const k = this.key(order);
      obj[k] = field?.(k) ?? this.value();
      if (this.peek() !== 0x2c) return this.leave(0x7d, obj);
      this.expect(0x2c);
    }
  }

  /**
   * An artifact dict: path → { algorithm → hex digest } — the reader's hot loop (a big link holds
   * thousands of entries), the same checks as `key` and `value` with the structure known in advance.
   */
  artifacts(): ArtifactTarget {
    this.enter(0x7b);
    const dict: ArtifactTarget = new Map();
    if (this.peek() === 0x7d) return this.leave(0x7d, dict);
    if (this.depth + 1 > DEFAULT_MAX_DEPTH) throw DECLINE;
    const paths = new KeyOrder();
    if (this.src.length >= NATIVE_FILES_BELOW || this.usualEntries(dict, paths)) this.entries(dict, paths);
    return this.leave(0x7d, dict);
  }

  /**
   * The entries of an artifact dict from the cursor (at an entry) to its last one, byte by byte; the
   * cursor is left before the dict's `}`.
   */
  entries(dict: ArtifactTarget, paths: KeyOrder): void {
    for (;;) {
      const path = this.key(paths);
      this.expect(0x7b);
      // Nearly every dict is `{"sha256": …}`: built as that literal, it takes the object shape JSON.parse
      // gives it (one in-object field) instead of an empty literal's four.
      const only = this.onlySha256();
      if (only !== undefined) {
        put(dict, path, { sha256: only });
        if (this.peek() !== 0x2c) return;
        this.expect(0x2c);
        continue;
      }
      let hashes: Record<string, string> | undefined;
      let firstAlgo = "";
      let firstValue = "";
      let count = 0;
      const algos = new KeyOrder();
      while (this.peek() !== 0x7d) {
        if (count > 0) this.expect(0x2c);
        const algo = this.key(algos);
        this.quoted(HEX);
        if (this.start === this.i - 1) throw DECLINE; // HEX_SCHEMA needs a digit
        const value = this.text(this.start, this.i - 1);
        if (count++ === 0) {
          firstAlgo = algo;
          firstValue = value;
        } else {
          hashes ??= { [firstAlgo]: firstValue };
          hashes[algo] = value;
        }
      }
      this.expect(0x7d);
      put(dict, path, hashes ?? (count === 0 ? {} : firstAlgo === "sha256" ? { sha256: firstValue } : { [firstAlgo]: firstValue }));
      if (this.peek() !== 0x2c) return;
      this.expect(0x2c);
    }
  }

  /**
   * The entries of an artifact dict in the usual form, `"path": {"sha256": "<hex>"}`, from the cursor,
   * each matched by USUAL_ENTRY with the byte loop's checks. Returns true at an entry in another form
   * (the cursor at it; `paths` knows the last path read), false after the dict's last entry.
   */
  usualEntries(dict: ArtifactTarget, paths: KeyOrder): boolean {
    const text = this.whole();
    const pieces: string[] = [];
    let last: RegExpExecArray | undefined;
    let more = true;
    for (;;) {
      USUAL_ENTRY.lastIndex = this.i;
      const m = USUAL_ENTRY.exec(text);
      if (m === null) break;
      const path = m[1] as string;
      // ASCII: UTF-16 order is byte order. Strictly increasing: canonical, and no duplicates.
      if ((last !== undefined && !((last[1] as string) < path)) || path === "__proto__") throw DECLINE;
      last = m;
      put(dict, path, { sha256: m[2] as string });
      pieces.push('"', path, '":{"sha256":"', m[2] as string, '"}', m[3] as string);
      this.i = USUAL_ENTRY.lastIndex;
      if (m[3] === "") {
        more = false;
        break;
      }
    }
    this.n += this.outBuf.write(pieces.join(""), this.n, "latin1");
    if (more && last) {
      const start = text.indexOf('"', last.index) + 1;
      paths.next(this.src, start, start + (last[1] as string).length);
    }
    return more;
  }

  /**
   * The usual digest dict, `{"sha256": "<hex>"}` (cursor after its `{`): reads it to its `}` and
   * returns the digest; any other dict is left unread (undefined) for the general loop.
   */
  onlySha256(): string | undefined {
    const src = this.src;
    const at = skipSpace(src, this.i);
    for (let k = 0; k < SHA256_KEY.length; k++) if (src[at + k] !== SHA256_KEY[k]) return undefined;
    let i = skipSpace(src, at + SHA256_KEY.length);
    if (src[i] !== 0x3a) return undefined;
    i = skipSpace(src, i + 1);
    if (src[i] !== QUOTE) return undefined;
    const start = i + 1;
    const out = this.out;
    let n = this.n;
    for (let k = 0; k < SHA256_KEY.length; k++) out[n++] = SHA256_KEY[k] as number;
    out[n++] = 0x3a;
    out[n++] = QUOTE;
    const end = copyString(src, out, start, n, HEX);
    if (end === start) throw DECLINE; // HEX_SCHEMA needs a digit
    n += end - start;
    out[n++] = QUOTE;
    i = skipSpace(src, end + 1);
    if (src[i] !== 0x7d) return undefined;
    out[n++] = 0x7d;
    this.i = i + 1;
    this.n = n;
    return this.text(start, end);
  }

  enter(open: number): void {
    if (++this.depth > DEFAULT_MAX_DEPTH) throw DECLINE;
    this.expect(open);
  }

  leave<T>(close: number, v: T): T {
    this.expect(close);
    this.depth--;
    return v;
  }

  fail(): never {
    throw DECLINE;
  }
}

/**
 * Reads a Metablock link file in one pass when it is canonical JSON apart from whitespace (see the
 * conditions above); undefined otherwise, for the general loader. Never throws.
 */
export function readCanonicalLink(file: Uint8Array): CanonicalLink | undefined {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (!isAscii(file) || buf.indexOf(0x5c) >= 0) return undefined;
  const r = new Reader(file);
  const artifacts: Partial<Record<"materials" | "products", ArtifactDict>> = {};
  let signedStart = -1;
  let signedEnd = -1;
  let signed: JsonObject | undefined;
  const payloadField = (k: string): JsonValue | undefined => {
    if (k !== "materials" && k !== "products") return undefined;
    artifacts[k] = inObjectOrder(r.artifacts());
    return {};
  };
  const rootField = (k: string): JsonValue | undefined => {
    if (k !== "signed") return k === "signatures" ? undefined : r.fail();
    r.peek();
    signedStart = r.n;
    signed = r.object(payloadField);
    signedEnd = r.n;
    return signed;
  };
  try {
    const root = r.object(rootField);
    if (r.peek() !== undefined || !signed) return undefined;
    const keys = Object.keys(signed);
    if (keys.length !== LINK_FIELDS.length || !LINK_FIELDS.every((k, i) => keys[i] === k) || signed._type !== "link") return undefined;
    const { materials, products } = artifacts;
    if (!materials || !products) return undefined;
    return { root: root as unknown as CanonicalLink["root"], signedBytes: r.out.subarray(signedStart, signedEnd), artifacts: { materials, products } };
  } catch (e) {
    if (e === DECLINE) return undefined;
    throw e;
  }
}

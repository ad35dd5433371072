// A guard in front of vscode-jsonrpc's stream reader. The reader trusts `Content-Length`: a negative
// value makes it slice garbage, and a huge one makes it wait forever for a body, swallowing every
// later message into it (the server stops answering and its buffer grows without bound). The guard
// reads each header block itself and passes on only messages whose length is a decimal number of at
// most MAX_MESSAGE_BYTES; any other header block is dropped, reported through `onDrop`, and the
// bytes after it are skipped up to the next `Content-Length:` header, where serving resumes.
import { Transform, type TransformCallback } from "node:stream";

/** The largest message body accepted (64 MiB): far above any policy an editor sends. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** The largest header block accepted; LSP clients send one or two short lines. */
export const MAX_HEADER_BYTES = 8 * 1024;

const HEADER_END = Buffer.from("\r\n\r\n");
const CONTENT_LENGTH = /content-length:/i;

type State = { kind: "header" } | { kind: "body"; remaining: number } | { kind: "skip" };

/**
 * A Transform that forwards well-framed LSP messages unchanged and drops malformed ones. `onDrop`
 * receives a sentence saying what was dropped.
 */
export class MessageGuard extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  private state: State = { kind: "header" };

  constructor(private readonly onDrop: (why: string) => void) {
    super();
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, done: TransformCallback): void {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, Buffer.from(chunk)]);
    let progressed = true;
    while (progressed && this.pending.length > 0) progressed = this.step();
    done();
  }

  /** Handles what it can of `pending` in the current state; false when it needs more bytes. */
  private step(): boolean {
    const state = this.state;
    if (state.kind === "body") {
      const n = Math.min(state.remaining, this.pending.length);
      this.push(this.pending.subarray(0, n));
      this.pending = this.pending.subarray(n);
      state.remaining -= n;
      if (state.remaining === 0) this.state = { kind: "header" };
      return true;
    }
    if (state.kind === "skip") return this.resync();
    const end = this.pending.indexOf(HEADER_END);
    if (end < 0) {
      if (this.pending.length <= MAX_HEADER_BYTES) return false;
      this.dropHeader(`a header block longer than ${MAX_HEADER_BYTES} bytes`, this.pending.length);
      return true;
    }
    const blockLength = end + HEADER_END.length;
    const problem = headerProblem(this.pending.subarray(0, end).toString("latin1"));
    if (typeof problem === "string") {
      this.dropHeader(problem, blockLength);
      return true;
    }
    this.push(this.pending.subarray(0, blockLength));
    this.pending = this.pending.subarray(blockLength);
    this.state = problem === 0 ? { kind: "header" } : { kind: "body", remaining: problem };
    return true;
  }

  /** Drops `length` bytes of header and whatever body followed it, until the next header. */
  private dropHeader(why: string, length: number): void {
    this.onDrop(`dropped a message: ${why}`);
    this.pending = this.pending.subarray(length);
    this.state = { kind: "skip" };
  }

  /** Skips to the next `Content-Length:`; keeps a tail that may be the start of one. */
  private resync(): boolean {
    const at = this.pending.toString("latin1").search(CONTENT_LENGTH);
    if (at < 0) {
      const keep = "content-length:".length - 1;
      this.pending = this.pending.subarray(Math.max(0, this.pending.length - keep));
      return false;
    }
    this.pending = this.pending.subarray(at);
    this.state = { kind: "header" };
    return true;
  }
}

/** The body length a header block announces, or a sentence saying why it is unusable. */
function headerProblem(block: string): number | string {
  let length: number | string = "no Content-Length header";
  for (const line of block.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) return `a header line without ':' (${JSON.stringify(line.slice(0, 40))})`;
    if (line.slice(0, colon).trim().toLowerCase() !== "content-length") continue;
    const value = line.slice(colon + 1).trim();
    if (!/^\d{1,12}$/.test(value)) return `Content-Length ${JSON.stringify(value.slice(0, 40))} is not a byte count`;
    const n = Number(value);
    if (n > MAX_MESSAGE_BYTES) return `Content-Length ${n} is over the limit of ${MAX_MESSAGE_BYTES} bytes`;
    length = n;
  }
  return length;
}

/** Pipes `input` through a new MessageGuard and returns the guarded stream. */
export function guardMessages(input: NodeJS.ReadableStream, onDrop: (why: string) => void): MessageGuard {
  const guard = new MessageGuard(onDrop);
  input.pipe(guard);
  return guard;
}

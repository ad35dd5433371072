// Open documents with incremental sync. Edits are applied through the line index of the version
// they were made against (positions.ts), so the server never depends on a second conversion module.
import type { TextDocumentContentChangeEvent } from "vscode-languageserver";
import { LineIndex } from "./positions.js";

/** One version of an open document. Immutable: an edit makes a new snapshot. */
export class DocumentSnapshot {
  private index: LineIndex | undefined;

  constructor(
    readonly uri: string,
    readonly version: number,
    readonly text: string,
    index?: LineIndex,
  ) {
    this.index = index;
  }

  /** The line index of this version, built on first use and kept with the snapshot. */
  get lines(): LineIndex {
    this.index ??= new LineIndex(this.text);
    return this.index;
  }

  /** A new snapshot with the protocol's content changes applied in order (LSP `didChange`). */
  apply(version: number, changes: readonly TextDocumentContentChangeEvent[]): DocumentSnapshot {
    let current: DocumentSnapshot = this;
    for (const change of changes) {
      if ("range" in change && change.range) {
        const span = current.lines.spanOf(change.range);
        const text = current.text.slice(0, span.start) + change.text + current.text.slice(span.end);
        current = new DocumentSnapshot(this.uri, version, text, current.lines.withEdit(span, change.text, text));
      } else {
        current = new DocumentSnapshot(this.uri, version, change.text);
      }
    }
    return current === this ? new DocumentSnapshot(this.uri, version, this.text, this.index) : current;
  }
}

/** The open documents of one server, keyed by URI. */
export class DocumentStore {
  private readonly docs = new Map<string, DocumentSnapshot>();

  /** Records a newly opened document. */
  open(uri: string, version: number, text: string): DocumentSnapshot {
    const doc = new DocumentSnapshot(uri, version, text);
    this.docs.set(uri, doc);
    return doc;
  }

  /** Applies changes to an open document; undefined when the document is not open. */
  change(uri: string, version: number, changes: readonly TextDocumentContentChangeEvent[]): DocumentSnapshot | undefined {
    const doc = this.docs.get(uri);
    if (!doc) return undefined;
    const next = doc.apply(version, changes);
    this.docs.set(uri, next);
    return next;
  }

  /** Forgets a closed document. */
  close(uri: string): void {
    this.docs.delete(uri);
  }

  /** The current snapshot of an open document. */
  get(uri: string): DocumentSnapshot | undefined {
    return this.docs.get(uri);
  }

  /** Every open document. */
  all(): DocumentSnapshot[] {
    return [...this.docs.values()];
  }
}

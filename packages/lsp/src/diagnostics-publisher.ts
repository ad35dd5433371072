// Publishes diagnostics after every change, debounced so that a burst of keystrokes is analysed once.
// The delay is small (default 5 ms) so that didChange → publishDiagnostics stays within 50 ms p95 on a
// 5k-line policy (packages/lsp/bench/lsp-bench.ts measures it). Bursts still coalesce: changes that
// arrive while an analysis runs are all handled before the timer can fire, and each restarts it.
import type { Diagnostic } from "vscode-languageserver";

/** Computes what to publish for one document; undefined when the document is no longer open. */
export type DiagnosticsProducer = (uri: string) => { version: number; diagnostics: Diagnostic[] } | undefined;

/** Sends `textDocument/publishDiagnostics` (injected so tests and the server share this code). */
export type DiagnosticsSink = (params: { uri: string; version: number; diagnostics: Diagnostic[] }) => void;

/** Debounces diagnostic publication per document. */
export class DiagnosticsPublisher {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly produce: DiagnosticsProducer,
    private readonly sink: DiagnosticsSink,
    private readonly delayMs: () => number,
    private readonly onError: (uri: string, error: unknown) => void,
  ) {}

  /** Publishes for `uri` after the debounce delay (restarting it if one is pending). */
  schedule(uri: string): void {
    const pending = this.timers.get(uri);
    if (pending) clearTimeout(pending);
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        this.publishNow(uri);
      }, this.delayMs()),
    );
  }

  /** Publishes for `uri` immediately. */
  publishNow(uri: string): void {
    try {
      const result = this.produce(uri);
      if (result) this.sink({ uri, ...result });
    } catch (e) {
      this.onError(uri, e);
    }
  }

  /** Cancels pending work for a closed document and clears its diagnostics. */
  clear(uri: string): void {
    const pending = this.timers.get(uri);
    if (pending) clearTimeout(pending);
    this.timers.delete(uri);
  }

  /** Cancels every pending publication (server shutdown). */
  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}

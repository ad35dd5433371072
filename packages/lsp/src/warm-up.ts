// The server's first analysis is its slowest: the parser is built on first use (chevrotain's grammar
// analysis) and every code path is cold. Running the publishing path once on a small policy right after
// answering `initialize` does that work while the client handles the answer and sends `didOpen`, so
// the first real document's diagnostics come back sooner. Nothing is published and nothing is kept.
import { DocumentSnapshot } from "./documents.js";
import type { ServerState } from "./server-state.js";
import { toLspDiagnostic } from "./to-protocol.js";

const URI = "untitled:totem-warm-up";

/** Touches the parser, the checks, the lints and keys-only lowering (no key files: nothing is read). */
const POLICY = `const SOURCES = "src/*"
layout "warm-up" {
  expires in 30d
  step build {
    threshold 1
    expect command "make"
    materials { allow SOURCES  disallow "*" }
    products { create "out"  disallow "*" }
  }
  inspection check {
    run "true"
    materials { match "out" with products from build  disallow "*" }
  }
}
`;

/** Analyses and lowers POLICY through the server's own caches and drops the results. */
export function warmUp(state: ServerState): void {
  const doc = new DocumentSnapshot(URI, 0, POLICY);
  for (const d of state.compiled.diagnosticsOf(state, doc)) toLspDiagnostic(d, doc.lines, URI);
  state.analyses.forget(URI);
}

/**
 * Runs `warmUp` once the pending `initialize` answer has been written: vscode-jsonrpc writes messages
 * from a `setImmediate` queued while the handler returns, so one turn of the event loop later.
 */
export function warmUpAfterAnswer(state: ServerState, onError: (e: unknown) => void): void {
  setImmediate(() =>
    setImmediate(() => {
      try {
        warmUp(state);
      } catch (e) {
        onError(e);
      }
    }),
  );
}

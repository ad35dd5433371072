// Lowering of open documents to in-toto layouts, once per document version (and again when a key
// file changes): it feeds the key diagnostics published with every change, the compiled-layout
// preview and simulation.
import { CODES, type Diagnostic, lower, type LowerResult } from "@totem/dsl";
import type { DocAnalysis } from "./analysis.js";
import type { DocumentSnapshot } from "./documents.js";
import { keyReader } from "./policy-keys.js";
import type { ServerState } from "./server.js";

/** A document's analysis together with its lowering. */
export interface CompiledDocument {
  analysis: DocAnalysis;
  /** Undefined while the text has syntax errors (lowering needs a clean parse). */
  lowered?: LowerResult;
  /** The analysis' diagnostics plus lowering's own (`key-unreadable`, `key-invalid`, `target-mismatch`…), sorted. */
  diagnostics: Diagnostic[];
}

function sameSpot(a: Diagnostic, b: Diagnostic): boolean {
  return a.code === b.code && a.span.start === b.span.start && a.span.end === b.span.end;
}

/** Caches one lowering per document snapshot; `invalidate()` when key files or settings change. */
export class CompileCache {
  private cache = new WeakMap<DocumentSnapshot, CompiledDocument>();

  /** Drops every cached lowering. */
  invalidate(): void {
    this.cache = new WeakMap();
  }

  /** The lowering of this snapshot, computed now if needed. */
  of(state: ServerState, doc: DocumentSnapshot): CompiledDocument {
    const analysis = state.analyses.of(doc);
    const cached = this.cache.get(doc);
    if (cached && cached.analysis === analysis) return cached;
    let compiled: CompiledDocument;
    if (analysis.diagnostics.some((d) => CODES[d.code as keyof typeof CODES]?.phase === "syntax")) {
      compiled = { analysis, diagnostics: analysis.diagnostics };
    } else {
      const written = analysis.file.layout?.target;
      const lowered = lower(analysis.file, {
        readKey: keyReader(state, doc),
        now: state.settings.now ?? new Date(),
        // The setting only fills in for a policy without a `target` clause; it never contradicts one.
        ...(written === undefined ? { target: state.settings.defaultTarget } : {}),
      });
      const own = lowered.diagnostics.filter(
        (d) => CODES[d.code as keyof typeof CODES]?.phase === "lower" && !analysis.diagnostics.some((a) => sameSpot(a, d)),
      );
      const diagnostics = own.length === 0 ? analysis.diagnostics : [...analysis.diagnostics, ...own].sort((a, b) => a.span.start - b.span.start);
      compiled = { analysis, lowered, diagnostics };
    }
    this.cache.set(doc, compiled);
    return compiled;
  }
}

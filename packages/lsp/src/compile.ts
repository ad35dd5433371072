// Lowering of open documents to in-toto layouts. Two uses, cached per document snapshot (and dropped
// when a key file or a setting changes, or a keyring read in the background ends):
// - `diagnosticsOf`: what is published on every change — the analysis plus lowering's own codes
//   (`key-unreadable`, `key-invalid`, `target-mismatch`). Those depend only on the constants, the
//   target and the functionaries, so only that part of the file is lowered on each keystroke.
// - `of`: the full lowering, for the compiled-layout preview and simulation (on request only).
import { type AttestationLowerResult, CODES, type Diagnostic, type LowerResult, lowerAnalysis, lowerAttestations, mergeDiagnostics, targetsIte10 } from "@totem/dsl";
import type { DocAnalysis } from "./analysis.js";
import type { DocumentSnapshot } from "./documents.js";
import { lowerInputs } from "./policy-keys.js";
import type { ServerState } from "./server-state.js";

/** A document's analysis together with its lowering. */
export interface CompiledDocument {
  analysis: DocAnalysis;
  /** Undefined while the text has syntax errors (lowering needs a clean parse). */
  lowered?: LowerResult;
  /** A policy of target "ite-10": its attestation layout, lowered as `totem compile` lowers it. */
  attestations?: AttestationLowerResult;
  /** The analysis' diagnostics plus lowering's own, sorted by offset. */
  diagnostics: Diagnostic[];
}

function hasSyntaxErrors(a: DocAnalysis): boolean {
  return a.diagnostics.some((d) => CODES[d.code as keyof typeof CODES]?.phase === "syntax");
}

/** Caches lowerings per document snapshot; `invalidate()` when key files, keyring keys or settings change. */
export class CompileCache {
  private full = new WeakMap<DocumentSnapshot, CompiledDocument>();
  private keys = new WeakMap<DocumentSnapshot, { analysis: DocAnalysis; diagnostics: Diagnostic[] }>();

  /** Drops every cached lowering. */
  invalidate(): void {
    this.full = new WeakMap();
    this.keys = new WeakMap();
  }

  /** The dsl's lowering of the analysis (no check runs again); `keysOnly` for the per-keystroke diagnostics. */
  private lowerAnalysis(state: ServerState, doc: DocumentSnapshot, analysis: DocAnalysis, keysOnly: boolean): LowerResult {
    return lowerAnalysis({ file: analysis.file, symbols: analysis.symbolTable, diagnostics: analysis.diagnostics }, {
      ...lowerInputs(state, doc),
      keysOnly,
      // The setting only fills in for a policy without a `target` clause; it never contradicts one.
      ...(analysis.file.layout?.target === undefined ? { target: state.settings.defaultTarget } : {}),
    });
  }

  /**
   * A policy of target "ite-10" lowered to its attestation layout, as `totem check` and `compile` do:
   * what only that lowering refuses (a key an attestation layout cannot hold) is reported too.
   */
  private lowerAttestations(state: ServerState, doc: DocumentSnapshot, analysis: DocAnalysis): AttestationLowerResult {
    return lowerAttestations({ file: analysis.file, symbols: analysis.symbolTable, diagnostics: analysis.diagnostics }, lowerInputs(state, doc));
  }

  /** The diagnostics to publish for this snapshot: the analysis' plus key and target problems. */
  diagnosticsOf(state: ServerState, doc: DocumentSnapshot): Diagnostic[] {
    const analysis = state.analyses.of(doc);
    const cached = this.keys.get(doc);
    if (cached && cached.analysis === analysis) return cached.diagnostics;
    const diagnostics = hasSyntaxErrors(analysis)
      ? analysis.diagnostics
      : targetsIte10(analysis.file.layout)
        ? mergeDiagnostics(analysis.diagnostics, this.lowerAttestations(state, doc, analysis))
        : mergeDiagnostics(analysis.diagnostics, this.lowerAnalysis(state, doc, analysis, true));
    this.keys.set(doc, { analysis, diagnostics });
    return diagnostics;
  }

  /** The full lowering of this snapshot, computed now if needed. */
  of(state: ServerState, doc: DocumentSnapshot): CompiledDocument {
    const analysis = state.analyses.of(doc);
    const cached = this.full.get(doc);
    if (cached && cached.analysis === analysis) return cached;
    let compiled: CompiledDocument;
    if (hasSyntaxErrors(analysis)) {
      compiled = { analysis, diagnostics: analysis.diagnostics };
    } else {
      const lowered = this.lowerAnalysis(state, doc, analysis, false);
      if (targetsIte10(analysis.file.layout)) {
        const attestations = this.lowerAttestations(state, doc, analysis);
        compiled = { analysis, lowered, attestations, diagnostics: mergeDiagnostics(analysis.diagnostics, attestations) };
      } else {
        compiled = { analysis, lowered, diagnostics: mergeDiagnostics(analysis.diagnostics, lowered) };
      }
    }
    this.full.set(doc, compiled);
    return compiled;
  }
}

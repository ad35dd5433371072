// Per-version analysis of open documents: the dsl's analysis plus the symbol index, computed at most
// once per document version and settings generation (the LSP runs it on every keystroke).
import { analyze, type Diagnostic, type PolicyFile, type SymbolTable } from "@totem/dsl";
import type { CelSyntaxCheck } from "@totem/engine";
import type { DocumentSnapshot } from "./documents.js";
import { SymbolIndex } from "./symbol-index.js";

/** Settings that change what analysis reports (from `initializationOptions` or `totem.*` configuration). */
export interface AnalysisSettings {
  /** Warn when the layout expires within this many days (`totem.expiryWarningDays`, default 30). */
  expiryWarningDays: number;
  /** The clock; tests fix it. */
  now: () => Date;
  /**
   * The CEL parser for `check` rules (the engine's `celParser()`), once loaded: until then the rules of
   * attestation blocks are not parsed. The server loads it on the first document that has one.
   */
  celSyntax?: CelSyntaxCheck;
}

/** Whether a policy has a CEL `check` rule (so its analysis differs with and without the CEL parser). */
export function hasCelRules(file: PolicyFile): boolean {
  return file.layout?.steps.some((step) => step.attestations?.some((a) => a.checks.length > 0)) ?? false;
}

/** What the server knows about one version of a document. */
export class DocAnalysis {
  private index: SymbolIndex | undefined;

  constructor(
    readonly version: number,
    readonly file: PolicyFile,
    /** Syntax, semantic and lint diagnostics, sorted by offset. */
    readonly diagnostics: Diagnostic[],
    /** Declarations and uses of every name (what lowering reads). */
    readonly symbolTable: SymbolTable,
  ) {}

  /** The names of this version, indexed on first use (publishing diagnostics does not need them). */
  get symbols(): SymbolIndex {
    this.index ??= new SymbolIndex(this.symbolTable);
    return this.index;
  }
}

/** Caches one analysis per document snapshot; `invalidate()` after a settings change. */
export class AnalysisCache {
  private cache = new WeakMap<DocumentSnapshot, DocAnalysis>();
  private readonly latest = new Map<string, DocAnalysis>();

  /**
   * @param needsCel called when a document has CEL rules but `settings.celSyntax` is not loaded yet
   *   (the server loads the parser, then calls `update` with it and re-publishes).
   */
  constructor(
    private settings: AnalysisSettings,
    private readonly needsCel: () => void = () => undefined,
  ) {}

  /** Replaces the settings and drops every cached analysis. */
  update(settings: AnalysisSettings): void {
    this.settings = settings;
    this.cache = new WeakMap();
    this.latest.clear();
  }

  /** The current settings. */
  get current(): AnalysisSettings {
    return this.settings;
  }

  /** The analysis of this exact snapshot, computed now if needed. */
  of(doc: DocumentSnapshot): DocAnalysis {
    let a = this.cache.get(doc);
    if (!a) {
      const { now, expiryWarningDays, celSyntax } = this.settings;
      const result = analyze(doc.text, { now: now(), expiryWarningDays, ...(celSyntax ? { celSyntax } : {}) });
      if (!celSyntax && hasCelRules(result.file)) this.needsCel();
      a = new DocAnalysis(doc.version, result.file, result.diagnostics, result.symbols);
      this.cache.set(doc, a);
      this.latest.set(doc.uri, a);
    }
    return a;
  }

  /**
   * The most recent analysis of a document, possibly of an older version. Completion uses it for the
   * names it offers so that typing never waits for a fresh analysis of a large file.
   */
  latestOf(doc: DocumentSnapshot): DocAnalysis {
    return this.latest.get(doc.uri) ?? this.of(doc);
  }

  /** Forgets a closed document. */
  forget(uri: string): void {
    this.latest.delete(uri);
  }
}

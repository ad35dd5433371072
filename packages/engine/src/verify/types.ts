// The shapes verification takes and returns. The numbered stages follow in-toto 1.3.1's
// `in_toto_verify` (SPEC-NOTES §7); parameter substitution (library-only in 1.3.1) is not a stage.
import type { ArtifactSide, HashDict, Link, PublicKey, Target } from "../model.js";
import type { LoadedEnvelope } from "../load/envelope.js";

/** The verification stages, numbered as reported in every failure. */
export const STAGES = {
  0: "load-layout",
  1: "layout-signatures",
  2: "expiry",
  3: "load-links",
  4: "link-signatures",
  5: "sublayouts",
  6: "command-alignment",
  7: "threshold-agreement",
  8: "reduce",
  9: "step-rules",
  10: "inspections",
  11: "inspection-rules",
} as const;

/** A stage number, 0 (loading the layout) to 11 (inspection rules). */
export type StageNumber = keyof typeof STAGES;

/** The rule a failure is about: which item, which side, its position, and its text. */
export interface RuleRef {
  item: string;
  side: ArtifactSide;
  /** 0-based position in the item's expected_materials or expected_products. */
  index: number;
  /** The rule as in-toto writes it, e.g. `DISALLOW *`. */
  text: string;
}

/** Why verification failed, in one place. `code` is stable kebab-case; `message` says what to do. */
export interface Failure {
  stage: StageNumber;
  code: string;
  message: string;
  /** The step or inspection concerned. */
  step?: string;
  rule?: RuleRef;
  /** The artifacts (or link files) involved. */
  artifacts?: string[];
  /** For failures inside a sublayout: the steps leading to it, outermost first. */
  sublayout?: string[];
}

/** Something that does not fail verification but deserves attention (e.g. a command mismatch). */
export interface Warning {
  stage: StageNumber;
  code: string;
  message: string;
  step?: string;
  sublayout?: string[];
}

/** What one rule did: the artifacts it consumed and the queue left after it. */
export interface RuleTrace {
  item: string;
  side: ArtifactSide;
  index: number;
  rule: string;
  consumed: string[];
  queue: string[];
  sublayout?: string[];
}

/** The verdict. `passed` is true exactly when `failures` is empty. */
export interface VerificationResult {
  passed: boolean;
  failures: Failure[];
  warnings: Warning[];
  trace: RuleTrace[];
  /** The summary link (first step's materials, last step's products), as 1.3.1 returns for sublayouts. */
  summary?: Link;
}

/** A key the caller trusts for the layout, e.g. a parsed `--layout-key` file. */
export interface LayoutKeyInput {
  /** The layout-key form of the key for a keyid scheme (keyid filled in). */
  toLayoutKey(target: Target): PublicKey;
}

/** What an inspection produced; the engine turns it into the inspection's link. */
export type InspectionOutcome =
  | {
      materials: Record<string, HashDict>;
      products: Record<string, HashDict>;
      /** The exit code, or null when the process died by a signal. */
      returnValue: number | null;
    }
  /**
   * The command could not run at all (not found, timed out, refused): a sentence saying why, and the
   * failure's code (default `inspection-error`; e.g. `inspection-timeout`, `inspection-refused`).
   */
  | { error: string; code?: string };

/** Where an inspection is declared: the steps leading to its sublayout, outermost first (empty: the root layout). */
export interface InspectionContext {
  sublayout: readonly string[];
}

/** A link file already loaded and signature-checked (e.g. by a worker thread in the CLI). */
export interface CheckedLink {
  /** The keyid of the key its signature was checked against. */
  keyid: string;
  loaded: LoadedEnvelope;
  signatureValid: boolean;
}

/**
 * Stage 7 and 9 results for one step of the top-level layout, computed ahead by a caller that loaded
 * and checked all of the step's link files itself (the CLI's worker threads do). They are used only
 * when the engine keeps the same valid links for the step; otherwise the engine computes them.
 */
export interface CheckedStep {
  /** The step's validly signed link files, in `pubkeys` order (the first is the one stage 8 keeps). */
  valid: string[];
  /** Stage 7 (threshold agreement) failures for the step. */
  agreement: Failure[];
  /** Stage 9 failures of the step's rules; undefined when a rule needs a link checked elsewhere. */
  rules?: Failure[];
  /** The other steps whose links those rules read (MATCH sources); their results must hold too. */
  reads: string[];
}

/** Everything verification needs; the engine does no I/O, so files, the clock and processes come in here. */
export interface VerifyInput {
  /** The layout file's bytes, or an envelope loaded earlier. */
  layout: Uint8Array | LoadedEnvelope;
  /** Every key must have signed the layout (at least one is required). */
  layoutKeys: LayoutKeyInput[];
  /** Reads a link file by its path relative to the links directory (`build.1a2b3c4d.link`, `sub.1a2b3c4d/x.5e6f7a8b.link`); undefined when absent. */
  readLink(path: string): Uint8Array | undefined;
  /** The time expiry is checked against. */
  now: Date;
  /**
   * Runs an inspection command (stage 10) in the verifier's working directory. The context says
   * whether the inspection comes from the root layout or from a sublayout (signed by a functionary).
   */
  runInspection?(name: string, argv: string[], context: InspectionContext): Promise<InspectionOutcome>;
  /**
   * Receives each inspection's unsigned link once its command exited 0, before the next inspection
   * runs: where 1.3.1 writes `<name>.link` into its cwd (persist_inspection_links, SPEC-NOTES §7
   * step 11). Returns a sentence when the link could not be recorded; that is a warning
   * (`inspection-link-not-written`), not a failure, since the chain's verdict does not depend on it.
   */
  recordInspection?(link: Link): string | undefined | Promise<string | undefined>;
  /** Link files already checked, by path (optional; verification checks the others itself). */
  checked?: ReadonlyMap<string, CheckedLink>;
  /** Stage 7 and 9 results computed ahead, by step name (top-level layout only; optional). */
  checkedSteps?: ReadonlyMap<string, CheckedStep>;
  /** Record the per-rule trace (default true; the big chains in benchmarks turn it off). */
  trace?: boolean;
}

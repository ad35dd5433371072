// The shapes verification takes and returns. The numbered stages follow in-toto 1.3.1's
// `in_toto_verify` (SPEC-NOTES §7); parameter substitution (library-only in 1.3.1) is not a stage.
import type { ArtifactSide, HashDict, Layout, Link, PublicKey, Target } from "../model.js";
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

/** Stages 6–8 of one step, from its valid links (plain links or sublayout summaries). */
export interface SettledStep {
  /** Stage 6: a warning per valid link whose command differs from the expected one. */
  warnings: Warning[];
  /** Stage 7: for threshold > 1, the first pair of links that report different artifacts. */
  agreement: Failure[];
  /** Stage 8: the first valid link in `pubkeys` order (what the rules read); none when no link is valid. */
  first?: Link;
}

/** What one step's link files gave: stages 3 and 4, then 6–8 unless a sublayout must be verified first. */
export interface StepCheck {
  step: string;
  /** Stage 3: the step's name is unsafe, a file is not a readable envelope, or too few files exist. */
  loadFailures: Failure[];
  /** Stage 4: fewer than `threshold` files validly signed by distinct authorized keys. */
  signatureFailures: Failure[];
  /**
   * The valid envelopes, by keyid in `pubkeys` order, when one of them is a layout (stage 5 verifies
   * it and settles the step with its summary link); undefined otherwise.
   */
  sublayouts?: [keyid: string, envelope: LoadedEnvelope][];
  /** Stages 6–8, when every valid envelope is a link. */
  settled?: SettledStep;
}

/** What a chunk needs to know: the layout, where its links are, and which steps each chunk holds. */
export interface StepsPlan {
  layout: Layout;
  /** The sublayout directory of the links ("" at the top). */
  prefix: string;
  /** Step names, consecutive and in layout order: chunk i holds chunks[i]. */
  chunks: string[][];
  /** Steps whose first valid link every chunk returns (read outside the chunk that checks them). */
  keep: string[];
  /** Record the per-rule trace of the rules chunks settle. */
  trace: boolean;
  /** The verdict's clock, for the validity period of OpenPGP keys (absent: not checked). */
  now?: Date;
}

/** One step's outcome in a chunk: its check, and its rules when the chunk could settle them. */
export interface StepOutcome {
  check: StepCheck;
  /** Stage 9, when every step the rules read was settled in the same chunk. */
  rules?: { failures: Failure[]; trace: RuleTrace[] };
}

/** A chunk's outcome: its steps' outcomes, in layout order. */
export interface ChunkOutcome {
  steps: StepOutcome[];
}

/**
 * Runs a plan's chunks somewhere else than this thread (the CLI: worker threads), each with
 * `checkChunk` (chunks.ts) — the same kernel verifyChain runs in this thread.
 */
export interface ChunkRunner {
  /** How many threads to plan chunks for (below 2: verifyChain runs one chunk itself). */
  threads: number;
  /** The outcome of every chunk of the plan, by index; a rejection makes verifyChain check in-process. */
  run(plan: StepsPlan): Promise<ChunkOutcome[]>;
}

/** Everything verification needs; the engine does no I/O, so files, the clock and processes come in here. */
export interface VerifyInput {
  /** The layout file's bytes, or an envelope loaded earlier. */
  layout: Uint8Array | LoadedEnvelope;
  /** Every key must have signed the layout (at least one is required). */
  layoutKeys: LayoutKeyInput[];
  /** Reads a link file by its path relative to the links directory (`build.1a2b3c4d.link`, `sub.1a2b3c4d/x.5e6f7a8b.link`); undefined when absent. */
  readLink(path: string): Uint8Array | undefined;
  /**
   * Lists the file names in a directory of the links (relative like readLink's paths: "" is the top,
   * `step.1a2b3c4d/` a sublayout's). Optional; used only to explain a missing link.
   */
  listLinks?(dir: string): string[];
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
  /** Where the top-level layout's chunks run (optional; default: one chunk in this thread). */
  chunkRunner?: ChunkRunner;
  /** Record the per-rule trace (default true; the big chains in benchmarks turn it off). */
  trace?: boolean;
}

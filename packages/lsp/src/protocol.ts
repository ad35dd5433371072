// The Totem requests of the language server — every method, its parameters and its result — declared
// once. Types only: the server's handlers are typed by it, and the VS Code extension imports it with
// `import type` (erased when compiled; the layering check allows the extension nothing else of ours).
// docs/lsp.md documents each request; docs/vscode.md says which command sends it.
import type { ImportIssue } from "@totem/dsl";
import type { Diagnostic, Range } from "vscode-languageserver";

/** `totem/compiledLayout`: the unsigned layout of an open policy, for the live preview. */
export interface CompiledLayoutParams {
  uri: string;
}

/** Result of `totem/compiledLayout`. */
export interface CompiledLayoutResult {
  /**
   * The unsigned Metablock text (`{"signatures": [], "signed": {...}}`, in-toto's file format) — for
   * target "ite-10" the attestation layout's YAML — or null while the policy has errors.
   */
  json: string | null;
  /** Every diagnostic of the policy (the same as published). */
  diagnostics: Diagnostic[];
  /** The target the layout was compiled for (always given for "ite-10", whose text is YAML). */
  target?: string;
}

/** `totem/simulate`: verifies the links in a folder against the open policy, with a per-rule trace. */
export interface SimulateParams {
  uri: string;
  /** The folder holding `<step>.<keyid8>.link` files: an absolute path or a file: URI. */
  linksDir: string;
  /** Run the inspections too (default false). */
  runInspections?: boolean;
  /** Where inspections run and are recorded (absolute path or file: URI; default linksDir). */
  workDir?: string;
  /**
   * Target "ite-10" only (linksDir is then an attestations folder): a Sigstore `trusted_root.json` for
   * keyless bundles, and a parameters file for `{name}` placeholders (absolute paths or file: URIs).
   */
  trustedRoot?: string;
  parameters?: string;
}

/** One failure of the simulated verification. */
export interface SimulatedFailure {
  stage: number;
  stageName: string;
  code: string;
  message: string;
  step?: string;
  rule?: string;
  artifacts?: string[];
  /** Where in the policy: the rule, else the step or inspection. */
  range?: Range;
}

/** What one rule did. */
export interface SimulatedRule {
  step: string;
  side: "materials" | "products";
  index: number;
  rule: string;
  consumed: string[];
  /** Artifacts still unconsumed after this rule. */
  queue: string[];
  /** False when a failure names this rule. */
  passed: boolean;
  message: string;
  range?: Range;
}

/** Result of `totem/simulate`. */
export interface SimulateResult {
  passed: boolean;
  /** Set when the simulation could not run (policy errors, unreadable folder). */
  error?: string;
  failures: SimulatedFailure[];
  warnings: { stage: number; code: string; message: string; step?: string }[];
  trace: SimulatedRule[];
  /** Inspections left out of the simulation, with where they are declared. */
  skippedInspections: { name: string; range?: Range }[];
  diagnostics?: Diagnostic[];
}

/** `totem/import`: a signed or unsigned layout (JSON text) → Totem source. */
export interface ImportParams {
  layoutText: string;
  /** The layout's name in the new policy (e.g. the file name without extension; default "imported"). */
  name?: string;
}

/** Result of `totem/import`: issues are what could not be expressed exactly; error why nothing was. */
export interface ImportResult {
  source: string;
  issues: ImportIssue[];
  error?: string;
}

/** `totem/diff`: the semantic difference between two versions of a policy (or layouts), as markdown. */
export interface DiffParams {
  oldText: string;
  newText: string;
  uri?: string;
}

/** Result of `totem/diff`. */
export interface DiffResult {
  markdown: string;
  error?: string;
}

/** `totem/sign`: compiles the open policy and signs it with a private key file (the client writes the file). */
export interface SignParams {
  uri: string;
  /** An absolute path. */
  keyPath: string;
  /** Only for an encrypted key. */
  password?: string;
}

/** Result of `totem/sign`: the signed layout JSON, or an error sentence. */
export interface SignResult {
  json: string | null;
  error?: string;
  /** The key is encrypted and the password was missing or wrong: ask for it. */
  needsPassword?: boolean;
}

/** `totem/stepGraph`: the policy graph `totem doc` draws (the dsl's policyGraph), with ranges to jump to. */
export interface StepGraphParams {
  uri: string;
}

/** One step or inspection of the graph. */
export interface StepGraphNode {
  kind: "step" | "inspection";
  name: string;
  /** Steps: the functionaries in `by`; inspections: none. */
  signers: string[];
  threshold: number;
  /** Steps of target "ite-10": one line per expected attestation (`provenance/v1 by release-workflow`), as `totem doc` draws them. */
  attestations: string[];
  command: string[];
  /** The item's name in the policy. */
  range: Range;
}

/** A MATCH edge: artifacts of `from`'s `fromSide` flow into `to`'s `toSide` rule at `range`. */
export interface StepGraphEdge {
  from: string;
  fromSide: "materials" | "products";
  to: string;
  toSide: "materials" | "products";
  pattern: string;
  /** False when `from` names no step or inspection. */
  resolved: boolean;
  range: Range;
}

/** Result of `totem/stepGraph`; empty lists for a document that is not open or has no layout. */
export interface StepGraphResult {
  name?: string;
  nodes: StepGraphNode[];
  edges: StepGraphEdge[];
  functionaries: { name: string; steps: string[]; range: Range }[];
}

/** Every Totem request by method name: what the client sends and what the server answers. */
export interface TotemRequests {
  "totem/compiledLayout": { params: CompiledLayoutParams; result: CompiledLayoutResult };
  "totem/simulate": { params: SimulateParams; result: SimulateResult };
  "totem/import": { params: ImportParams; result: ImportResult };
  "totem/diff": { params: DiffParams; result: DiffResult };
  "totem/sign": { params: SignParams; result: SignResult };
  "totem/stepGraph": { params: StepGraphParams; result: StepGraphResult };
}

/** A Totem request's method name. */
export type TotemMethod = keyof TotemRequests;

/**
 * `totemStartup` in the server's `initialize` result (an extra field the protocol allows; other
 * clients ignore it): when the server process started and when it handled `initialize`, epoch ms.
 * The VS Code extension logs its start-up phases from it; the e2e suite measures them.
 */
export interface ServerStartup {
  processStartedAt: number;
  initializeAt: number;
}

// The custom requests this extension sends to the Totem language server, by name, with the
// shapes it relies on. Everything else (diagnostics, hover, completion, formatting, …) is plain LSP.
// docs/vscode.md lists them; docs/lsp.md is the server's side of the contract.
import type { Diagnostic, Range } from "vscode-languageclient/node";

/** `totem/compiledLayout`: the unsigned layout JSON of an open policy, or null while it does not compile. */
export const COMPILED_LAYOUT = "totem/compiledLayout";
/** Parameters of `totem/compiledLayout`. */
export interface CompiledLayoutParams {
  uri: string;
}
/** Result of `totem/compiledLayout`. */
export interface CompiledLayoutResult {
  json: string | null;
  diagnostics: Diagnostic[];
}

/** `totem/simulate`: verifies the links in a folder against the policy, with a per-rule trace. */
export const SIMULATE = "totem/simulate";
/** Parameters of `totem/simulate`. */
export interface SimulateParams {
  uri: string;
  linksDir: string;
}

/** `totem/import`: a signed or unsigned layout (JSON text) → Totem source. */
export const IMPORT = "totem/import";
/** Parameters of `totem/import`. */
export interface ImportParams {
  layoutText: string;
  /** The layout's name in the new policy (the file name without extension). */
  name?: string;
}
/** Result of `totem/import` (issues: what could not be expressed exactly; error: why nothing was). */
export interface ImportResult {
  source: string;
  issues?: Array<string | { message: string }>;
  error?: string;
}

/** `totem/diff`: the semantic difference between two versions of a policy, as markdown. */
export const DIFF = "totem/diff";
/** Parameters of `totem/diff`. */
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

/** `totem/sign`: compiles the policy and signs it with a private key file; the extension writes the file. */
export const SIGN = "totem/sign";
/** Parameters of `totem/sign` (keyPath is absolute; password only for an encrypted key). */
export interface SignParams {
  uri: string;
  keyPath: string;
  password?: string;
}
/** Result of `totem/sign`: the signed layout JSON, or an error sentence (e.g. the policy has errors). */
export interface SignResult {
  json: string | null;
  error?: string;
  needsPassword?: boolean;
}

/**
 * One entry of a verification trace or failure list as the extension renders it (the server's
 * `trace` rules and `failures`; fields read defensively).
 */
export interface TraceEntry {
  range?: Range;
  passed?: boolean;
  ok?: boolean;
  status?: string;
  message?: string;
  rule?: string;
  step?: string;
  detail?: string;
}

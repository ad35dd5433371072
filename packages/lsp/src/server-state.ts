// What the language server's feature modules share: the server's state and the guard every handler
// runs behind. Its own module, so that features never import the wiring file (server.ts).
import type { ResponseError } from "vscode-languageserver";
import type { AnalysisCache } from "./analysis.js";
import type { CompileCache } from "./compile.js";
import type { DocumentStore } from "./documents.js";
import type { KeyFileCache } from "./key-files.js";
import type { KeyringCache } from "./keyring-keys.js";
import type { TotemSettings } from "./settings.js";

/** Shared state of one server, handed to feature modules that need more than one document. */
export interface ServerState {
  readonly docs: DocumentStore;
  readonly analyses: AnalysisCache;
  readonly keys: KeyFileCache;
  /** Keys from keyrings (`key gpg … from …`), read in the background. */
  readonly keyrings: KeyringCache;
  readonly compiled: CompileCache;
  settings: TotemSettings;
}

/** server.ts's guard: wraps a handler so an unexpected exception is logged and answered with a fallback. */
export type Guard = <P, R>(what: string, fallback: R, handler: (params: P) => R) => (params: P) => R | ResponseError;

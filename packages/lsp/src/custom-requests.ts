// Custom requests for the editor: `totem/compiledLayout` (live preview) and `totem/simulate`
// (verification against a folder of links). Filled in once lowering and verification land.
import type { Connection, ResponseError } from "vscode-languageserver";
import type { ServerState } from "./server.js";

/** The guard of server.ts: wraps a handler so unexpected exceptions become logged errors. */
export type Guard = <P, R>(what: string, fallback: R, handler: (params: P) => R) => (params: P) => R | ResponseError;

/** Registers the custom requests on `connection`. */
export function registerCustomRequests(connection: Connection, state: ServerState, guard: Guard): void {
  void connection;
  void state;
  void guard;
}

// @totem/lsp: the Totem language server. The only package that speaks the Language Server Protocol.
export { createServer, startServer } from "./start.js";
// The shapes of the custom requests (docs/lsp.md), for clients written in TypeScript.
export type { CompiledLayoutParams, CompiledLayoutResult } from "./custom-requests.js";
export type { DiffResultMessage, ImportResultMessage, SignResultMessage } from "./editor-requests.js";
export type { SimulatedFailure, SimulatedRule, SimulateParams, SimulateResult } from "./simulate.js";
export type { TotemSettings } from "./settings.js";

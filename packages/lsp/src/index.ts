// @totem/lsp: the Totem language server. The only package that speaks the Language Server Protocol.
export { createServer, startServer } from "./start.js";
// The shapes of the custom requests (docs/lsp.md), for clients written in TypeScript.
export type * from "./protocol.js";
export type { TotemSettings } from "./settings.js";

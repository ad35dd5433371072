// @totem/lsp: the Totem language server. The only package that speaks the Language Server Protocol.
export { createServer, startServer } from "./start.js";

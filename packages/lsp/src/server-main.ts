// Node entry of the language server on stdio; scripts/build.mjs bundles it to
// packages/vscode-extension/dist/server.cjs for the extension.
import { startServer } from "./start.js";

startServer();

import { fileURLToPath } from "node:url";

/**
 * Workspace packages resolve to their TypeScript sources in tests, never to a stale `dist/`
 * (vitest's server-side resolution ignores `resolve.conditions`, so name them explicitly).
 */
export const sourceAliases = ["engine", "dsl", "node-io", "lsp", "cli"].map((pkg) => ({
  find: new RegExp(`^@totem/${pkg}$`),
  replacement: fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url)),
}));

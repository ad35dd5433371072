import { defineConfig } from "vitest/config";
import { sourceAliases } from "./vitest.shared.js";

// One root config for unit and integration tests. Workspace packages resolve to their TypeScript
// sources through the `source` export condition. Interop (reference verifier) and editor e2e
// suites have their own configs and scripts.
export default defineConfig({
  resolve: { conditions: ["source"], alias: sourceAliases },
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/unit/**/*.test.ts"],
    exclude: ["**/node_modules/**", "test/interop/**", "test/e2e/**"],
    testTimeout: 30_000,
    pool: "forks",
  },
});

import { availableParallelism } from "node:os";
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
    // A worker keeps its module cache from one test file to the next: collecting (importing the
    // sources through vite) took 70 of 140 s when every file started afresh. Safe because no test
    // mocks modules, stubs globals or changes process-wide state (cwd, env, umask); each test file
    // builds its own servers and caches through the public entry points.
    poolOptions: { forks: { isolate: false } },
    // vitest runs cores − 1 files at once: one at a time on a 2-core machine, with the other core idle
    // while a file waits on the processes, timeouts and signals many of these tests are about.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // The bundles the binary's tests run, built once for the run (not once per test file).
    globalSetup: ["./vitest.global-setup.ts"],
  },
});

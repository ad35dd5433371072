import { defineConfig } from "vitest/config";
import { sourceAliases } from "../../vitest.shared.js";

// The interop suites run Totem against the reference in-toto 1.3.1 CLI tools (Debian's `in-toto`,
// under /usr/bin/python3). `.ci/run` installs them before `npm run test:interop`.
export default defineConfig({
  resolve: { conditions: ["source"], alias: sourceAliases },
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/interop/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: "forks",
    poolOptions: { forks: { singleFork: false, maxForks: 2 } },
  },
});

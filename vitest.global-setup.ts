import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

/**
 * Builds the bundles (scripts/build.mjs) once per run, before any test file starts: the tests of the
 * bundled binary, its worker threads and `npm pack` used to build them each, up to eight builds of
 * the same files, concurrently. A failed build is handed to those tests (run-cli.ts `requireBundle`)
 * instead of failing the tests that run from sources.
 */
export default function setup(project: TestProject): void {
  try {
    execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: fileURLToPath(new URL(".", import.meta.url)), stdio: "pipe" });
    project.provide("bundleError", "");
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? "";
    project.provide("bundleError", `${String(error)}\n${stderr}`);
  }
}

// vitest.config.ts runs test files one after another in a worker without resetting its module cache
// (isolate: false). That is sound only while no test file changes what the next one would see:
// mocked modules, stubbed globals or environment, the working directory, the umask, fake timers.
// This test keeps it so: it fails on the first test file that does any of these.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const FORBIDDEN = /\bvi\.(mock|doMock|stubGlobal|stubEnv|useFakeTimers|spyOn)\(|process\.chdir\(|process\.umask\(\s*\d|process\.env\.[A-Za-z_]+\s*=[^=]|delete process\.env/;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(test|property\.test)\.ts$|^lsp-client\.ts$|fixtures?\.ts$/.test(e.name) && !e.parentPath.includes("node_modules"))
    .map((e) => join(e.parentPath, e.name));
}

describe("test files that share a worker", () => {
  it("leave no mocks, stubs or process-wide changes behind", () => {
    const dirs = ["engine", "dsl", "node-io", "lsp", "cli"].map((p) => join(ROOT, "packages", p, "test"));
    const files = [...dirs.flatMap((d) => testFiles(d)), ...testFiles(join(ROOT, "test", "unit"))].filter((f) => f !== import.meta.filename);
    expect(files.length).toBeGreaterThan(100);
    const offenders = files.filter((f) => FORBIDDEN.test(readFileSync(f, "utf8"))).map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });
});

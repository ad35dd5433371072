// Test harness: runs `totem` in-process through main(argv, io) with captured output, a temp working
// directory and a fixed environment; or the real bundled binary for end-to-end checks.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, inject } from "vitest";
import { main } from "../src/main.js";
import type { Io } from "../src/program.js";

/** What a run produced. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of an in-process run. */
export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  tty?: boolean;
  password?: string;
}

/** Runs `totem ARGV` in-process and captures what it writes. */
export async function runCli(argv: string[], options: RunOptions): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd: options.cwd,
    env: { ...options.env },
    stdoutIsTTY: options.tty === true,
    stderrIsTTY: options.tty === true,
    promptPassword: options.password === undefined ? undefined : async () => options.password,
    now: () => new Date("2026-06-01T00:00:00Z"),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** This package's test fixtures directory. */
export const FIXTURES = join(ROOT, "packages/cli/test/fixtures");

/** A fresh temporary directory. */
export function tempDir(prefix = "totem-cli-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

declare module "vitest" {
  export interface ProvidedContext {
    /** vitest.global-setup.ts: "" when it built the bundles, else why the build failed. */
    bundleError?: string;
  }
}

let built = false;

/**
 * Makes sure the bundles (packages/cli/dist, the worker entry) are built: the root config's global
 * setup built them once for the whole run; under a config without it, build them here, once per file.
 */
export function requireBundle(): void {
  const error = inject("bundleError");
  if (error) throw new Error(`scripts/build.mjs failed in vitest's global setup:\n${error}`);
  if (error === "" || built) return;
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: ROOT });
  built = true;
}

/** Runs the bundled binary (packages/cli/bin/totem.js), as users and CI do. */
export function runBinary(argv: string[], cwd: string, env: Record<string, string> = {}): CliRun {
  requireBundle();
  const r = spawnSync(process.execPath, [join(ROOT, "packages/cli/bin/totem.js"), ...argv], {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Names and sizes of the files in a directory (to prove nothing was written on failure). */
export function listing(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .map((f) => `${f}:${statSync(join(dir, f)).size}`);
}

/**
 * Compares text with the golden file fixtures/golden/NAME. With TOTEM_UPDATE_GOLDEN=1 it writes the
 * file instead; review the diff like code before committing it.
 */
export function expectGolden(name: string, actual: string): void {
  const path = join(FIXTURES, "golden", name);
  if (process.env.TOTEM_UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  expect(actual, `golden file ${name} (TOTEM_UPDATE_GOLDEN=1 rewrites it)`).toBe(readFileSync(path, "utf8"));
}

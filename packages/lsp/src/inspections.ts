// Running inspections for `totem/simulate` when the client asks (`runInspections: true`): record the
// working folder (`.`) before and after the command, as in-toto 1.3.1 does for inspections
// (SPEC-NOTES §7), hashing with the engine's recorder and skipping its default excludes.
import { spawn } from "node:child_process";
import { type Dirent, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { compileExcludes, DEFAULT_EXCLUDES, type HashDict, hashArtifact, type InspectionOutcome } from "@totem/engine";

/** Hashes every file under `root` (sha256), keyed by its `/`-separated path relative to root. */
export function recordFolder(root: string): Record<string, HashDict> {
  const excluded = compileExcludes(DEFAULT_EXCLUDES);
  const out: Record<string, HashDict> = {};
  const seen = new Set<string>();
  const walk = (rel: string, abs: string) => {
    try {
      const real = realpathSync(abs);
      if (seen.has(real)) return;
      seen.add(real);
    } catch {
      return;
    }
    let entries: Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const childRel = rel === "" ? e.name : `${rel}/${e.name}`;
      const childAbs = join(abs, e.name);
      if (excluded(childRel)) continue;
      let kind: "dir" | "file" | undefined = e.isDirectory() ? "dir" : e.isFile() ? "file" : undefined;
      if (e.isSymbolicLink()) {
        try {
          const st = statSync(childAbs);
          kind = st.isDirectory() ? "dir" : st.isFile() ? "file" : undefined;
        } catch {
          continue; // broken symlink: skipped, as in 1.3.1
        }
      }
      if (kind === "dir") walk(childRel, childAbs);
      else if (kind === "file") {
        try {
          const hash = hashArtifact(readFileSync(childAbs));
          if (typeof hash !== "string") out[childRel] = hash;
        } catch {
          // unreadable file: not recorded
        }
      }
    }
  };
  walk("", root);
  return out;
}

function run(argv: readonly string[], cwd: string, timeoutMs: number): Promise<{ returnValue: number | null } | { error: string }> {
  return new Promise((done) => {
    const [file, ...args] = argv;
    if (file === undefined) return done({ error: "the command is empty" });
    const child = spawn(file, args, { cwd, stdio: "ignore", timeout: timeoutMs });
    child.on("error", (e) => done({ error: e.message }));
    child.on("close", (code, signal) => done(signal === "SIGTERM" && code === null ? { error: `timed out after ${timeoutMs / 1000} s` } : { returnValue: code }));
  });
}

/** An inspection runner for verifyChain: runs argv in `workDir` without a shell and records `.` around it. */
export function inspectionRunner(workDir: string, timeoutMs = 60_000): (name: string, argv: string[]) => Promise<InspectionOutcome> {
  return async (_name, argv) => {
    const materials = recordFolder(workDir);
    const ran = await run(argv, workDir, timeoutMs);
    if ("error" in ran) return ran;
    return { materials, products: recordFolder(workDir), returnValue: ran.returnValue };
  };
}

// Reads a file's committed version with the user's `git`: the only process this extension spawns.
import { execFile } from "node:child_process";
import { basename, dirname } from "node:path";

/** What `git` says about a file's HEAD version. */
export type HeadVersion =
  | { kind: "found"; text: string }
  | { kind: "untracked" }
  | { kind: "no-git"; message: string };

function git(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("git", args, { cwd, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, stdout, stderr: error !== null && code === -1 ? error.message : stderr });
    });
  });
}

/** The text of `file` (absolute path) at HEAD of the repository that holds it. */
export async function readHeadVersion(file: string): Promise<HeadVersion> {
  const dir = dirname(file);
  const inside = await git(["rev-parse", "--is-inside-work-tree"], dir);
  if (inside.code !== 0) return { kind: "no-git", message: inside.stderr.trim() || "not inside a git repository" };
  // `HEAD:./name` is resolved relative to the working directory, so no repository root is needed.
  const shown = await git(["show", `HEAD:./${basename(file)}`], dir);
  if (shown.code === 0) return { kind: "found", text: shown.stdout };
  return { kind: "untracked" };
}

// The demo supply chain (examples/demo) recorded for real with `totem run`, for tests that need a
// chain made by a given `totem` (the packed CLI, the GitHub Action's checkout): the three steps' links
// and a verifier's folder holding what the `untar` inspection allows.
import { cpSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./run-cli.js";

/** The `totem` argv of each step of the demo chain, run in a copy of examples/demo. */
export const DEMO_STEPS: readonly string[][] = [
  ["run", "--step", "clone", "--key", "keys/bob", "-p", "demo-project", "-x"],
  ["run", "--step", "update-version", "--key", "keys/bob", "-m", "demo-project", "-p", "demo-project", "--", "sed", "-i", "s/foo-v0/foo-v1/", "demo-project/foo.py"],
  ["run", "--step", "package", "--key", "keys/carl", "-m", "demo-project", "-p", "demo-project.tar.gz", "--", "tar", "--exclude", ".git", "-zcvf", "demo-project.tar.gz", "demo-project"],
];

/** Copies examples/demo into `work` and writes the file the clone step would fetch. */
export function demoWorkspace(work: string): void {
  cpSync(join(ROOT, "examples/demo"), work, { recursive: true });
  mkdirSync(join(work, "demo-project"));
  writeFileSync(join(work, "demo-project/foo.py"), "foo-v0\n");
}

/**
 * A verifier's folder under `work` (returned) with the links, the package, the files in `extra`
 * (e.g. root.layout) and the owner's public key as alice.pub: what the untar inspection allows.
 */
export function verifierFolder(work: string, extra: readonly string[] = []): string {
  const dir = join(work, "verifier");
  mkdirSync(dir);
  for (const f of readdirSync(work).filter((n) => n.endsWith(".link") || n === "demo-project.tar.gz" || extra.includes(n))) cpSync(join(work, f), join(dir, f));
  cpSync(join(work, "keys/alice.pub"), join(dir, "alice.pub"));
  return dir;
}

// The attestations folder of `totem verify --attestations` and the language server's simulate of an
// attestation policy: every regular file in it, by name, each read through the bounded reader within
// the link limit and all together within ATTESTATIONS_TOTAL_LIMIT. One reader for both, so the editor
// sees the folder the verifier sees.
import { type AttestationFile, err, ok, type Result } from "@totem/engine";
import { listLinkDir, readLinkFile } from "./link-folder.js";

/** At most this many bytes of attestations in all (each file is also held to the link limit). */
export const ATTESTATIONS_TOTAL_LIMIT = 512 * 1024 * 1024;

/** Why the folder cannot be verified: a file that cannot be read (`name`), or too much in all. */
export type AttestationFolderProblem = { readonly kind: "unreadable"; readonly name: string } | { readonly kind: "too-large" };

/** Every file of the attestations folder in name order, or the first problem. Never throws. */
export function readAttestationFolder(dir: string): Result<AttestationFile[], AttestationFolderProblem> {
  const files: AttestationFile[] = [];
  let total = 0;
  for (const name of listLinkDir(dir, "").sort()) {
    const bytes = readLinkFile(dir, name);
    if (bytes === undefined) return err({ kind: "unreadable", name });
    total += bytes.length;
    if (total > ATTESTATIONS_TOTAL_LIMIT) return err({ kind: "too-large" });
    files.push({ name, bytes });
  }
  return ok(files);
}

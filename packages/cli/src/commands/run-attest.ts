// `totem run --attest` / `record stop --attest`: writes the step's evidence as a DSSE-signed in-toto
// Statement with the link predicate v0.3 (engine/attest/link-statement.ts) instead of a classic link,
// named `<step>.<keyid8>.json` as attestation layouts expect (docs/attestations.md).
import { join } from "node:path";
import { type Link, signLinkStatement, type Target } from "@totem/engine";
import { InputError } from "../errors.js";
import type { Signer } from "../signing-keys.js";
import { writeFileAtomic } from "../write-files.js";

/** Signs the link's Statement for the signer and writes it atomically (0644) into dir; returns its path. */
export function writeAttestation(link: Link, signer: Signer, target: Target, dir: string): string {
  const text = signLinkStatement(link, [signer.key], target);
  if (!text.ok) throw new InputError(text.error.message);
  const path = join(dir, `${link.name}.${signer.key.public.keyid(target).slice(0, 8)}.json`);
  writeFileAtomic(path, text.value, 0o644);
  return path;
}

// The OpenPGP keys a policy names by fingerprint (`functionary NAME key gpg "FINGERPRINT" from
// "path"`). Reading a keyring is asynchronous (openpgp), and lowering is not: a caller lists these
// first, reads them, and hands lowering the result (LowerOptions.readGpgKey). Pure.
import type { PolicyFile } from "./ast.js";
import { constantResolver } from "./checks/context.js";

/** One `key gpg "FINGERPRINT" from "path"`, its strings resolved (`path` as written, relative to the policy). */
export interface GpgKeyRef {
  path: string;
  fingerprint: string;
}

/** The distinct keyring references of a policy's functionaries, in declaration order. */
export function gpgKeyRefs(file: PolicyFile, params?: Readonly<Record<string, string>>): GpgKeyRef[] {
  const value = constantResolver(file, params);
  const out: GpgKeyRef[] = [];
  for (const f of file.layout?.functionaries ?? []) {
    const key = f.key;
    if (key?.kind !== "file" || key.gpgSpan === undefined) continue;
    const path = value(key.path);
    const fingerprint = value(key.fingerprint);
    if (path === undefined || fingerprint === undefined) continue;
    if (!out.some((r) => r.path === path && r.fingerprint === fingerprint)) out.push({ path, fingerprint });
  }
  return out;
}

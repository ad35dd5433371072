// OpenPGP keys a policy names by fingerprint from a keyring (`functionary NAME key gpg "FINGERPRINT"
// from "path"`), read before lowering: openpgp is asynchronous and lowering is not, so commands
// resolve the policy's references here and hand lowering the result (LowerOptions.readGpgKey).
// `path` (relative to the policy) is an exported key file or keyring (`gpg --export`, armored or
// binary; a GnuPG 1 pubring.gpg), or a GnuPG home directory, whose key gpg exports as `--gpg` does.
import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { gpgKeyRefs, parse } from "@totem/dsl";
import { type PublicKey, readGpgPublicKey } from "@totem/engine";
import { exportGpgKey } from "./gpg.js";
import { readBytes, readText, type UserPath, userPath } from "./io.js";
import type { Io } from "./program.js";

/** A key by keyring path (as written) and fingerprint: the key, why it is not there, or undefined (unreadable path). */
export type GpgKeyReader = (path: string, fingerprint: string) => PublicKey | string | undefined;

const refId = (path: string, fingerprint: string) => `${path}\0${fingerprint}`;

/** One reference: a GnuPG home through gpg, anything else as OpenPGP key data. */
async function readRef(path: string, shown: string, fingerprint: string): Promise<PublicKey | string | undefined> {
  let directory: boolean;
  try {
    directory = statSync(path).isDirectory();
  } catch {
    return undefined;
  }
  if (directory) {
    try {
      return await exportGpgKey(fingerprint, path);
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }
  let bytes: Uint8Array;
  try {
    bytes = readBytes(path, "keyring", shown, "layout");
  } catch {
    return undefined;
  }
  const read = await readGpgPublicKey(bytes, fingerprint);
  return read.ok ? read.value : read.error.message;
}

/**
 * The keys the policy `file` names from keyrings, read now; the reader `checkPolicy` passes to
 * lowering (`CheckOptions.gpgKeys`). Throws InputError when the policy itself cannot be read.
 */
export async function keyringKeys(file: string | UserPath, io: Io, params?: Readonly<Record<string, string>>): Promise<GpgKeyReader> {
  const { path, shown } = typeof file === "string" ? userPath(io.cwd, file) : file;
  const text = readText(path, "policy", shown, "policy");
  const refs = text.includes("gpg") ? gpgKeyRefs(parse(text).file, params) : [];
  const found = new Map<string, PublicKey | string | undefined>();
  for (const ref of refs) found.set(refId(ref.path, ref.fingerprint), await readRef(resolve(dirname(path), ref.path), ref.path, ref.fingerprint));
  return (keyring, fingerprint) => found.get(refId(keyring, fingerprint));
}

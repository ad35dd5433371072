// A key a policy names by fingerprint from a keyring (`functionary NAME key gpg "FINGERPRINT" from
// "path"`), read from disk: the one reading of such references, for the CLI (before lowering) and the
// language server (in the background). The path is an exported key file or keyring (`gpg --export`,
// armored or binary; a GnuPG 1 pubring.gpg), read with the bounded reader, or a GnuPG home
// directory, whose key gpg exports as `--gpg` does. Never throws: every outcome is a value.
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { type PublicKey, readGpgPublicKey } from "@totem/engine";
import { exportGpgKey } from "./gpg.js";
import { describeFsError, READ_LIMITS, readFileBounded } from "./read-file.js";

/**
 * What a keyring reference reads to: the key; `invalid` when the keyring was reached but does not
 * hold the key (unknown fingerprint, not OpenPGP key data, gpg failed); `unreadable` when the path
 * cannot be read at all. `message` says why, as a sentence.
 */
export type KeyringKey = { kind: "key"; key: PublicKey } | { kind: "invalid"; message: string } | { kind: "unreadable"; message: string };

/**
 * What a GnuPG home holds its public keys in (GnuPG 2.1+, GnuPG 1, keyboxd). gpg creates a pubring.kbx
 * in any directory it is pointed at, so a directory without one of these is not handed to it: a
 * policy naming some other folder must not make `check` or the editor write into it.
 */
const HOME_KEYRINGS = ["pubring.kbx", "pubring.gpg", "public-keys.d"];

/** The key `fingerprint` from the keyring file or GnuPG home at `path` (absolute). */
export async function readKeyringKey(path: string, fingerprint: string): Promise<KeyringKey> {
  let directory: boolean;
  try {
    directory = statSync(path).isDirectory();
  } catch (e) {
    return { kind: "unreadable", message: describeFsError(e) };
  }
  if (directory) {
    if (!HOME_KEYRINGS.some((f) => existsSync(join(path, f)))) {
      return { kind: "invalid", message: `${path} is a directory but no GnuPG home: it holds no ${HOME_KEYRINGS.slice(0, -1).join(", ")} or ${HOME_KEYRINGS.at(-1)}` };
    }
    const exported = await exportGpgKey(fingerprint, path, "the fingerprint");
    return exported.ok ? { kind: "key", key: exported.value } : { kind: "invalid", message: exported.error };
  }
  // A keyring may hold many keys with their signatures: the layout limit, not the key file one.
  const bytes = readFileBounded(path, READ_LIMITS.layout);
  if (!bytes.ok) return { kind: "unreadable", message: bytes.error.message };
  const read = await readGpgPublicKey(bytes.value, fingerprint);
  return read.ok ? { kind: "key", key: read.value } : { kind: "invalid", message: read.error.message };
}

/** A read as the dsl's `LowerOptions.readGpgKey` answers: the key, why it is not there, or undefined (unreadable path). */
export function keyringAnswer(read: KeyringKey): PublicKey | string | undefined {
  return read.kind === "key" ? read.key : read.kind === "invalid" ? read.message : undefined;
}

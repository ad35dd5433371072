// OpenPGP keys a policy names by fingerprint from a keyring (`functionary NAME key gpg "FINGERPRINT"
// from "path"`), read before lowering: openpgp is asynchronous and lowering is not, so commands
// resolve the policy's references here and hand lowering the result (LowerOptions.readGpgKey).
// Reading one reference (a key file or keyring, or a GnuPG home through gpg) is node-io's
// `readKeyringKey`, which the language server uses too.
import { dirname, resolve } from "node:path";
import { gpgKeyRefs, parse } from "@totem/dsl";
import type { PublicKey } from "@totem/engine";
import { keyringAnswer, readKeyringKey } from "@totem/node-io";

/** A key by keyring path (as written) and fingerprint: the key, why it is not there, or undefined (unreadable path). */
export type GpgKeyReader = (path: string, fingerprint: string) => PublicKey | string | undefined;

const refId = (path: string, fingerprint: string) => `${path}\0${fingerprint}`;

/**
 * The keys the policy `text` (read from `path`: keyring paths are relative to it) names from
 * keyrings, read now; the reader `checkPolicy` passes to lowering (`CheckOptions.gpgKeys`).
 */
export async function keyringKeys(text: string, path: string, params?: Readonly<Record<string, string>>): Promise<GpgKeyReader> {
  const refs = text.includes("gpg") ? gpgKeyRefs(parse(text).file, params) : [];
  const found = new Map<string, PublicKey | string | undefined>();
  for (const ref of refs) found.set(refId(ref.path, ref.fingerprint), keyringAnswer(await readKeyringKey(resolve(dirname(path), ref.path), ref.fingerprint)));
  return (keyring, fingerprint) => found.get(refId(keyring, fingerprint));
}

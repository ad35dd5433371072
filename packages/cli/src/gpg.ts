// The `gpg` binary as the commands use it, run the way securesystemslib 0.26 runs it for in-toto
// 1.3.1 (gpg/constants.py): keys come from `gpg [--homedir DIR] --export KEYID`, signatures from
// `gpg --detach-sign --digest-algo SHA256 [--local-user KEYID] [--homedir DIR]` over the canonical
// payload on standard input. Running gpg (which program, bounds) is node-io's gpg.ts; here its
// failures become InputError (exit 2). Parsing is the engine's (openpgp).

import { join, resolve } from "node:path";
import {
  canonicalize,
  envelopeToText,
  type GpgSignature,
  gpgKeyMaterial,
  type JsonObject,
  type JsonValue,
  type Link,
  linkFileName,
  linkToJson,
  type Metablock,
  withGpgSignature,
  type PublicKey,
  type PrivateKeyMaterial,
  type PublicKeyMaterial,
  type Result,
  readGpgSignature,
  signMetablock,
  type Target,
} from "@totem/engine";
import { exportGpgKey as exportFromHome, gpgHomeArgs, gpgKeyidProblem, runGpg } from "@totem/node-io";
import { InputError } from "./errors.js";
import { writeFileAtomic } from "./write-files.js";

/** The value, or InputError with the failure's sentence. */
function orInputError<T>(r: Result<T, string>): T {
  if (!r.ok) throw new InputError(r.error);
  return r.value;
}

function checkKeyid(keyid: string, option: string): void {
  const problem = gpgKeyidProblem(keyid, option);
  if (problem !== undefined) throw new InputError(problem);
}

/**
 * The public key `keyid` (a fingerprint or keyid of the key or one of its subkeys) exported from the
 * GnuPG home `home` (default: gpg's own), in securesystemslib's shape, as 1.3.1's `--gpg` reads it.
 * Throws InputError when gpg fails or the key is not there.
 */
export async function exportGpgKey(keyid: string, home: string | undefined): Promise<PublicKey> {
  return orInputError(await exportFromHome(keyid, home));
}

/** {@link exportGpgKey} as key material, for `verify --gpg` and the other layout-key options. */
export async function gpgLayoutKey(keyid: string, home: string | undefined): Promise<PublicKeyMaterial> {
  return gpgKeyMaterial(await exportGpgKey(keyid, home));
}

/**
 * Signs `bytes` with gpg as securesystemslib's create_signature does: the key `keyid` (default: gpg's
 * default key) of the GnuPG home `home`. gpg may pick a signing subkey; the signature's keyid says which.
 */
export async function gpgSign(bytes: Uint8Array, keyid: string | undefined, home: string | undefined): Promise<GpgSignature> {
  if (keyid !== undefined) checkKeyid(keyid, "--gpg");
  const args = ["--detach-sign", "--digest-algo", "SHA256", ...(keyid ? ["--local-user", keyid] : []), ...gpgHomeArgs(home)];
  const out = orInputError(await runGpg(args, bytes, `cannot sign with GPG key ${keyid ?? "(default)"}`));
  const sig = await readGpgSignature(out);
  if (!sig.ok) throw new InputError(`cannot sign with GPG key ${keyid ?? "(default)"}: ${sig.error}`);
  return sig.value;
}

/** `verify -g KEYID... [--gpg-home DIR]`: each key exported from the keyring (DIR relative to `cwd`). */
export async function gpgLayoutKeys(keyids: readonly string[] | undefined, home: string | undefined, cwd: string): Promise<PublicKeyMaterial[]> {
  const dir = home === undefined ? undefined : resolve(cwd, home);
  const out: PublicKeyMaterial[] = [];
  for (const keyid of keyids ?? []) out.push(await gpgLayoutKey(keyid, dir));
  return out;
}

/**
 * `--gpg [KEYID...]` as in-toto-sign and in-toto-run take it: `true` (the flag alone) signs with
 * gpg's default key, a list with each key. One OpenPGP signature over `bytes` per key.
 */
export async function gpgSignatures(gpgFlag: true | string[] | undefined, home: string | undefined, bytes: Uint8Array, cwd: string): Promise<GpgSignature[]> {
  if (gpgFlag === undefined) return [];
  const dir = home === undefined ? undefined : resolve(cwd, home);
  const ids = gpgFlag === true ? [undefined] : gpgFlag;
  const out: GpgSignature[] = [];
  for (const id of ids) out.push(await gpgSign(bytes, id, dir));
  return out;
}

/**
 * `totem run --gpg`: signs the link with gpg as in-toto-run --gpg does (runlib.py): the link file is
 * named after the keyid of the signature, which is a subkey's when gpg signs with one. Written
 * atomically, 0644, into `dir`; returns its path.
 */
export async function writeGpgLink(
  link: Link,
  keyid: string | undefined,
  home: string | undefined,
  dir: string,
  cwd: string,
  fileName: (signingKeyid: string) => string = (k) => linkFileName(link.name, k),
): Promise<string> {
  const payload = linkToJson(link);
  const [signature] = await gpgSignatures(keyid === undefined ? true : [keyid], home, canonicalize(payload), cwd);
  const envelope = withGpgSignature({ signed: payload, signatures: [] }, signature as GpgSignature);
  const path = join(dir, fileName((signature as GpgSignature).keyid));
  writeFileAtomic(path, envelopeToText(envelope as Metablock<JsonValue>), 0o644);
  return path;
}

/** A Metablock over `payload` signed by `keys` and then by the OpenPGP signatures `gpgSigned`, as file text. */
export function metablockTextWithGpg(payload: JsonObject, keys: readonly PrivateKeyMaterial[], target: Target, gpgSigned: readonly GpgSignature[]): string {
  let envelope = signMetablock(payload, keys, target);
  for (const g of gpgSigned) envelope = withGpgSignature(envelope, g);
  return envelopeToText(envelope as Metablock<JsonValue>);
}

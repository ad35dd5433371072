// The `gpg` binary, run the way securesystemslib 0.26 runs it for in-toto 1.3.1
// (gpg/constants.py): keys come from `gpg [--homedir DIR] --export KEYID`, signatures from
// `gpg --detach-sign --digest-algo SHA256 [--local-user KEYID] [--homedir DIR]` over the canonical
// payload on standard input. The program is $GNUPG when set, else gpg2 when present, else gpg.
// Each run is bounded in time and output; parsing is the engine's (openpgp).

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
  readGpgPublicKey,
  readGpgSignature,
  signMetablock,
  type Target,
} from "@totem/engine";
import { runProcess } from "@totem/node-io";
import { InputError } from "./errors.js";
import { writeFileAtomic } from "./write-files.js";

/** Seconds a gpg run may take (signing may wait for gpg-agent to start). */
const GPG_TIMEOUT_SECONDS = 60;
/** Bytes of output kept from gpg: an exported key with its signatures is far smaller. */
const GPG_MAX_OUTPUT = 16 * 1024 * 1024;
/** securesystemslib's KEYID_SCHEMA: hex (a fingerprint, or a long or short keyid). */
const KEYID = /^[0-9a-fA-F]+$/;

let program: string | undefined;

/** The gpg program securesystemslib would use: $GNUPG, else gpg2, else gpg. */
async function gpgProgram(): Promise<string> {
  if (program) return program;
  const candidates = process.env.GNUPG ? [process.env.GNUPG] : ["gpg2", "gpg"];
  for (const c of candidates) {
    const r = await runProcess([c, "--version"], { cwd: process.cwd(), streams: "ignore", timeoutSeconds: 10 });
    if (r.kind === "exited" && r.returnValue === 0) {
      program = c;
      return c;
    }
  }
  throw new InputError("GPG support needs the gpg program (GnuPG 2.1 or newer); install it (Debian: apt-get install gnupg) or set GNUPG to its path");
}

/** Runs gpg through the one process runner (node-io): its output bytes, or InputError saying `what` failed. */
async function runGpg(args: string[], input: Uint8Array | undefined, what: string): Promise<Uint8Array> {
  const gpg = await gpgProgram();
  const r = await runProcess([gpg, ...args], {
    cwd: process.cwd(),
    streams: "capture",
    input: input ?? new Uint8Array(0),
    timeoutSeconds: GPG_TIMEOUT_SECONDS,
    captureLimitBytes: GPG_MAX_OUTPUT,
  });
  if (r.kind === "not-started") throw new InputError(`${what}: running ${gpg} failed: ${r.message}`);
  if (r.kind === "timed-out") throw new InputError(`${what}: ${gpg} ${args.join(" ")} did not finish within ${GPG_TIMEOUT_SECONDS} s`);
  if (r.returnValue !== 0 || r.stdout.droppedBytes > 0) {
    const stderr = r.stderr.text.trim().split("\n").slice(-5).join("\n");
    const why = r.returnValue !== 0 ? `exited with ${r.returnValue}` : `wrote more than ${GPG_MAX_OUTPUT} bytes`;
    throw new InputError(`${what}: ${gpg} ${args.join(" ")} ${why}${stderr ? `:\n${stderr}` : ""}`);
  }
  return r.stdout.bytes;
}

function checkKeyid(keyid: string, option: string): void {
  if (!KEYID.test(keyid)) throw new InputError(`${option} '${keyid}' is not an OpenPGP keyid or fingerprint (hexadecimal, e.g. 8465A1E2E0FB2B40ADB2478E18FB3F537E0C8A17)`);
}

const homeArgs = (home: string | undefined) => (home ? ["--homedir", home] : []);

/**
 * The public key `keyid` (a fingerprint or keyid of the key or one of its subkeys) exported from the
 * GnuPG home `home` (default: gpg's own), in securesystemslib's shape, as 1.3.1's `--gpg` reads it.
 */
export async function exportGpgKey(keyid: string, home: string | undefined): Promise<PublicKey> {
  checkKeyid(keyid, "--gpg");
  const data = await runGpg([...homeArgs(home), "--export", keyid], undefined, `cannot export GPG key ${keyid}`);
  if (data.length === 0) throw new InputError(`GPG key ${keyid} is not in the keyring${home ? ` of --gpg-home '${home}'` : ""}; check the fingerprint (gpg --list-keys)`);
  const key = await readGpgPublicKey(data, keyid);
  if (!key.ok) throw new InputError(`GPG key ${keyid}: ${key.error.message}`);
  return key.value;
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
  const args = ["--detach-sign", "--digest-algo", "SHA256", ...(keyid ? ["--local-user", keyid] : []), ...homeArgs(home)];
  const out = await runGpg(args, bytes, `cannot sign with GPG key ${keyid ?? "(default)"}`);
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

// The `gpg` binary, run the way securesystemslib 0.26 runs it for in-toto 1.3.1
// (gpg/constants.py): keys come from `gpg [--homedir DIR] --export KEYID`, signatures from
// `gpg --detach-sign …` (the CLI's gpg.ts builds those arguments). The program is $GNUPG when set,
// else gpg2 when present, else gpg. Every run goes through the one process runner, bounded in time
// and output; parsing is the engine's (openpgp). Failures are values: sentences for the user.
import { err, ok, type PublicKey, type Result, readGpgPublicKey } from "@totem/engine";
import { runProcess } from "./run-process.js";

/** Seconds a gpg run may take (signing may wait for gpg-agent to start). */
const GPG_TIMEOUT_SECONDS = 60;
/** Bytes of output kept from gpg: an exported key with its signatures is far smaller. */
const GPG_MAX_OUTPUT = 16 * 1024 * 1024;
/** securesystemslib's KEYID_SCHEMA: hex (a fingerprint, or a long or short keyid). */
const KEYID = /^[0-9a-fA-F]+$/;

let program: string | undefined;

/** The gpg program securesystemslib would use: $GNUPG, else gpg2, else gpg (found once, then kept). */
async function gpgProgram(): Promise<Result<string, string>> {
  if (program) return ok(program);
  const candidates = process.env.GNUPG ? [process.env.GNUPG] : ["gpg2", "gpg"];
  for (const c of candidates) {
    const r = await runProcess([c, "--version"], { cwd: process.cwd(), streams: "ignore", timeoutSeconds: 10 });
    if (r.kind === "exited" && r.returnValue === 0) {
      program = c;
      return ok(c);
    }
  }
  return err("GPG support needs the gpg program (GnuPG 2.1 or newer); install it (Debian: apt-get install gnupg) or set GNUPG to its path");
}

/**
 * Runs gpg with `args` (and `input` on its standard input): its output bytes, or a sentence saying
 * `what` failed — gpg missing, not started, timed out, a non-zero exit (with its last lines of
 * standard error) or more output than the cap.
 */
export async function runGpg(args: readonly string[], input: Uint8Array | undefined, what: string): Promise<Result<Uint8Array, string>> {
  const gpg = await gpgProgram();
  if (!gpg.ok) return gpg;
  const r = await runProcess([gpg.value, ...args], {
    cwd: process.cwd(),
    streams: "capture",
    input: input ?? new Uint8Array(0),
    timeoutSeconds: GPG_TIMEOUT_SECONDS,
    captureLimitBytes: GPG_MAX_OUTPUT,
  });
  if (r.kind === "not-started") return err(`${what}: running ${gpg.value} failed: ${r.message}`);
  if (r.kind === "timed-out") return err(`${what}: ${gpg.value} ${args.join(" ")} did not finish within ${GPG_TIMEOUT_SECONDS} s`);
  if (r.returnValue !== 0 || r.stdout.droppedBytes > 0) {
    const stderr = r.stderr.text.trim().split("\n").slice(-5).join("\n");
    const why = r.returnValue !== 0 ? `exited with ${r.returnValue}` : `wrote more than ${GPG_MAX_OUTPUT} bytes`;
    return err(`${what}: ${gpg.value} ${args.join(" ")} ${why}${stderr ? `:\n${stderr}` : ""}`);
  }
  return ok(r.stdout.bytes);
}

/** Why `keyid` (given as `option`) is not an OpenPGP keyid or fingerprint, or undefined when it is one. */
export function gpgKeyidProblem(keyid: string, option: string): string | undefined {
  return KEYID.test(keyid) ? undefined : `${option} '${keyid}' is not an OpenPGP keyid or fingerprint (hexadecimal, e.g. 8465A1E2E0FB2B40ADB2478E18FB3F537E0C8A17)`;
}

/** gpg's arguments selecting the GnuPG home `home` (none: gpg's own). */
export const gpgHomeArgs = (home: string | undefined): string[] => (home ? ["--homedir", home] : []);

/**
 * The public key `keyid` (a fingerprint or keyid of the key or one of its subkeys) exported from the
 * GnuPG home `home` (default: gpg's own), in securesystemslib's shape, as 1.3.1's `--gpg` reads it;
 * or why not. `given` names where the keyid came from in messages (a flag, or a policy's fingerprint).
 */
export async function exportGpgKey(keyid: string, home: string | undefined, given = "--gpg"): Promise<Result<PublicKey, string>> {
  const problem = gpgKeyidProblem(keyid, given);
  if (problem !== undefined) return err(problem);
  const data = await runGpg([...gpgHomeArgs(home), "--export", keyid], undefined, `cannot export GPG key ${keyid}`);
  if (!data.ok) return data;
  if (data.value.length === 0) return err(`GPG key ${keyid} is not in the keyring${home ? ` of the GnuPG home '${home}'` : ""}; check the fingerprint (gpg --list-keys)`);
  const key = await readGpgPublicKey(data.value, keyid);
  return key.ok ? key : err(`GPG key ${keyid}: ${key.error.message}`);
}

// Private keys given on the command line (--key): read, decrypted with a password from the
// environment or a terminal prompt, and turned into engine signers. Never prints key material.
import { type PrivateKeyMaterial, type Target, parsePrivateKey, weakKeyProblem } from "@totem/engine";
import { InputError } from "./errors.js";
import { readText, userPath } from "./io.js";
import type { Io } from "./program.js";

/** A private key ready to sign, with the path it came from (for messages). */
export interface Signer {
  /** Path as the user gave it. */
  path: string;
  /** The parsed key. */
  key: PrivateKeyMaterial;
}

/**
 * The password for encrypted keys: the environment variable `passwordEnv` when set, else undefined
 * (commands ask on a terminal only when a key turns out to need one). `--password` on the command line
 * is deliberately not offered: other users can read a process's arguments.
 */
export function passwordFromEnv(io: Io, passwordEnv: string): string | undefined {
  return io.env[passwordEnv];
}

/** Reads and decrypts one private key; throws InputError with the engine's explanation. */
export async function loadSigner(file: string, io: Io, passwordEnv: string): Promise<Signer> {
  const { path, shown } = userPath(io.cwd, file);
  const text = readText(path, "private key", shown, "key");
  let password = passwordFromEnv(io, passwordEnv);
  let parsed = parsePrivateKey(text, { password });
  if (!parsed.ok && parsed.error.code === "key-wrong-password" && password === undefined && io.promptPassword) {
    password = await io.promptPassword(`Password for ${shown}: `);
    if (password !== undefined) parsed = parsePrivateKey(text, { password });
  }
  if (!parsed.ok) {
    const hint =
      parsed.error.code === "key-wrong-password" && password === undefined
        ? ` (set ${passwordEnv} to its password)`
        : "";
    throw new InputError(`cannot use private key '${shown}': ${parsed.error.message}${hint}`);
  }
  const weak = weakKeyProblem(parsed.value.public);
  if (weak !== undefined) io.stderr.write(`totem: warning: signing with '${shown}': ${weak}\n`);
  return { path: shown, key: parsed.value };
}

/** Loads every --key in order. */
export async function loadSigners(files: readonly string[], io: Io, passwordEnv: string): Promise<Signer[]> {
  const signers: Signer[] = [];
  for (const file of files) signers.push(await loadSigner(file, io, passwordEnv));
  return signers;
}

/** The keyids the signers sign under for a target (in-toto 1.3 and modern keyids differ). */
export function signerKeyids(signers: readonly Signer[], target: Target): string[] {
  return signers.map((s) => s.key.public.keyid(target));
}

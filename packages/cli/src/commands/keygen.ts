// `totem keygen NAME`: a new key pair in NAME (private, mode 0600) and NAME.pub. Never overwrites,
// and the two files appear together or not at all (write-files.ts createExclusiveAll). Prints the
// keyids for both targets, never the private key.
import { RSA_BITS, generateKeyPair } from "@totem/engine";
import { type Command, Option } from "commander";
import { InputError, UsageError } from "../errors.js";
import { userPath } from "../io.js";
import { createExclusiveAll, entryExists } from "../write-files.js";
import { intOption, ioOf } from "../program.js";

type KeyType = "ed25519" | "rsa" | "ecdsa";
type KeyFormat = "pem" | "securesystemslib";

/**
 * The format written when --format is not given: what in-toto 1.3.1's own tools read for that type
 * (securesystemslib JSON for ed25519 and ecdsa, PEM for RSA), so `in-toto-run --key` takes the file.
 */
export function defaultFormat(type: KeyType): KeyFormat {
  return type === "rsa" ? "pem" : "securesystemslib";
}

const EXAMPLES = `
Examples:
  $ totem keygen keys/alice                       ed25519, securesystemslib JSON (in-toto 1.3.1 reads it)
  $ totem keygen keys/owner --type rsa --bits 3072
  $ TOTEM_KEY_PASSWORD=… totem keygen keys/bob --type ecdsa --encrypt

Writes NAME (private key, mode 0600) and NAME.pub; refuses when either exists.
Exit codes: 0 written, 2 bad flag, existing file, or missing password for --encrypt.
`;

interface KeygenFlags {
  type: KeyType;
  format?: KeyFormat;
  bits?: number;
  encrypt?: boolean;
  passwordEnv: string;
}

/** Registers `totem keygen`. */
export function register(program: Command): void {
  program
    .command("keygen")
    .description("generate a key pair: NAME (private, 0600) and NAME.pub; prints the keyids")
    .argument("<name>", "path of the private key file; the public key goes to NAME.pub")
    .addOption(new Option("-t, --type <type>", "key type").choices(["ed25519", "rsa", "ecdsa"]).default("ed25519"))
    .addOption(
      new Option("--format <format>", "file format (default: securesystemslib for ed25519/ecdsa, pem for rsa)").choices([
        "pem",
        "securesystemslib",
      ]),
    )
    .option("--bits <n>", "RSA modulus size (default 3072)", intOption("--bits"))
    .option("--encrypt", "encrypt the private key with the password in --password-env")
    .option("--password-env <var>", "environment variable holding the password for --encrypt", "TOTEM_KEY_PASSWORD")
    .addHelpText("after", EXAMPLES)
    .action(async (name: string, opts: KeygenFlags, cmd: Command) => {
      const io = ioOf(cmd);
      if (opts.bits !== undefined && opts.type !== "rsa") throw new UsageError("--bits applies only to --type rsa");
      if (opts.bits !== undefined && (opts.bits < RSA_BITS.min || opts.bits > RSA_BITS.max)) {
        throw new UsageError(`--bits must be between ${RSA_BITS.min} and ${RSA_BITS.max}, got ${opts.bits}`);
      }
      let password: string | undefined;
      if (opts.encrypt) {
        password = io.env[opts.passwordEnv] ?? (await io.promptPassword?.("Password for the new key: "));
        if (!password) {
          throw new UsageError(`--encrypt needs a password: set ${opts.passwordEnv} (or run on a terminal to be asked)`);
        }
      }
      const priv = userPath(io.cwd, name);
      const pub = { path: `${priv.path}.pub`, shown: `${priv.shown}.pub` };
      for (const p of [priv, pub]) {
        if (entryExists(p.path)) throw new InputError(`${p.shown} already exists; keygen never overwrites keys`);
      }
      const format = opts.format ?? defaultFormat(opts.type);
      const pair = generateKeyPair(opts.type, format, { bits: opts.bits, password });
      // Both files or neither: a private key without its .pub would make the next keygen refuse.
      createExclusiveAll([
        { ...priv, data: pair.privateText, mode: 0o600 },
        { ...pub, data: pair.publicText, mode: 0o644 },
      ]);
      io.stderr.write(
        `wrote ${priv.shown} (private, ${opts.type}, ${format}${password ? ", encrypted" : ""}) and ${pub.shown}\n`,
      );
      io.stdout.write(`keyid (in-toto-1.3): ${pair.keyid13}\nkeyid (in-toto):     ${pair.keyidModern}\n`);
    });
}

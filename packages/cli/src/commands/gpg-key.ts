// `totem gpg-key KEYID`: writes a GPG functionary's key file — the key object in-toto 1.3.1 puts in a
// layout for `Layout.add_functionary_key_from_gpg_keyid` (securesystemslib's export_pubkey shape,
// docs/formats.md) — from a GnuPG home (`gpg --export`) or an exported key file (armored or binary).
// A policy names it like any key file: `functionary alice key "keys/alice.gpg.json"`.
import { gpgKeyToJson, isGpgKey } from "@totem/engine";
import { readKeyringKey } from "@totem/node-io";
import type { Command } from "commander";
import { InputError, UsageError } from "../errors.js";
import { exportGpgKey } from "../gpg.js";
import { resolveFrom, userPath } from "../io.js";
import { ioOf } from "../program.js";
import { createExclusiveAll, entryExists } from "../write-files.js";

const EXAMPLES = `
Examples:
  $ totem gpg-key 8465A1E2E0FB2B40ADB2478E18FB3F537E0C8A17 -o keys/alice.gpg.json
  $ totem gpg-key 8465A1E2E0FB2B40ADB2478E18FB3F537E0C8A17 --gpg-home ~/.gnupg -o keys/alice.gpg.json
  $ totem gpg-key 8465A1E2 --from alice.asc                    prints the key file

KEYID is a fingerprint (or keyid) of the key or of one of its subkeys; the file holds the master key
with the subkeys securesystemslib 0.26 finds bound to it. Refuses to overwrite -o.
Exit codes: 0 written, 2 bad flag, gpg failure, key not found or unreadable.
`;

interface GpgKeyFlags {
  gpgHome?: string;
  from?: string;
  output?: string;
}

/** Registers `totem gpg-key`. */
export function register(program: Command): void {
  program
    .command("gpg-key")
    .description("write a GPG functionary's key file (securesystemslib's GPG key JSON) from a GnuPG home or an exported key")
    .argument("<keyid>", "the key's fingerprint or keyid (or a subkey's)")
    .option("--gpg-home <dir>", "the GnuPG home directory to export from (default: gpg's own)")
    .option("--from <path>", "read the key from this exported key file or keyring (gpg --export [--armor]), or GnuPG home, as a policy's `key gpg … from` does")
    .option("-o, --output <file>", "write the key file here (default: standard output)")
    .addHelpText("after", EXAMPLES)
    .action(async (keyid: string, opts: GpgKeyFlags, cmd: Command) => {
      const io = ioOf(cmd);
      if (opts.from !== undefined && opts.gpgHome !== undefined) throw new UsageError("--from and --gpg-home are exclusive");
      let key: Awaited<ReturnType<typeof exportGpgKey>>;
      if (opts.from !== undefined) {
        // The reading a policy's `key gpg "FPR" from "PATH"` gets: a key file or keyring (bounded), or a GnuPG home.
        const from = userPath(io.cwd, opts.from);
        const read = await readKeyringKey(from.path, keyid);
        if (read.kind !== "key") throw new InputError(`${from.shown}: ${read.message}`);
        key = read.key;
      } else {
        key = await exportGpgKey(keyid, opts.gpgHome === undefined ? undefined : resolveFrom(io.cwd, opts.gpgHome));
      }
      if (!isGpgKey(key)) throw new InputError(`${keyid} is not an OpenPGP key`);
      const text = `${JSON.stringify(gpgKeyToJson(key), null, 2)}\n`;
      if (opts.output === undefined) {
        io.stdout.write(text);
        return;
      }
      const out = userPath(io.cwd, opts.output);
      if (entryExists(out.path)) throw new UsageError(`${out.shown} already exists; remove it first`);
      createExclusiveAll([{ path: out.path, data: text, mode: 0o644, shown: out.shown }]);
      io.stderr.write(`wrote ${out.shown}: GPG key ${key.keyid} (${key.scheme}), ${Object.keys(key.gpg.subkeys ?? {}).length} subkeys\n`);
    });
}

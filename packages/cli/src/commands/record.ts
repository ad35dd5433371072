// `totem record start|stop`: record a step whose work happens between two commands (e.g. edits by
// hand), as in-toto-record does: `start` hashes the materials into a signed
// `.<step>.<keyid8>.link-unfinished`; `stop` checks that file's signature, hashes the products and
// writes `<step>.<keyid8>.link` (command `[]`, byproducts `{}`, SPEC-NOTES §3), then removes it.
import { readdirSync, rmSync } from "node:fs";
import { artifactCount, buildLink, checkEnvelopeSignature, describeLoadError, linkFileName, loadEnvelope, unfinishedLinkFileFor } from "@totem/engine";
import type { Command } from "commander";
import { InputError } from "../errors.js";
import { exportGpgKey, writeGpgLink } from "../gpg.js";
import { type UserPath, foundIn, inside, readBytes, resolveFrom, userPath } from "../io.js";
import { ioOf } from "../program.js";
import { artifactOptions, loadRecordingSigner, type RecordFlags, recordArtifacts, recordingOptions, writeLink } from "./run.js";

const EXAMPLES = `
Examples:
  $ totem record start --step edit --key keys/alice -m src
  $ vi src/main.c
  $ totem record stop --step edit --key keys/alice -p src
  $ totem record start -n edit -k keys/alice --base-path work --lstrip-paths src/ -m src docs

start writes .<step>.<keyid8>.link-unfinished; stop turns it into <step>.<keyid8>.link.
As in in-toto-record 1.3.1, start has -m and stop has -p; both have --exclude, --base-path and
--lstrip-paths (each half uses its own).
Exit codes: 0 recorded; 2 bad flag, unreadable key, or stop without a matching start.
`;

/** What both halves need: io, artifact options, the signer, the metadata directory. */
async function setUp(flags: RecordFlags, cmd: Command, what: string) {
  const io = ioOf(cmd);
  const options = artifactOptions(flags, io, what);
  // --gpg signs through the gpg program (gpg.ts), as in-toto-record --gpg does.
  const signer = flags.gpg === undefined ? await loadRecordingSigner(flags, io) : undefined;
  return { io, options, signer, dir: userPath(io.cwd, flags.metadataDirectory) };
}

const gpgKeyid = (flags: RecordFlags) => (flags.gpg === true ? undefined : flags.gpg);

/**
 * `record stop --gpg`, as in-toto-record 1.3.1 does it (runlib.py in_toto_record_stop): the unfinished
 * link is the one `.<step>.*.link-unfinished` file; the key is exported by --gpg's keyid (or, for
 * gpg's default key, by the unfinished link's signature keyid); the finished link is signed with that
 * key and named after its master fingerprint.
 */
async function stopWithGpg(flags: RecordFlags, io: ReturnType<typeof ioOf>, options: ReturnType<typeof artifactOptions>, dir: UserPath): Promise<void> {
  // in-toto-record's glob `.<step>.*.link-unfinished` (unfinishedLinkFileFor's names).
  const [head, tail] = [`.${flags.step}.`, ".link-unfinished"];
  const candidates = readdirSync(dir.path).filter((n) => n.startsWith(head) && n.endsWith(tail) && n.length > head.length + tail.length);
  if (candidates.length !== 1) {
    throw new InputError(
      candidates.length === 0
        ? `no unfinished link for step "${flags.step}" in ${dir.shown}; run \`totem record start\` first`
        : `several unfinished links for step "${flags.step}": ${candidates.join(", ")}; remove all but one`,
    );
  }
  const { path: unfinished, shown } = inside(dir, candidates[0] as string);
  const loaded = loadEnvelope(readBytes(unfinished, "unfinished link", shown), { expect: "link" });
  if (!loaded.ok) throw new InputError(`cannot read '${shown}': ${describeLoadError(loaded.error)}`);
  const wanted = gpgKeyid(flags) ?? loaded.value.signatures[0]?.keyid;
  if (wanted === undefined) throw new InputError(`'${shown}' has no signature; start the step again`);
  const key = await exportGpgKey(wanted, flags.gpgHome === undefined ? undefined : resolveFrom(io.cwd, flags.gpgHome));
  if (loaded.value.type !== "link" || checkEnvelopeSignature(loaded.value, key.keyid, key) !== "valid") {
    throw new InputError(`'${shown}' is not signed by GPG key ${key.keyid}; start the step again with the same --gpg`);
  }
  const products = recordArtifacts(flags.products ?? [], options);
  const link = buildLink({ name: flags.step, materials: loaded.value.link.materials, products });
  const path = await writeGpgLink(link, key.keyid, flags.gpgHome, dir.path, io.cwd, () => linkFileName(flags.step, key.keyid));
  rmSync(unfinished, { force: true });
  io.stderr.write(`totem: recorded step "${flags.step}": ${artifactCount(link.materials)} materials, ${artifactCount(products)} products → ${foundIn(dir, path).shown}\n`);
}

/** Registers `totem record start` and `totem record stop`. */
export function register(program: Command): void {
  const record = program
    .command("record")
    .description("record a step in two halves: materials at start, products at stop")
    .addHelpText("after", EXAMPLES);

  const start = recordingOptions(record.command("start"), { materials: true, products: false })
    .description("hash the materials and write the signed unfinished link")
    .action(async (flags: RecordFlags, cmd: Command) => {
      const { io, options, signer, dir } = await setUp(flags, cmd, "materials");
      const materials = recordArtifacts(flags.materials ?? [], options);
      const link = buildLink({ name: flags.step, materials, products: {} });
      const path = signer
        ? writeLink(link, signer, flags.target, dir.path, unfinishedLinkFileFor(flags.step, signer.key.public.keyid(flags.target)))
        : await writeGpgLink(link, gpgKeyid(flags), flags.gpgHome, dir.path, io.cwd, (k) => unfinishedLinkFileFor(flags.step, k));
      io.stderr.write(`totem: started step "${flags.step}": ${Object.keys(materials).length} materials → ${foundIn(dir, path).shown}\n`);
    });

  const stop = recordingOptions(record.command("stop"), { materials: false, products: true })
    .description("hash the products and finish the link started by `record start`")
    .action(async (flags: RecordFlags, cmd: Command) => {
      const { io, options, signer, dir } = await setUp(flags, cmd, "products");
      if (!signer) {
        await stopWithGpg(flags, io, options, dir);
        return;
      }
      const pub = signer.key.public.toLayoutKey(flags.target);
      const { path: unfinished, shown } = inside(dir, unfinishedLinkFileFor(flags.step, pub.keyid));
      const loaded = loadEnvelope(readBytes(unfinished, "unfinished link (run `totem record start` first)", shown), { expect: "link" });
      if (!loaded.ok) throw new InputError(`cannot read '${shown}': ${describeLoadError(loaded.error)}`);
      if (loaded.value.type !== "link" || checkEnvelopeSignature(loaded.value, pub.keyid, pub) !== "valid") {
        throw new InputError(`'${shown}' is not signed by this key; start the step again with the same --key`);
      }
      const products = recordArtifacts(flags.products ?? [], options);
      const link = buildLink({ name: flags.step, materials: loaded.value.link.materials, products });
      const path = writeLink(link, signer, flags.target, dir.path);
      rmSync(unfinished, { force: true });
      io.stderr.write(
        `totem: recorded step "${flags.step}": ${artifactCount(link.materials)} materials, ${artifactCount(products)} products → ${foundIn(dir, path).shown}\n`,
      );
    });

  // The framework configures direct sub-commands only; these are one level deeper.
  for (const sub of [start, stop]) {
    sub.exitOverride();
    sub.configureOutput(program.configureOutput());
    sub.showHelpAfterError(`(see totem record ${sub.name()} --help)`);
  }
}

// `totem run --step N --key K [-m P]... [-p P]... -- CMD...`: hash the materials, run the command,
// hash the products, and write the signed link `<step>.<keyid8>.link` that in-toto-verify 1.3.1
// accepts. The command runs through node-io's runner (its own process group, --timeout, capped
// capture); artifacts are listed and hashed by node-io (shared with `record`, inspections and the LSP).
import { statSync } from "node:fs";
import { join } from "node:path";
import {
  buildLink,
  checkLstripPrefixes,
  createArtifactHasher,
  DEFAULT_EXCLUDES,
  type HashDict,
  type HashOptions,
  isSafeFileStem,
  type KeyType,
  type Link,
  linkFileName,
  linkToJson,
  signMetablockToText,
  TARGETS,
  type Target,
} from "@totem/engine";
import { type ArtifactOptions, CAPTURE_LIMIT_BYTES, formatBytes, KILL_GRACE_MS, type ProcessResult, recordArtifacts as recordFiles, runProcess } from "@totem/node-io";
import { type Command, Option } from "commander";
import { EXIT, InputError, UsageError } from "../errors.js";
import { describeFsError, foundIn, resolveFrom, userPath } from "../io.js";
import { writeFileAtomic } from "../write-files.js";
import { type Io, ioOf, secondsOption, setExit } from "../program.js";
import { loadSigner, type Signer } from "../signing-keys.js";
import { writeGpgLink } from "../gpg.js";

/**
 * Records the artifacts under `paths` as `{path: hashes}` (the materials or products of a link), with
 * node-io's walker and hasher. Throws UsageError when --lstrip-paths would give two artifacts one
 * key, InputError when a file cannot be read.
 */
export function recordArtifacts(paths: readonly string[], opts: ArtifactOptions): Record<string, HashDict> {
  const recorded = recordFiles(paths, opts);
  if (recorded.ok) return recorded.value;
  if (recorded.error.code === "artifact-unreadable") throw new InputError(recorded.error.message);
  throw new UsageError(recorded.error.message);
}

/** Progress on stderr: only on a terminal, or in logs when there are many files. */
export function progressReporter(io: Io, what: string): (done: number, total: number) => void {
  return (done, total) => {
    if (total < 1000 && !io.stderrIsTTY) return;
    if (total < 200) return;
    if (io.stderrIsTTY) io.stderr.write(`\rtotem: hashing ${what}: ${done}/${total} files${done === total ? "\n" : ""}`);
    else if (done === total) io.stderr.write(`totem: hashed ${total} ${what} files\n`);
  };
}

/**
 * Runs the step's command through node-io's runner: its own process group, --timeout (SIGTERM to the
 * group, SIGKILL after the grace), and with -s both streams shown as they come and kept up to
 * CAPTURE_LIMIT_BYTES each; without -s the command has the terminal.
 */
function runStepCommand(argv: readonly string[], io: Io, flags: RunFlags): Promise<ProcessResult> {
  if (flags.recordStreams !== true) return runProcess(argv, { cwd: io.cwd, streams: "inherit", timeoutSeconds: flags.timeout });
  const out = new TextDecoder();
  const err = new TextDecoder();
  return runProcess(argv, {
    cwd: io.cwd,
    streams: "capture",
    timeoutSeconds: flags.timeout,
    echo: { stdout: (c) => io.stdout.write(out.decode(c, { stream: true })), stderr: (c) => io.stderr.write(err.decode(c, { stream: true })) },
  });
}

/** The byproducts a recording adds when a stream was longer than the cap: how many bytes were dropped. */
function droppedBytes(ran: Extract<ProcessResult, { kind: "exited" }>, io: Io): Record<string, number> {
  const notes: Record<string, number> = {};
  for (const name of ["stdout", "stderr"] as const) {
    const dropped = ran[name].droppedBytes;
    if (dropped === 0) continue;
    notes[`${name}-dropped-bytes`] = dropped;
    io.stderr.write(
      `totem: the command's ${name} was longer than ${formatBytes(CAPTURE_LIMIT_BYTES)}: the link keeps the first ${formatBytes(CAPTURE_LIMIT_BYTES)} and records the ${dropped} bytes dropped as "${name}-dropped-bytes"\n`,
    );
  }
  return notes;
}

/** Signs a link for the signer and writes it atomically (0644) into dir; returns the file path. */
export function writeLink(link: Link, signer: Signer, target: Target, dir: string, fileName?: string): string {
  const { text } = signMetablockToText(linkToJson(link), [signer.key], target);
  const path = join(dir, fileName ?? linkFileName(link.name, signer.key.public.keyid(target)));
  writeFileAtomic(path, text, 0o644);
  return path;
}

/**
 * Refuses, before anything is hashed or run, a step name that cannot be a file name (`-n ../evil`
 * would write the link outside -d; the same check as every name from a layout, isSafeFileStem) and a
 * -d that is not a directory. Throws UsageError.
 */
function checkLinkDestination(flags: RecordFlags, io: Io): void {
  if (!isSafeFileStem(flags.step)) {
    throw new UsageError(`the step name ${JSON.stringify(flags.step)} holds a path separator or NUL, so it cannot name a link file`);
  }
  const dir = resolveFrom(io.cwd, flags.metadataDirectory);
  let st: import("node:fs").Stats | undefined;
  try {
    st = statSync(dir, { throwIfNoEntry: false });
  } catch (error) {
    throw new UsageError(`-d '${flags.metadataDirectory}' cannot be used: ${describeFsError(error)}`);
  }
  if (st === undefined) throw new UsageError(`-d '${flags.metadataDirectory}' does not exist; create the directory first`);
  if (!st.isDirectory()) throw new UsageError(`-d '${flags.metadataDirectory}' is not a directory`);
}

/** Flags shared by `run` and `record`. */
export interface RecordFlags {
  step: string;
  key: string;
  /** -g/--gpg: sign with gpg, with this keyid or (the flag alone) gpg's default key; instead of --key. */
  gpg?: true | string;
  gpgHome?: string;
  materials?: string[];
  products?: string[];
  exclude?: string[];
  basePath?: string;
  lstripPaths?: string[];
  keyType?: KeyType;
  normalizeLineEndings?: boolean;
  algorithm?: string[];
  target: Target;
  metadataDirectory: string;
  passwordEnv: string;
}

const collect = (v: string, acc: string[] = []) => [...acc, v];

/**
 * Adds the options `run` and `record` share. `-m/--materials`, `-p/--products`, `--exclude` and
 * `--lstrip-paths` take several values as in-toto-run 1.3.1's (argparse nargs='+'), and may also be
 * repeated (the values add up; argparse would keep the last). `record start` has only materials and
 * `record stop` only products, as in-toto-record.
 */
export function recordingOptions(cmd: Command, artifacts: { materials: boolean; products: boolean }): Command {
  cmd
    .option("-n, --step <name>", "the step name (the link is <step>.<keyid8>.link)")
    .addOption(new Option("--step-name <name>", "in-toto-run's spelling of --step").hideHelp())
    .hook("preAction", (c) => {
      const { step, stepName } = c.opts<{ step?: string; stepName?: string }>();
      if (step !== undefined && stepName !== undefined) throw new UsageError("give the step name once: --step or --step-name");
      if (step === undefined && stepName === undefined) throw new UsageError("required option '-n, --step <name>' not specified");
      if (step === undefined) c.setOptionValue("step", stepName);
      const { key, gpg } = c.opts<{ key?: string; gpg?: unknown }>();
      if ((key === undefined) === (gpg === undefined)) throw new UsageError("sign with one of -k/--key or -g/--gpg");
      checkLinkDestination(c.opts<RecordFlags>(), ioOf(c));
    })
    .option("-k, --key <private-key>", "the functionary's private key (or --gpg)")
    .option("-g, --gpg [keyid]", "sign with a GPG key from the keyring (its fingerprint), or gpg's default key; the link is named after the signing (sub)key (in-toto-run --gpg)")
    .option("--gpg-home <dir>", "the GnuPG home directory for --gpg (default: gpg's own)")
    .addOption(
      new Option("-t, --key-type <type>", "the key's type, as in-toto-run -t (Totem reads it from the file; a different one is an error)").choices([
        "ed25519",
        "rsa",
        "ecdsa",
      ]),
    );
  if (artifacts.materials) cmd.option("-m, --materials <paths...>", "files or directories to record as materials (in-toto-run -m)");
  if (artifacts.products) cmd.option("-p, --products <paths...>", "files or directories to record as products (in-toto-run -p)");
  return cmd
    .option("--exclude <patterns...>", "gitignore-style patterns to leave out (replace the defaults *.link*, .git, *.pyc, *~)")
    .option("--base-path <dir>", "record artifacts relative to this directory (the command still runs here)")
    .option("--lstrip-paths <prefixes...>", "strip the first of these prefixes each recorded path starts with")
    .option("--normalize-line-endings", "hash text with CRLF and CR turned into LF (in-toto library option)")
    .option("--algorithm <name>", "hash algorithm (repeatable; default sha256)", collect)
    .addOption(new Option("--target <target>", "keyid form of the signature and file name").choices(TARGETS).default("in-toto-1.3"))
    .option("-d, --metadata-directory <dir>", "where to write the link", ".")
    .option("--password-env <var>", "environment variable holding the password of an encrypted key", "TOTEM_KEY_PASSWORD");
}

/** The artifact options for flags. */
export function artifactOptions(flags: RecordFlags, io: Io, what: string): ArtifactOptions {
  const hash: HashOptions = { normalizeLineEndings: flags.normalizeLineEndings === true, ...(flags.algorithm ? { algorithms: flags.algorithm } : {}) };
  const bad = createArtifactHasher(hash);
  if (typeof bad === "string") throw new UsageError(`--algorithm '${bad}' is not one in-toto knows (md5, sha1, sha224, sha256, sha384, sha512, blake2s, blake2b, blake2b-256)`);
  const prefixes = checkLstripPrefixes(flags.lstripPaths ?? []);
  if (!prefixes.ok) throw new UsageError(prefixes.error.message);
  return {
    cwd: flags.basePath === undefined ? io.cwd : basePath(io.cwd, flags.basePath),
    excludes: flags.exclude ?? DEFAULT_EXCLUDES,
    hash,
    ...(prefixes.value.length > 0 ? { lstripPaths: prefixes.value } : {}),
    progress: progressReporter(io, what),
  };
}

/** Loads --key and checks it against --key-type when given. */
export async function loadRecordingSigner(flags: RecordFlags, io: Io): Promise<Signer> {
  const signer = await loadSigner(flags.key, io, flags.passwordEnv);
  const type = signer.key.public.keytype;
  if (flags.keyType !== undefined && flags.keyType !== type) {
    throw new UsageError(`--key-type ${flags.keyType}: '${signer.path}' is an ${type} key`);
  }
  return signer;
}

/** The absolute --base-path; 1.3.1 chdirs there to record, so it must be a directory. */
function basePath(cwd: string, dir: string): string {
  const abs = resolveFrom(cwd, dir);
  let isDir = false;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    // reported below, as for a file
  }
  if (!isDir) throw new UsageError(`--base-path '${dir}' is not a directory`);
  return abs;
}

const EXAMPLES = `
Examples:
  $ totem run --step build --key keys/carl -m src -p dist -- make dist
  $ totem run -n clone -k keys/bob -p demo-project -- git clone https://example.org/demo-project.git
  $ totem run -n test -k keys/ci.pem -m . --exclude 'node_modules/' '*.log' --record-streams -- npm test
  $ totem run -n package -k keys/carl --base-path build -m src -p dist --lstrip-paths dist/ -- make package
  $ totem run -n review -k keys/alice -t ed25519 -m docs -x

Options take in-toto-run 1.3.1's spellings, so its command lines work unchanged: -m/-p/--exclude/
--lstrip-paths take several values (or repeat them), --base-path, --step-name, -t/--key-type, -x.

Writes <step>.<keyid8>.link (mode 0644, atomically) into --metadata-directory.
Exit codes: 0 recorded and the command exited 0; 1 recorded but the command exited non-zero;
2 bad flag, unreadable key, or the command could not be started.
`;

/** Runs `record` once the command has run: a UsageError then also says that no link was written. */
function afterCommand<T>(record: () => T): T {
  try {
    return record();
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(error.message, "totem: the command ran, but no link was written");
    throw error;
  }
}

/** The flags of `totem run`: the recording ones, -x (commander names --no-command `command: false`), -s, --timeout. */
interface RunFlags extends RecordFlags {
  command?: boolean;
  recordStreams?: boolean;
  timeout?: number;
  /** --attest: an in-toto Statement (link predicate v0.3) in DSSE instead of a link (run-attest.ts). */
  attest?: boolean;
}

/** Registers `totem run`. */
export function register(program: Command): void {
  recordingOptions(program.command("run"), { materials: true, products: true })
    .description("record a step: hash materials, run the command, hash products, write the signed link")
    .argument("[command...]", "the command to run (after --)")
    .option("-x, --no-command", "record without running a command (a sign-off step): command [] and byproducts {}")
    .option("-s, --record-streams", "record stdout and stderr in the link's byproducts")
    .option("--attest", "write <step>.<keyid8>.json, a DSSE-signed in-toto Statement with the link predicate v0.3, instead of the link (docs/attestations.md)")
    .option("--timeout <seconds>", "stop the command after this many seconds: SIGTERM to its process group, SIGKILL 2 s later; no link is written (in-toto-run stops commands after 10 s)", secondsOption("--timeout"))
    .addHelpText("after", EXAMPLES)
    .action(async (command: string[], flags: RunFlags, cmd: Command) => {
      const io = ioOf(cmd);
      if (flags.command === false && command.length > 0) throw new UsageError("-x/--no-command and a command: give one of them");
      if (flags.command !== false && command.length === 0) throw new UsageError("no command to run: give it after --, or -x to record without one");
      const options = artifactOptions(flags, io, "materials");
      if (flags.attest && flags.gpg !== undefined) throw new UsageError("--attest signs with --key only (DSSE), not with --gpg");
      const signer = flags.gpg === undefined ? await loadRecordingSigner(flags, io) : undefined;
      const materials = recordArtifacts(flags.materials ?? [], options);
      const ran = flags.command === false ? undefined : await runStepCommand(command, io, flags);
      if (ran?.kind === "not-started") throw new InputError(`cannot run ${JSON.stringify(command)}: ${ran.message}`);
      if (ran?.kind === "timed-out") {
        // As in-toto-run 1.3.1 (TimeoutExpired, exit 1): a command that did not finish records nothing.
        io.stderr.write(
          `totem: the command did not finish within ${ran.timeoutSeconds} s, so its process group was stopped (SIGTERM${ran.killed ? `, then SIGKILL after ${KILL_GRACE_MS / 1000} s` : ""}); no link was written\n`,
        );
        setExit(cmd, EXIT.FAILED);
        return;
      }
      const products = afterCommand(() => recordArtifacts(flags.products ?? [], { ...options, progress: progressReporter(io, "products") }));
      const link = buildLink({
        name: flags.step,
        materials,
        products,
        ...(ran && {
          command,
          returnValue: ran.returnValue,
          stdout: ran.stdout.text,
          stderr: ran.stderr.text,
        }),
      });
      if (ran) Object.assign(link.byproducts, droppedBytes(ran, io));
      const dir = userPath(io.cwd, flags.metadataDirectory);
      const path = signer
        ? flags.attest
          ? (await import("./run-attest.js")).writeAttestation(link, signer, flags.target, dir.path)
          : writeLink(link, signer, flags.target, dir.path)
        : await writeGpgLink(link, flags.gpg === true ? undefined : flags.gpg, flags.gpgHome, dir.path, io.cwd);
      io.stderr.write(
        `totem: recorded step "${flags.step}": ${Object.keys(materials).length} materials, ${Object.keys(products).length} products → ${foundIn(dir, path).shown}\n`,
      );
      if (ran && ran.returnValue !== 0) {
        io.stderr.write(`totem: the command exited with ${ran.returnValue}${ran.returnValue < 0 ? ` (killed by signal ${-ran.returnValue})` : ""}; the link records it\n`);
        setExit(cmd, EXIT.FAILED);
      }
    });
}

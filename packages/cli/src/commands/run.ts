// `totem run --step N --key K [-m P]... [-p P]... -- CMD...`: hash the materials, run the command,
// hash the products, and write the signed link `<step>.<keyid8>.link` that in-toto-verify 1.3.1
// accepts. Also the artifact walker `record` and `verify` (inspections) share: the I/O half of
// recording; the engine's record/ module is the pure half (paths, excludes, hashing, link shape).
import { spawn } from "node:child_process";
import { closeSync, openSync, readdirSync, readSync, realpathSync, statSync } from "node:fs";
import { constants } from "node:os";
import { join, resolve } from "node:path";
import {
  artifactKey,
  buildLink,
  checkLstripPrefixes,
  compileExcludes,
  createArtifactHasher,
  DEFAULT_EXCLUDES,
  type HashDict,
  type HashOptions,
  hashArtifact,
  isSafeFileStem,
  type KeyType,
  type Link,
  linkFileName,
  linkToJson,
  lstripPaths,
  normpath,
  signMetablockToText,
  TARGETS,
  type Target,
} from "@totem/engine";
import { type Command, Option } from "commander";
import { EXIT, InputError, UsageError } from "../errors.js";
import { describeFsError, displayPath, resolveFrom } from "../io.js";
import { writeFileAtomic } from "../write-files.js";
import { type Io, intOption, ioOf, setExit } from "../program.js";
import { loadSigner, type Signer } from "../signing-keys.js";

/** How artifacts are recorded. */
export interface ArtifactOptions {
  /** Directory relative artifact paths resolve against (their keys stay relative). */
  cwd: string;
  /** gitignore-style patterns; in-toto's defaults unless replaced by --exclude. */
  excludes: readonly string[];
  hash: HashOptions;
  /** `--lstrip-paths`: each key loses the first of these prefixes it starts with (SPEC-NOTES §10). */
  lstripPaths?: readonly string[];
  /** Called while hashing many files (done, total). */
  progress?: (done: number, total: number) => void;
}

interface FileEntry {
  key: string;
  abs: string;
}

/** Excludes compiled once per list: materials and products use the same (minimatch is slow cold). */
const excludeCache = new WeakMap<readonly string[], (path: string) => boolean>();

function compiledExcludes(excludes: readonly string[]): (path: string) => boolean {
  let excluded = excludeCache.get(excludes);
  if (!excluded) {
    excluded = compileExcludes(excludes);
    excludeCache.set(excludes, excluded);
  }
  return excluded;
}

/**
 * Lists the files under the given paths as 1.3.1's record_artifacts_as_dict does (SPEC-NOTES §10):
 * arguments are normpath'ed and filtered by the excludes, directories are walked, excluded
 * directories pruned, only files recorded. Symlinks: a file symlink is hashed under the link's path;
 * a directory symlink is walked under the link's path (1.3.1's CLI follows them); a broken one is
 * skipped. Unlike 1.3.1, a directory reached twice through symlinks (a loop) is walked once.
 */
export function listArtifacts(paths: readonly string[], cwd: string, excludes: readonly string[]): FileEntry[] {
  const excluded = compiledExcludes(excludes);
  const files: FileEntry[] = [];
  const seen = new Set<string>();
  const walk = (rel: string, abs: string) => {
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return; // unreadable directory: nothing to record, as os.walk ignores it
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      // readdir names hold no `/`, `.` or `..`, so joining keeps an already normal path normal.
      const childRel = rel === "." ? e.name : rel.endsWith("/") ? rel + e.name : `${rel}/${e.name}`;
      // abs is absolute and normal (resolve, readdir names), so plain concatenation is path.join.
      const childAbs = abs.endsWith("/") ? abs + e.name : `${abs}/${e.name}`;
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        try {
          const st = statSync(childAbs);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch {
          continue; // broken symlink: skipped, as in 1.3.1
        }
      }
      if (excluded(childRel)) continue;
      if (isDir) walk(childRel, childAbs);
      else if (isFile) files.push({ key: childRel.includes("\\") ? artifactKey(childRel) : childRel, abs: childAbs });
    }
  };
  for (const arg of [...new Set(paths.map(normpath))].sort()) {
    if (excluded(arg)) continue;
    const abs = resolve(cwd, arg);
    let st: import("node:fs").Stats;
    try {
      st = statSync(abs);
    } catch {
      continue; // a path that does not exist is skipped, as in 1.3.1
    }
    if (st.isFile()) files.push({ key: artifactKey(arg), abs });
    else if (st.isDirectory()) walk(arg, abs);
  }
  return files;
}

const CHUNK = 1 << 20;
let buffer: Buffer | undefined;
let view: Buffer | undefined;

/**
 * Hashes one file with reads into one reused buffer. A file smaller than the buffer takes open, one
 * read and close, and one native hash call: for a regular file a read returns less than asked only
 * at its end, so the read that would return 0 is skipped (10k small files: ~35 ms less).
 */
function hashFile(abs: string, hash: HashOptions): HashDict {
  buffer ??= Buffer.allocUnsafe(CHUNK);
  let fd: number;
  try {
    fd = openSync(abs, "r");
  } catch (error) {
    throw new InputError(`cannot read artifact '${abs}': ${(error as Error).message}`);
  }
  let digest: HashDict | string;
  try {
    const n = readSync(fd, buffer, 0, CHUNK, null);
    if (n < CHUNK) {
      // Files of one size (common in a tree of generated files) share one view of the buffer.
      if (view?.length !== n) view = buffer.subarray(0, n);
      digest = hashArtifact(view, hash);
    } else {
      const hasher = createArtifactHasher(hash);
      if (typeof hasher === "string") throw new UsageError(`unsupported hash algorithm '${hasher}'`);
      for (let m = n; m > 0; m = readSync(fd, buffer, 0, CHUNK, null)) hasher.update(buffer.subarray(0, m));
      digest = hasher.digest();
    }
  } finally {
    closeSync(fd);
  }
  if (typeof digest === "string") throw new UsageError(`unsupported hash algorithm '${digest}'`);
  return digest;
}

/** The entries with their keys left-stripped; a collision is a UsageError, thrown before any hashing. */
function stripKeys(files: FileEntry[], prefixes: readonly string[] | undefined): FileEntry[] {
  if (!prefixes || prefixes.length === 0) return files;
  const keys = lstripPaths(
    files.map((f) => f.key),
    prefixes,
  );
  if (!keys.ok) throw new UsageError(keys.error.message);
  return files.map((f, i) => ({ key: keys.value[i] as string, abs: f.abs }));
}

/**
 * Records the artifacts under `paths` as `{path: hashes}` (the materials or products of a link).
 * Throws UsageError when --lstrip-paths would give two artifacts one key.
 */
export function recordArtifacts(paths: readonly string[], opts: ArtifactOptions): Record<string, HashDict> {
  const files = stripKeys(listArtifacts(paths, opts.cwd, opts.excludes), opts.lstripPaths);
  const out: Record<string, HashDict> = {};
  files.forEach((f, i) => {
    out[f.key] = hashFile(f.abs, opts.hash);
    if (opts.progress && (i + 1) % 1000 === 0 && i + 1 < files.length) opts.progress(i + 1, files.length);
  });
  opts.progress?.(files.length, files.length);
  return out;
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

/** What running a command produced. */
export interface CommandOutcome {
  returnValue: number | null;
  stdout: string;
  stderr: string;
}

/** Runs argv in cwd without a shell; streams are captured (and echoed) only when asked. */
export function runCommand(argv: readonly string[], cwd: string, opts: { capture: boolean; timeoutSeconds?: number; io?: Io }): Promise<CommandOutcome | { error: string }> {
  return new Promise((done) => {
    const [file, ...args] = argv;
    if (file === undefined) return done({ error: "the command is empty" });
    const child = spawn(file, args, {
      cwd,
      stdio: opts.capture ? ["inherit", "pipe", "pipe"] : "inherit",
      timeout: opts.timeoutSeconds ? opts.timeoutSeconds * 1000 : undefined,
    });
    const out: Buffer[] = [];
    const errs: Buffer[] = [];
    child.stdout?.on("data", (d: Buffer) => {
      out.push(d);
      opts.io?.stdout.write(d.toString("utf8"));
    });
    child.stderr?.on("data", (d: Buffer) => {
      errs.push(d);
      opts.io?.stderr.write(d.toString("utf8"));
    });
    child.on("error", (e: NodeJS.ErrnoException) =>
      done({ error: e.code === "ENOENT" ? `command not found: ${file}` : e.message }),
    );
    child.on("close", (code, signal) => {
      if (signal === "SIGTERM" && opts.timeoutSeconds) return done({ error: `timed out after ${opts.timeoutSeconds} s` });
      // Killed by a signal: a negative number, as Python's subprocess (and so in-toto-run) records it.
      const returnValue = code ?? (signal ? -(constants.signals[signal] ?? 0) : null);
      done({ returnValue, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(errs).toString("utf8") });
    });
  });
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
      checkLinkDestination(c.opts<RecordFlags>(), ioOf(c));
    })
    .requiredOption("-k, --key <private-key>", "the functionary's private key")
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
}

/** Registers `totem run`. */
export function register(program: Command): void {
  recordingOptions(program.command("run"), { materials: true, products: true })
    .description("record a step: hash materials, run the command, hash products, write the signed link")
    .argument("[command...]", "the command to run (after --)")
    .option("-x, --no-command", "record without running a command (a sign-off step): command [] and byproducts {}")
    .option("-s, --record-streams", "record stdout and stderr in the link's byproducts")
    .option("--timeout <seconds>", "stop the command after this many seconds (in-toto-run uses 10)", intOption("--timeout"))
    .addHelpText("after", EXAMPLES)
    .action(async (command: string[], flags: RunFlags, cmd: Command) => {
      const io = ioOf(cmd);
      if (flags.command === false && command.length > 0) throw new UsageError("-x/--no-command and a command: give one of them");
      if (flags.command !== false && command.length === 0) throw new UsageError("no command to run: give it after --, or -x to record without one");
      const options = artifactOptions(flags, io, "materials");
      const signer = await loadRecordingSigner(flags, io);
      const materials = recordArtifacts(flags.materials ?? [], options);
      const ran = flags.command === false ? undefined : await runCommand(command, io.cwd, { capture: flags.recordStreams === true, timeoutSeconds: flags.timeout, io });
      if (ran && "error" in ran) throw new InputError(`cannot run ${JSON.stringify(command)}: ${ran.error}`);
      const products = afterCommand(() => recordArtifacts(flags.products ?? [], { ...options, progress: progressReporter(io, "products") }));
      const link = buildLink({
        name: flags.step,
        materials,
        products,
        ...(ran && {
          command,
          returnValue: ran.returnValue,
          stdout: flags.recordStreams ? ran.stdout : "",
          stderr: flags.recordStreams ? ran.stderr : "",
        }),
      });
      const path = writeLink(link, signer, flags.target, resolveFrom(io.cwd, flags.metadataDirectory));
      io.stderr.write(
        `totem: recorded step "${flags.step}": ${Object.keys(materials).length} materials, ${Object.keys(products).length} products → ${displayPath(io.cwd, path)}\n`,
      );
      if (ran && ran.returnValue !== 0) {
        io.stderr.write(`totem: the command exited with ${ran.returnValue ?? "a signal"}; the link records it\n`);
        setExit(cmd, EXIT.FAILED);
      }
    });
}

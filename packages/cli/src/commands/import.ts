// `totem import LAYOUT`: a signed layout (Metablock or DSSE, from any tool) → a formatted Totem
// policy that compiles back to the same payload bytes. Refuses (exit 1, nothing written) when the
// language cannot reproduce the payload, unless --allow-lossy. Used as a git textconv driver with
// `--stdout` (docs/git.md).
import { existsSync, mkdirSync } from "node:fs";
import { basename, dirname, extname, relative, resolve } from "node:path";
import { type ImportIssue, importAttestationLayout, importLayout } from "@totem/dsl";
import { celParser, type Target, TARGETS } from "@totem/engine";
import { type Command, Option } from "commander";
import { EXIT, InputError, UsageError } from "../errors.js";
import { describeFsError, foundIn, readBytes, type UserPath, userPath } from "../io.js";
import { refuseOverwritingInput, writeFileAtomic } from "../write-files.js";
import { ioOf, setExit } from "../program.js";
import { escapeForTerminal } from "../terminal.js";
import { isAttestationLayout, readAttestationLayout } from "./attestation-layout-file.js";
import { readSignedLayout } from "./signed-layout.js";
import { plural } from "../words.js";

const EXAMPLES = `
Examples:
  $ totem import root.layout                      (writes root.totem, keys inline)
  $ totem import root.layout -o policy/root.totem --keys-dir policy/keys
  $ totem import root.layout --stdout             (print the policy; the git textconv form)
  $ totem import layout.yml                       (an ITE-10/11 attestation layout → layout.totem, target "ite-10")

The target is guessed from how the keyids were computed (in-toto 1.3 or modern) and written into
the policy; --target overrides the guess. Signatures are not carried over: compile and sign again.
A YAML file (.yml, .yaml, or a non-JSON file with top-level expires: or steps:) is read as an attestation layout
in in-toto/attestation-verifier's format and imported with target "ite-10", keys inline.

Exit codes: 0 written, 1 the layout cannot be expressed byte for byte (nothing written; see the
listed problems, or pass --allow-lossy), 2 bad flag, unreadable layout, or output exists (--force).
`;

interface ImportFlags {
  output?: string;
  keysDir?: string;
  stdout?: boolean;
  target?: Target;
  name?: string;
  allowLossy?: boolean;
  force?: boolean;
}

/** One problem on one line; paths and messages hold names from the (untrusted) layout. */
function issueLine(issue: ImportIssue): string {
  return `${issue.severity}[${issue.code}] ${escapeForTerminal(`${issue.path}: ${issue.message}`)}\n`;
}

function posix(path: string): string {
  return path.split("\\").join("/");
}

/** `totem import` of an attestation layout (target "ite-10"): the policy compiles back to the same layout. */
async function importAttestations(input: UserPath, bytes: Uint8Array, stem: string, opts: ImportFlags, cmd: Command): Promise<void> {
  const io = ioOf(cmd);
  if (opts.keysDir !== undefined || opts.target !== undefined) {
    throw new UsageError("--keys-dir and --target apply to signed in-toto layouts; an attestation layout imports with target \"ite-10\" and its keys inline");
  }
  const layout = await readAttestationLayout(bytes, input.shown);
  const result = importAttestationLayout(layout, { name: opts.name ?? stem, celSyntax: await celParser() });
  for (const issue of result.issues) io.stderr.write(issueLine(issue));
  if (result.issues.some((i) => i.severity === "error") && !opts.allowLossy) {
    io.stderr.write(`totem: ${input.shown} cannot be imported exactly; nothing was written (--allow-lossy writes it anyway)\n`);
    setExit(cmd, EXIT.FAILED);
    return;
  }
  if (opts.stdout) {
    io.stdout.write(result.source);
    return;
  }
  const out = userPath(io.cwd, opts.output ?? `${stem}.totem`);
  if (!opts.force && existsSync(out.path)) throw new UsageError(`${out.shown} already exists; pass --force to overwrite it`);
  refuseOverwritingInput(out.path, out.shown, [{ path: input.path, what: `layout ${input.shown}` }]);
  writeFileAtomic(out.path, result.source, undefined, out.shown);
  io.stderr.write(
    `imported ${input.shown} → ${out.shown}: target ite-10, ${plural(layout.steps.length, "step")}, ${plural(layout.functionaries.size + layout.identities.size, "functionary", "functionaries")}\n`,
  );
}

/** Registers `totem import`. */
export function register(program: Command): void {
  program
    .command("import")
    .description("turn a signed in-toto layout (or an ITE-10/11 attestation layout) into a Totem policy")
    .argument("<layout>", "the signed layout (Metablock or DSSE), or an attestation layout (YAML), to import")
    .option("-o, --output <file>", "where to write the policy (default: <layout name>.totem in the current directory)")
    .option("--keys-dir <dir>", "write functionary keys as files in this directory instead of inline")
    .option("--stdout", "print the policy instead of writing a file")
    .addOption(new Option("--target <target>", "target to write (default: guessed from the keyids)").choices(TARGETS))
    .option("--name <name>", "the layout name in the policy (default: the file name)")
    .option("--allow-lossy", "write the policy even when it would not reproduce the signed payload")
    .option("--force", "overwrite existing output files")
    .addHelpText("after", EXAMPLES)
    .action(async (file: string, opts: ImportFlags, cmd: Command) => {
      const io = ioOf(cmd);
      if (opts.stdout && opts.output !== undefined) throw new UsageError("--stdout and -o are exclusive", "(see totem import --help)");
      const { path, shown } = userPath(io.cwd, file);
      const bytes = readBytes(path, "layout", shown);
      const stem = basename(path, extname(path)) || "imported";
      if (isAttestationLayout(path, bytes)) {
        await importAttestations({ path, shown }, bytes, stem, opts, cmd);
        return;
      }
      const signed = readSignedLayout(bytes, shown);
      const out = opts.stdout ? undefined : userPath(io.cwd, opts.output ?? `${stem}.totem`);
      const keysDir = opts.keysDir === undefined ? undefined : userPath(io.cwd, opts.keysDir);
      const base = out === undefined ? io.cwd : dirname(out.path);
      const result = importLayout(signed.layout, {
        target: opts.target,
        keysDir: keysDir === undefined ? undefined : posix(relative(base, keysDir.path)) || ".",
        name: opts.name ?? stem,
        signatures: signed.signatures,
        envelope: signed.envelope,
        rawPayload: signed.raw,
        ...(signed.body !== undefined ? { payloadBytes: signed.body } : {}),
      });
      const issues = result.issues;
      for (const issue of issues) io.stderr.write(issueLine(issue));
      if (issues.some((i) => i.severity === "error") && !opts.allowLossy) {
        io.stderr.write(`totem: ${shown} cannot be imported byte for byte; nothing was written (--allow-lossy writes it anyway)\n`);
        setExit(cmd, EXIT.FAILED);
        return;
      }
      // Key files are written under --keys-dir and shown under it as it was given.
      const keyPath = (rel: string) => (keysDir === undefined ? userPath(io.cwd, resolve(base, rel)) : foundIn(keysDir, resolve(base, rel)));
      const writes = result.keyFiles.map((k) => ({ ...keyPath(k.path), text: k.text }));
      if (out !== undefined) writes.push({ ...out, text: result.source });
      if (!opts.force) {
        const existing = writes.find((w) => existsSync(w.path));
        if (existing) throw new UsageError(`${existing.shown} already exists; pass --force to overwrite it`);
      }
      for (const w of writes) refuseOverwritingInput(w.path, w.shown, [{ path, what: `layout ${shown}` }]);
      // Key files first: a policy on disk never refers to keys that are not there.
      for (const w of writes) {
        try {
          mkdirSync(dirname(w.path), { recursive: true });
        } catch (e) {
          throw new InputError(`cannot create the directory of ${w.shown}: ${describeFsError(e)}`);
        }
        writeFileAtomic(w.path, w.text, undefined, w.shown);
      }
      if (out === undefined) io.stdout.write(result.source);
      else {
        const { steps, inspect } = signed.layout;
        io.stderr.write(
          `imported ${shown} → ${out.shown}: target ${result.target} (${result.targetReason}), ` +
            `${plural(steps.length, "step")}, ${plural(inspect.length, "inspection")}, ${plural(result.keyFiles.length, "key file")}\n`,
        );
      }
    });
}

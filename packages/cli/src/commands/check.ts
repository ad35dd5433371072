// `totem check FILE…`: every error, warning and lint of each policy, as code frames (text), a stable
// JSON document, or SARIF 2.1.0 for GitHub code scanning. Exit 1 when any file has an error.
import { readdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import {
  type AttestationLowerResult,
  CODES,
  type CompileResult,
  type Diagnostic,
  LineIndex,
  type LowerOptions,
  compilePolicy,
  didYouMean,
  lowerAttestations,
  mergeDiagnostics,
  targetsIte10,
} from "@totem/dsl";
import { type CelSyntaxCheck, celParser, type Target } from "@totem/engine";
import { type Command, Option } from "commander";
import { codeFrame, docsUrl } from "../code-frame.js";
import { EXIT, UsageError } from "../errors.js";
import { type UserPath, keyReaderFor, readText, userPath } from "../io.js";
import { type Io, intOption, ioOf, resolveNow, setExit } from "../program.js";
import { type CheckedFile, toSarif } from "../sarif.js";
import { colorEnabled, makeStyle } from "../terminal.js";
import { collectParam, checkParamNames } from "../params.js";
import { plural } from "../words.js";
import { type GpgKeyReader, keyringKeys } from "../gpg-keyrings.js";

/** A policy read from disk and fully checked. */
export interface CheckedPolicy extends CheckedFile {
  /** Absolute path of the policy. */
  path: string;
  /** Analysis and lowering; `layout` is present only when there is no error. */
  lowered: CompileResult;
  /** A policy of target "ite-10": its attestation layout (present only when there is no error). */
  attestations?: AttestationLowerResult;
}

/** Options of one check, shared with `totem compile`. */
export interface CheckOptions {
  now: Date;
  expiryWarningDays?: number;
  target?: Target;
  /** `--param` values; names the policy does not declare with `param` are refused (UsageError). */
  params?: Readonly<Record<string, string>>;
  /**
   * Values for params the policy may or may not declare (`diff --param`, given to both sides): used
   * for those it declares, the others ignored. `params` win over them.
   */
  sharedParams?: Readonly<Record<string, string>>;
  /** `check`: a param without a value is not reported (`compile` and `test` need one: missing-param). */
  paramsOptional?: boolean;
  /** The CEL parser (`await celParser()`): `check` rules of attestation blocks are parsed only with it. */
  celSyntax?: CelSyntaxCheck;
  /** The keys the policy names from keyrings (`checkPolicyWithKeyrings` reads them); without it they are key-unreadable. */
  gpgKeys?: GpgKeyReader;
  /** The policy's text, when the caller has read it already (it is read once). */
  text?: string;
}

/**
 * Reads and checks one policy: syntax, checks, lints, and lowering with its key files (read relative
 * to the policy), so `check` reports everything `compile` would refuse. `file` is a path as typed,
 * or one the CLI derived (the policy beside a test file or a layout). Throws InputError when the file
 * cannot be read.
 */
/**
 * `checkPolicy` with the keys the policy names from keyrings read first (asynchronously: openpgp, or
 * gpg for a GnuPG home); the policy file is read once. What `check`, `compile`, `test` and `diff` use.
 */
export async function checkPolicyWithKeyrings(file: string | UserPath, io: Io, options: Omit<CheckOptions, "gpgKeys" | "text">): Promise<CheckedPolicy> {
  const given = typeof file === "string" ? userPath(io.cwd, file) : file;
  const text = readText(given.path, "policy", given.shown, "policy");
  const gpgKeys = await keyringKeys(text, given.path, { ...options.sharedParams, ...options.params });
  return checkPolicy(given, io, { ...options, text, gpgKeys });
}

export function checkPolicy(file: string | UserPath, io: Io, options: CheckOptions): CheckedPolicy {
  const { path, shown: uri } = typeof file === "string" ? userPath(io.cwd, file) : file;
  const text = options.text ?? readText(path, "policy", uri, "policy");
  const read = keyReaderFor(path);
  const unreadable: string[] = [];
  const lowering: LowerOptions = {
    ...lowerOptions(options),
    readKey: (key) => {
      const found = read(key);
      if (found === undefined) unreadable.push(key);
      return found;
    },
  };
  const compiled = compilePolicy(text, {
    ...lowering,
    expiryWarningDays: options.expiryWarningDays,
    ...(options.celSyntax === undefined ? {} : { celSyntax: options.celSyntax }),
  });
  if (options.params !== undefined) checkParamNames(options.params, compiled.analysis.file, uri);
  // A policy of target "ite-10" is lowered to its attestation layout too, with the same options: what
  // only that lowering refuses (a key an attestation layout cannot hold) is reported by check as well.
  const attestations = targetsIte10(compiled.analysis.file.layout) ? lowerAttestations(compiled.analysis, lowering) : undefined;
  const diagnostics = (attestations === undefined ? compiled.diagnostics : mergeDiagnostics(compiled.analysis.diagnostics, attestations))
    .filter((d) => !(options.paramsOptional && d.code === "missing-param"))
    .map((d) => (d.code === "key-unreadable" ? withKeySuggestion(d, dirname(path), unreadable) : d));
  return { path, uri, text, diagnostics, lowered: compiled, ...(attestations === undefined ? {} : { attestations }) };
}

/** What lowering takes from a check's options (all but the key file reader). */
function lowerOptions(options: CheckOptions): Omit<LowerOptions, "readKey"> {
  return {
    now: options.now,
    target: options.target,
    ...(options.params === undefined && options.sharedParams === undefined ? {} : { params: { ...options.sharedParams, ...options.params } }),
    ...(options.gpgKeys === undefined ? {} : { readGpgKey: options.gpgKeys }),
  };
}

/** A `key-unreadable` message with the file beside the written path that was probably meant. */
function withKeySuggestion(d: Diagnostic, policyDir: string, unreadable: readonly string[]): Diagnostic {
  const key = unreadable.find((k) => d.message.includes(`"${k}"`));
  if (key === undefined) return d;
  const dir = key.slice(0, key.lastIndexOf("/") + 1);
  let files: string[] = [];
  try {
    files = readdirSync(resolve(policyDir, dir || "."), { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).slice(0, 2000);
  } catch {
    return d;
  }
  const best = didYouMean(key.slice(dir.length), files)[0];
  return best === undefined ? d : { ...d, message: `${d.message} Did you mean "${dir}${best}"?` };
}

/** Counts of diagnostics by severity. */
export interface Summary {
  files: number;
  errors: number;
  warnings: number;
  infos: number;
  hints: number;
}

/** Counts diagnostics by severity over files. */
export function summarize(files: readonly CheckedFile[]): Summary {
  const s: Summary = { files: files.length, errors: 0, warnings: 0, infos: 0, hints: 0 };
  for (const f of files) {
    for (const d of f.diagnostics) {
      if (d.severity === "error") s.errors++;
      else if (d.severity === "warning") s.warnings++;
      else if (d.severity === "info") s.infos++;
      else s.hints++;
    }
  }
  return s;
}

/** The one-line summary printed after code frames ("2 errors, 1 warning in 3 files"). */
export function summaryLine(s: Summary): string {
  if (s.errors + s.warnings + s.infos + s.hints === 0) return `${plural(s.files, "file")} checked: no problems`;
  const parts = [plural(s.errors, "error"), plural(s.warnings, "warning")];
  if (s.infos + s.hints > 0) parts.push(plural(s.infos + s.hints, "note"));
  return `${parts.join(", ")} in ${plural(s.files, "file")}`;
}

/** Writes the code frames of every diagnostic of the files to `out`, styled for a TTY or plain. */
export function writeCodeFrames(files: readonly CheckedFile[], out: Io["stdout"], color: boolean): void {
  const style = makeStyle(color);
  for (const f of files) {
    const index = new LineIndex(f.text);
    for (const d of f.diagnostics) out.write(`${codeFrame(f.uri, f.text, d, style, index)}\n`);
  }
}

/** The stable `--format json` document (documented in docs/cli.md). */
export function toCheckJson(files: readonly CheckedFile[]): Record<string, unknown> {
  return {
    version: 1,
    files: files.map((f) => {
      const index = new LineIndex(f.text);
      const range = (span: { start: number; end: number }) => ({
        start: { offset: span.start, ...index.lineColumn(span.start) },
        end: { offset: span.end, ...index.lineColumn(span.end) },
      });
      return {
        path: f.uri,
        diagnostics: f.diagnostics.map((d) => ({
          code: d.code,
          severity: d.severity,
          message: d.message,
          range: range(d.span),
          related: (d.related ?? []).map((r) => ({ message: r.message, range: range(r.span) })),
          fix: d.fix
            ? { title: d.fix.title, edits: d.fix.edits.map((e) => ({ range: range(e.span), newText: e.newText })) }
            : null,
        })),
      };
    }),
    summary: summarize(files),
  };
}

/** The one-line description of a diagnostic code from the dsl's registry, for SARIF rules. */
export function describeCode(code: string): string | undefined {
  const entry = (CODES as Record<string, { summary?: string } | undefined>)[code];
  return entry?.summary;
}

const EXAMPLES = `
Examples:
  $ totem check policy.totem                 code frames in the terminal
  $ totem check policies/*.totem --format json
  $ totem check root.totem --format sarif > totem.sarif   (upload with github/codeql-action/upload-sarif)
  $ totem check root.totem --expiry-warning 60 --max-warnings 0

Exit codes: 0 no errors (warnings allowed unless --max-warnings), 1 errors found, 2 unreadable file or bad flag.
`;

/** Registers `totem check`. */
export function register(program: Command): void {
  program
    .command("check")
    .description("report every error, warning and lint in policies; exit 1 when any has errors")
    .argument("<files...>", "policy files to check")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json", "sarif"]).default("text"))
    .option("--expiry-warning <days>", "warn when a layout expires within DAYS days", intOption("--expiry-warning"), 30)
    .option("--max-warnings <n>", "exit 1 when there are more than N warnings", intOption("--max-warnings"))
    .option("--now <time>", "the time expiry is checked against (RFC 3339 or @unix-seconds; default SOURCE_DATE_EPOCH or the clock)")
    .option("--param <name=value>", "a value for the policy's `param NAME` (repeatable); without any, params are not required", collectParam)
    .option("--docs-url <url>", "SARIF: the published docs/ folder rule help links to (default TOTEM_DOCS_URL; none: no links)")
    .addHelpText("after", EXAMPLES)
    .action(async (files: string[], opts: CheckFlags, cmd: Command) => {
      const io = ioOf(cmd);
      const now = resolveNow(opts.now, io);
      const celSyntax = await celParser();
      if (opts.docsUrl !== undefined && docsUrl("", opts.docsUrl) === undefined) {
        throw new UsageError(`--docs-url '${opts.docsUrl}' is not an http(s) URL`, "(see totem check --help)");
      }
      const checked: CheckedPolicy[] = [];
      for (const f of files) {
        checked.push(await checkPolicyWithKeyrings(f, io, { now, expiryWarningDays: opts.expiryWarning, params: opts.param ?? {}, paramsOptional: opts.param === undefined, celSyntax }));
      }
      const summary = summarize(checked);
      if (opts.format === "json") io.stdout.write(`${JSON.stringify(toCheckJson(checked), null, 2)}\n`);
      else if (opts.format === "sarif") io.stdout.write(`${JSON.stringify(toSarif(checked, describeCode, opts.docsUrl ?? io.env.TOTEM_DOCS_URL), null, 2)}\n`);
      else {
        writeCodeFrames(checked, io.stdout, colorEnabled(io.stdoutIsTTY, io.env));
        io.stderr.write(`${summaryLine(summary)}\n`);
      }
      const tooManyWarnings = opts.maxWarnings !== undefined && summary.warnings > opts.maxWarnings;
      if (tooManyWarnings && opts.format === "text") {
        io.stderr.write(`totem: ${plural(summary.warnings, "warning")}, more than --max-warnings ${opts.maxWarnings}\n`);
      }
      setExit(cmd, summary.errors > 0 || tooManyWarnings ? EXIT.FAILED : EXIT.OK);
    });
}

interface CheckFlags {
  format: "text" | "json" | "sarif";
  expiryWarning: number;
  maxWarnings?: number;
  now?: string;
  docsUrl?: string;
  param?: Record<string, string>;
}

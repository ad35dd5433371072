// `totem verify --layout L --layout-key K... --links DIR`: the engine's verifyChain with the I/O
// around it: reading the layout, keys and link files, running inspections in the working directory
// (writing their `<name>.link` files there, as 1.3.1 does), and a report as text or JSON. Big
// chains: the main thread and worker threads check the link files and settle steps first
// (node-io's verify-threads.ts, running the engine's own chunks).
import { statSync } from "node:fs";
import { basename } from "node:path";
import type { SourceMap } from "@totem/dsl";
import {
  describeLoadError,
  type Failure,
  type KeyType,
  type Layout,
  type Link,
  loadEnvelope,
  type PublicKeyMaterial,
  parsePublicKey,
  ruleText,
  STAGES,
  type VerificationResult,
  verifyChain,
} from "@totem/engine";
import { type Command, Option } from "commander";
import { EXIT, InputError, UsageError } from "../errors.js";
import { escapeForTerminal } from "../terminal.js";
import { type UserPath, beside, describeFsError, keyReaderFor, readBytes, readText, resolveFrom, userPath } from "../io.js";
import {
  chunkRunner,
  INSPECTION_TIMEOUT_SECONDS,
  type InspectionPolicy,
  inspectionRunner as runInspections,
  listLinkDir,
  MAX_JOBS,
  readLinkFile,
  readTextBounded,
  warmWorkers,
} from "@totem/node-io";
import { type Io, intOption, ioOf, resolveNow, secondsOption, setExit } from "../program.js";
import { writeInspectionLink } from "./inspection-link.js";
import { x509Warnings } from "./x509-warning.js";

const EXAMPLES = `
Examples:
  $ totem verify --layout root.layout --layout-key keys/owner.pub --links links/
  $ totem verify --layout root.layout --layout-key alice.pub --layout-key bob.pub --links . --json
  $ totem verify --layout root.layout --layout-key owner.pub --links links --now 2026-01-01T00:00:00Z
  $ totem verify --layout root.layout --layout-key owner.pub --links links --no-inspection-links
  $ totem verify -l root.layout -k owner.pub -t ed25519 -d links     (in-toto-verify's flags work too)
  $ totem verify -l root.layout -k owner.pub -d links --policy policies/supply-chain.totem

Inspections run in the current directory (as in-toto-verify does), with a timeout, and each one
that passes leaves its unsigned link there as <inspection>.link (--no-inspection-links: none).
Exit codes: 0 the chain passed; 1 it failed (failures are listed by stage); 2 bad flag or an
unreadable layout, key or links directory.
`;

interface VerifyFlags {
  layout: string;
  layoutKey?: string[];
  /** in-toto-verify's spelling of --layout-key. */
  layoutKeys?: string[];
  keyType?: KeyType[];
  keyTypes?: KeyType[];
  linkDir?: string;
  policy?: string;
  verbose?: boolean;
  quiet?: boolean;
  /** -g/--gpg: OpenPGP keyids exported from the keyring (in-toto-verify's --gpg). */
  gpg?: string[];
  gpgHome?: string;
  links: string;
  json?: boolean;
  trace?: boolean;
  now?: string;
  inspectionTimeout: number;
  /** --inspections, or false for --no-inspections. */
  inspections: InspectionPolicy | false;
  inspectionLinks: boolean;
  jobs?: number;
  /** --attestations and --substitute-parameters: ITE-10/11 layouts (verify-attestations.ts). */
  attestations?: string;
  substituteParameters?: string;
  trustedRoot?: string;
}

/**
 * Inspections (SPEC-NOTES §7 step 11) through node-io, as the language server's simulate runs them:
 * `.` recorded before and after the command in the verifier's cwd, the command in its own process
 * group with --inspection-timeout (inspection-timeout), and --inspections deciding whose may run
 * (inspection-refused). node:child_process is loaded only when a command runs.
 */
function inspectionRunner(io: Io, flags: VerifyFlags) {
  return runInspections({ cwd: io.cwd, timeoutSeconds: flags.inspectionTimeout, policy: flags.inspections === false ? "none" : flags.inspections });
}

/** Writes each passed inspection's `<name>.link` into the cwd, as 1.3.1 does; `written` collects the file names. */
function inspectionRecorder(io: Io, written: string[]) {
  return (link: Link): string | undefined => {
    const wrote = writeInspectionLink(link, io.cwd);
    if ("problem" in wrote) return wrote.problem;
    // A sublayout's inspection of the same name overwrites the file, as in 1.3.1: list it once.
    if (!written.includes(wrote.file)) written.push(wrote.file);
    return undefined;
  };
}

function readLayoutKey(file: string, io: Io, type: KeyType | undefined): PublicKeyMaterial {
  const { path, shown } = userPath(io.cwd, file);
  const parsed = parsePublicKey(readText(path, "layout key", shown, "key"), type ? { type } : undefined);
  if (!parsed.ok) throw new InputError(`cannot use layout key '${shown}': ${parsed.error.message}`);
  return parsed.value;
}

/** Where a failure's rule or step is written in the policy the layout was compiled from. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** `<layout name>.totem` beside the layout (`root.layout` → `root.totem`); undefined for a layout named `x.totem`. */
function besidePolicy(layout: UserPath): UserPath | undefined {
  const name = `${basename(layout.path).replace(/\.[^.]*$/, "")}.totem`;
  return name === basename(layout.path) ? undefined : beside(layout, name);
}

/** The stages a verdict passed, one line each (`--verbose`): all of them, or those before the failing one. */
function stagesPassed(result: VerificationResult): string {
  const failedAt = result.failures.length ? Math.min(...result.failures.map((f) => f.stage)) : Number.POSITIVE_INFINITY;
  const lines = Object.entries(STAGES)
    .filter(([n]) => Number(n) > 0 && Number(n) < failedAt)
    .map(([n, name]) => `  ok stage ${n} (${name})`);
  return lines.length ? `${lines.join("\n")}\n` : "";
}

/** Finds failures' source locations in the policy (`--policy`, or `<layout name>.totem` beside the layout). */
type Locator = (f: Failure) => SourceLocation | undefined;

/**
 * The policy beside the layout (`root.layout` → `root.totem`), compiled to get its source map. A
 * location is reported only where the compiled policy has the same rule text at the same place as
 * the failing rule, so a policy that drifted from the layout never points at the wrong line.
 */
async function policyLocator(policy: UserPath | undefined, now: Date): Promise<Locator | undefined> {
  if (policy === undefined) return undefined;
  const { path: policyPath, shown: file } = policy;
  // The bounded reader: a policy path naming a FIFO or /dev/zero is refused at once, never read.
  const read = readTextBounded(policyPath, "policy");
  if (!read.ok) return undefined;
  const text = read.value;
  // Loaded only now, LineIndex too: a static import of @totem/dsl would evaluate the language's
  // chunk (chevrotain and its lexer set-up, ~35 ms) on every verify, even of a passing chain.
  const { compilePolicy, LineIndex } = await import("@totem/dsl");
  const compiled = compilePolicy(text, { readKey: keyReaderFor(policyPath), now });
  const layout: Layout | undefined = compiled.layout;
  if (!layout) return undefined;
  const map: SourceMap = compiled.sourceMap;
  const index = new LineIndex(text);
  const at = (offset: number): SourceLocation => ({ file, ...index.lineColumn(offset) });
  return (f) => {
    if (f.sublayout?.length) return undefined;
    if (f.rule) {
      const item = [...layout.steps, ...layout.inspect].find((i) => i.name === f.rule?.item);
      const rules = f.rule.side === "materials" ? item?.expected_materials : item?.expected_products;
      const rule = rules?.[f.rule.index];
      const span = map.rules[`${f.rule.item}/${f.rule.side}/${f.rule.index}`];
      return rule && span && ruleText(rule) === f.rule.text ? at(span.start) : undefined;
    }
    const span = f.step !== undefined ? map.items[f.step] : undefined;
    return span ? at(span.start) : undefined;
  };
}

function where(f: Failure): string {
  const parts: string[] = [];
  if (f.sublayout?.length) parts.push(`in sublayout ${f.sublayout.map((s) => `"${s}"`).join(" › ")}`);
  if (f.rule) parts.push(`${f.rule.side} rule ${f.rule.index + 1} of "${f.rule.item}": ${f.rule.text}`);
  else if (f.step) parts.push(`step "${f.step}"`);
  return parts.join(", ");
}

/** The text report: a verdict line, then each failure under its stage (with its policy line, if known). */
export function textReport(result: VerificationResult, layout: string, locate?: Locator): string {
  const lines: string[] = [];
  if (result.passed) {
    lines.push(`PASS ${layout}: the supply chain passed all verification.`);
  } else {
    lines.push(`FAIL ${layout}: ${result.failures.length} failure${result.failures.length === 1 ? "" : "s"}.`);
    for (const f of result.failures) {
      const at = where(f);
      lines.push(`  stage ${f.stage} (${STAGES[f.stage]}) ${f.code}${at ? ` — ${at}` : ""}`);
      lines.push(`    ${f.message}`);
      const loc = locate?.(f);
      if (loc) lines.push(`    at ${loc.file}:${loc.line}:${loc.column}`);
    }
  }
  // Names and messages come from the layout and links: control characters are shown, not obeyed.
  return `${lines.map(escapeForTerminal).join("\n")}\n`;
}

/** The `--json` report (version 1, docs/cli.md); `inspectionLinks` are the `<inspection>.link` files written. */
export function jsonReport(result: VerificationResult, layout: string, locate?: Locator, inspectionLinks: readonly string[] = []): string {
  const stageName = <T extends { stage: keyof typeof STAGES }>(x: T) => ({ ...x, stageName: STAGES[x.stage] });
  const withSource = (f: Failure) => {
    const source = locate?.(f);
    return source ? { ...stageName(f), source } : stageName(f);
  };
  return `${JSON.stringify(
    {
      version: 1,
      layout,
      passed: result.passed,
      failures: result.failures.map(withSource),
      warnings: result.warnings.map(stageName),
      inspectionLinks,
      trace: result.trace,
    },
    null,
    2,
  )}\n`;
}

/** Registers `totem verify`. */
export function register(program: Command): void {
  program
    .command("verify")
    .description("verify a supply chain's links against a signed layout (in-toto-verify 1.3.1 semantics)")
    .requiredOption("-l, --layout <file>", "the signed layout")
    .option("-k, --layout-key <public-key...>", "keys that must have signed the layout (one or more, repeatable; at least one -k or -g)")
    .addOption(new Option("--layout-keys <public-key...>", "in-toto-verify's name for --layout-key").hideHelp())
    .addOption(
      new Option("-t, --key-type <type...>", "how to read the layout keys when the format is ambiguous: one type for all, or one per key").choices(["ed25519", "rsa", "ecdsa"]),
    )
    .addOption(new Option("--key-types <type...>", "in-toto-verify's name for --key-type").choices(["ed25519", "rsa", "ecdsa"]).hideHelp())
    .option("-g, --gpg <keyid...>", "GPG keys (fingerprints) from the GnuPG keyring that must have signed the layout, as in-toto-verify's --gpg")
    .option("--gpg-home <dir>", "the GnuPG home directory --gpg keys are exported from (default: gpg's own)")
    .option("-d, --links <dir>", "directory holding the link files", ".")
    .addOption(new Option("--link-dir <dir>", "in-toto-verify's name for --links").hideHelp())
    .option("--policy <file>", "the .totem policy the layout was compiled from, to show failures at its lines (default: <layout name>.totem beside the layout)")
    .option("-v, --verbose", "also list the stages that passed (text report)")
    .option("-q, --quiet", "print nothing when the chain passes; only failures and warnings")
    .option("--json", "print the result as JSON (docs/cli.md)")
    .option("--attestations <dir>", "verify in-toto attestations in DIR against an ITE-10/11 layout (attestation-verifier's YAML format; docs/attestations.md)")
    .option("--substitute-parameters <file>", "with --attestations: JSON object of values for the layout's {placeholders}")
    .option("--trusted-root <file>", "with --attestations: Sigstore trusted_root.json for bundles of sigstore-oidc functionaries")
    .option("--no-trace", "leave the per-rule trace out of --json (smaller output for big chains)")
    .option("--now <time>", "check expiry against this time instead of the clock (SOURCE_DATE_EPOCH is never used for this)")
    .option("--inspection-timeout <seconds>", "stop an inspection after this many seconds: SIGTERM to its process group, SIGKILL 2 s later; it fails with inspection-timeout", secondsOption("--inspection-timeout"), INSPECTION_TIMEOUT_SECONDS)
    .addOption(
      new Option("--inspections <which>", "whose inspections may run: all, root-only (not those of sublayouts, chosen by a step's functionary) or none; one that may not run fails with inspection-refused")
        .choices(["all", "root-only", "none"])
        .default("all"),
    )
    .option("--no-inspections", "run no inspection (as --inspections none)")
    .option("--no-inspection-links", "do not write <inspection>.link files into the current directory")
    .option(`-j, --jobs <n>`, `threads checking links, the main one included, at most ${MAX_JOBS} (default: one per core; one for small chains; 0 or 1: no worker threads)`, intOption("--jobs", MAX_JOBS))
    .addHelpText("after", EXAMPLES)
    .action(async (flags: VerifyFlags, cmd: Command) => {
      if (flags.attestations !== undefined || flags.substituteParameters !== undefined || flags.trustedRoot !== undefined) {
        return (await import("./verify-attestations.js")).verifyWithAttestations(flags, cmd);
      }
      const io = ioOf(cmd);
      const links = flags.linkDir ?? flags.links;
      const dir = resolveFrom(io.cwd, links);
      // Threads for a big chain boot while the layout and its keys are read.
      const warming = warmWorkers(dir, flags.jobs);
      const now = resolveNow(flags.now, io, "verdict");
      const layout = userPath(io.cwd, flags.layout);
      const { shown } = layout;
      const loaded = loadEnvelope(readBytes(layout.path, "layout", shown), { expect: "layout" });
      if (!loaded.ok) throw new InputError(`cannot read layout '${shown}': ${describeLoadError(loaded.error)}`);
      const keyFiles = [...(flags.layoutKey ?? []), ...(flags.layoutKeys ?? [])];
      if (keyFiles.length === 0 && !flags.gpg?.length) throw new UsageError("specify at least one layout key: --layout-key FILE or --gpg KEYID");
      const types = [...(flags.keyType ?? []), ...(flags.keyTypes ?? [])];
      if (types.length > 1 && types.length !== keyFiles.length) {
        throw new UsageError(`--key-type was given ${types.length} times for ${keyFiles.length} layout key(s): give one type for all keys, or one per key`);
      }
      const keys = [
        ...keyFiles.map((k, i) => readLayoutKey(k, io, types.length === 1 ? types[0] : types[i])),
        // Loaded only for -g: the GnuPG bridge starts processes, which most verifications never do.
        ...(flags.gpg?.length ? await (await import("../gpg.js")).gpgLayoutKeys(flags.gpg, flags.gpgHome, io.cwd) : []),
      ];
      try {
        if (!statSync(dir).isDirectory()) throw new InputError(`--links '${links}' is not a directory`);
      } catch (error) {
        if (error instanceof InputError) throw error;
        throw new InputError(`cannot read links directory '${links}': ${describeFsError(error)}`);
      }
      const readLink = (path: string) => readLinkFile(dir, path); // absent or unreadable: undefined, as 1.3.1 skips IOError
      const wantTrace = flags.json === true && flags.trace !== false;
      const written: string[] = [];
      const warm = await warming;
      const runner = loaded.value.type === "layout" ? chunkRunner(loaded.value.layout, dir, { jobs: flags.jobs, warm }) : undefined;
      const result = await verifyChain({
        layout: loaded.value,
        layoutKeys: keys,
        readLink,
        listLinks: (sub: string) => listLinkDir(dir, sub),
        now,
        runInspection: inspectionRunner(io, flags),
        ...(flags.inspectionLinks ? { recordInspection: inspectionRecorder(io, written) } : {}),
        trace: wantTrace,
        ...(runner ? { chunkRunner: runner } : {}),
      });
      result.warnings.push(...x509Warnings(loaded.value.type === "layout" ? loaded.value.layout : undefined));
      const locate = result.passed ? undefined : await policyLocator(flags.policy ? userPath(io.cwd, flags.policy) : besidePolicy(layout), now);
      if (flags.json) {
        io.stdout.write(jsonReport(result, shown, locate, written));
      } else {
        if (flags.verbose) io.stdout.write(stagesPassed(result));
        if (!(flags.quiet && result.passed)) io.stdout.write(textReport(result, shown, locate));
        for (const w of result.warnings) io.stderr.write(`totem: warning[${w.code}] ${escapeForTerminal(w.message)}\n`);
      }
      if (!result.passed) setExit(cmd, EXIT.FAILED);
    });
}

// `totem diff OLD NEW`: the semantic difference between two policies or signed layouts (each side
// may be either; the content decides), every change marked by what it does to the set of accepted
// supply chains: weakens, strengthens, mixed, neutral, or not determined (docs/cli.md, "totem diff").
// Compares lowered layouts, so formatting, comments, constants and rule sets never show up.
import {
  type Change,
  compilePolicy,
  diffPolicies,
  importAttestationLayout,
  lowerAttestations,
  functionaryNames,
  guessTarget,
  mayWeaken,
  type PolicySnapshot,
  parse,
  renderDiffJson,
  renderDiffMarkdown,
  renderDiffText,
} from "@totem/dsl";
import { type Command, Option } from "commander";
import { EXIT, InputError, UsageError } from "../errors.js";
import { readBytes, userPath } from "../io.js";
import { collectParam } from "../params.js";
import { type Io, ioOf, resolveNow, setExit } from "../program.js";
import { colorEnabled, escapeForTerminal, makeStyle } from "../terminal.js";
import { celParser } from "@totem/engine";
import { isAttestationLayout, readAttestationLayout } from "./attestation-layout-file.js";
import { checkPolicyWithKeyrings, writeCodeFrames } from "./check.js";
import { looksLikeJson, readSignedLayout } from "./signed-layout.js";

const FORMATS = ["text", "markdown", "json"] as const;
type Format = (typeof FORMATS)[number];

const EXAMPLES = `
Examples:
  $ totem diff old/root.totem root.totem
  $ totem diff root.layout root.totem --format markdown > comment.md    (a pull-request comment)
  $ git show main:root.totem > /tmp/old.totem && totem diff /tmp/old.totem root.totem --fail-on-weaken
  $ totem diff root.totem root.totem --param-old VERSION=1.4.2 --param-new VERSION=1.5.0

OLD and NEW are each a .totem policy, a signed layout (Metablock or DSSE; JSON content means a
layout) or an attestation layout (YAML: .yml/.yaml, or top-level expires:/steps:). Policies are lowered with their key files. A policy's "expires in …" compared with a signed
layout resolves against that layout's reference time (so an unchanged policy shows no expiry
change); with --now it resolves against --now. Two policies with the same relative expiry do not differ.

Exit codes: 0 the diff ran (whatever it found), 1 with --fail-on-weaken when a change weakens the
policy, is mixed, or its effect is not determined, 2 bad flag, unreadable input, or a policy with errors.
`;

interface DiffFlags {
  format: Format;
  failOnWeaken?: boolean;
  now?: string;
  linkOld?: string;
  linkNew?: string;
  param?: Record<string, string>;
  paramOld?: Record<string, string>;
  paramNew?: Record<string, string>;
}

/** `--param` for both sides, `--param-old`/`--param-new` for one (they win over `--param`). */
interface SideParams {
  shared?: Readonly<Record<string, string>>;
  own?: Readonly<Record<string, string>>;
}

/**
 * An attestation layout (YAML) as one side: read as `totem import` reads it — into the policy that
 * compiles back to it, whose names (functionaries, keyless labels) the changes then use — and lowered
 * both ways, like a policy of target "ite-10".
 */
async function attestationSnapshot(bytes: Uint8Array, shown: string, now: Date): Promise<PolicySnapshot> {
  const layout = await readAttestationLayout(bytes, shown);
  const imported = importAttestationLayout(layout, { name: "diff", celSyntax: await celParser() });
  const errors = imported.issues.filter((i) => i.severity === "error");
  if (errors.length > 0) throw new InputError(`${shown} cannot be compared exactly: ${errors.map((i) => `${i.path}: ${i.message}`).join("; ")}`);
  const options = { readKey: () => undefined, now };
  const compiled = compilePolicy(imported.source, options);
  const attested = lowerAttestations(compiled.analysis, options);
  if (compiled.layout === undefined || attested.layout === undefined) throw new InputError(`${shown} cannot be compared: its policy does not compile (a bug; please report it)`);
  const snapshot: PolicySnapshot = { layout: compiled.layout, target: compiled.target, origin: "layout", attestations: attested.layout };
  return { ...snapshot, names: namesOf(compiled.keyids) };
}

/** Functionary names by keyid: every key functionary's (lowering's name → keyid map, first declaration wins). */
function namesOf(keyids: Readonly<Record<string, string>> | undefined): Map<string, string> {
  const names = new Map<string, string>();
  for (const [name, keyid] of Object.entries(keyids ?? {})) if (!names.has(keyid)) names.set(keyid, name);
  return names;
}

/** One side as a snapshot, and the params it declares (none for a layout). */
async function readSide(file: string, io: Io, now: Date, params: SideParams): Promise<{ snapshot: PolicySnapshot; declared: string[] }> {
  const given = userPath(io.cwd, file);
  const { shown } = given;
  const bytes = readBytes(given.path, "policy or layout", shown);
  if (isAttestationLayout(given.path, bytes)) {
    if (params.own !== undefined) throw new UsageError(`--param-old/--param-new: ${shown} is an attestation layout, which has no params`);
    return { snapshot: await attestationSnapshot(bytes, shown, now), declared: [] };
  }
  if (looksLikeJson(bytes)) {
    const { layout } = readSignedLayout(bytes, shown);
    if (params.own !== undefined) throw new UsageError(`--param-old/--param-new: ${shown} is a signed layout, which has no params`);
    // A layout has no names: use the ones `totem import` would give its functionaries.
    return { snapshot: { layout, target: guessTarget(layout).target, names: functionaryNames(layout), origin: "layout" }, declared: [] };
  }
  const checked = await checkPolicyWithKeyrings(given, io, {
    now,
    ...(params.own === undefined ? {} : { params: params.own }),
    ...(params.shared === undefined ? {} : { sharedParams: params.shared }),
  });
  const errors = checked.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || checked.lowered?.layout === undefined) {
    writeCodeFrames([{ ...checked, diagnostics: errors }], io.stderr, colorEnabled(io.stderrIsTTY, io.env));
    throw new InputError(`${shown} has errors; fix them before diffing it`);
  }
  const attestations = checked.attestations?.layout;
  const snapshot: PolicySnapshot = { layout: checked.lowered.layout, target: checked.lowered.target, origin: "policy", ...(attestations ? { attestations } : {}) };
  const expires = parse(checked.text).file.layout?.expires;
  const declared = checked.lowered.analysis.file.consts.filter((c) => c.param === true).map((c) => c.name.text);
  return {
    snapshot: {
      ...snapshot,
      names: namesOf(checked.lowered.keyids),
      source: { text: checked.text, sourceMap: checked.lowered.sourceMap },
      ...(expires?.kind === "relative" ? { relativeExpiry: expires } : {}),
    },
    declared,
  };
}

function render(changes: Change[], opts: DiffFlags, io: Io): string {
  const format = opts.format;
  if (format === "json") return renderDiffJson(changes);
  if (format === "markdown") return renderDiffMarkdown(changes, { links: { old: opts.linkOld, new: opts.linkNew } });
  const style = makeStyle(colorEnabled(io.stdoutIsTTY, io.env));
  // Subjects and reasons hold names from the policies: control characters are shown, not obeyed.
  const shown = changes.map((c) => ({ ...c, subject: escapeForTerminal(c.subject), reason: escapeForTerminal(c.reason) }));
  return renderDiffText(shown, (c, label) => (mayWeaken(c) ? style.red(label) : c === "strengthens" ? style.green(label) : label));
}

/** Registers `totem diff`. */
export function register(program: Command): void {
  program
    .command("diff")
    .description("show what changed between two policies or layouts, marking weakening changes")
    .argument("<old>", "the old .totem policy, signed layout or attestation layout")
    .argument("<new>", "the new .totem policy, signed layout or attestation layout")
    .addOption(new Option("--format <format>", "output format").choices(FORMATS).default("text"))
    .option("--fail-on-weaken", "exit 1 when any change weakens the policy, is mixed, or has an effect not determined")
    .option("--now <time>", "the time relative expiries resolve against (RFC 3339 or @unix-seconds; default: a signed layout's reference time, else the clock)")
    .option("--link-old <url>", "markdown: link rows of removed parts to URL#L<line> of the old policy")
    .option("--link-new <url>", "markdown: link the other rows to URL#L<line> of the new policy")
    .option("--param <name=value>", "a value for `param NAME` of both policies, as compile's (repeatable; a side that does not declare it ignores it)", collectParam)
    .option("--param-old <name=value>", "a value for `param NAME` of OLD only (repeatable; wins over --param)", collectParam)
    .option("--param-new <name=value>", "a value for `param NAME` of NEW only (repeatable; wins over --param)", collectParam)
    .addHelpText("after", EXAMPLES)
    .action(async (oldFile: string, newFile: string, opts: DiffFlags, cmd: Command) => {
      const io = ioOf(cmd);
      const now = resolveNow(opts.now, io);
      const before = await readSide(oldFile, io, now, { shared: opts.param, own: opts.paramOld });
      const after = await readSide(newFile, io, now, { shared: opts.param, own: opts.paramNew });
      for (const name of Object.keys(opts.param ?? {})) {
        if (!before.declared.includes(name) && !after.declared.includes(name)) throw new UsageError(`--param ${name}: neither ${oldFile} nor ${newFile} declares param "${name}"`);
      }
      const changes = diffPolicies(before.snapshot, after.snapshot, { explicitNow: opts.now !== undefined });
      io.stdout.write(render(changes, opts, io));
      if (opts.failOnWeaken && changes.some((c) => mayWeaken(c.classification))) setExit(cmd, EXIT.FAILED);
    });
}

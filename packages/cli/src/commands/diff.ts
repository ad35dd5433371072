// `totem diff OLD NEW`: the semantic difference between two policies or signed layouts (each side
// may be either; the content decides), every change marked by what it does to the set of accepted
// supply chains: weakens, strengthens, mixed, neutral, or not determined (docs/cli.md, "totem diff").
// Compares lowered layouts, so formatting, comments, constants and rule sets never show up.
import {
  type Change,
  diffPolicies,
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
import { EXIT, InputError } from "../errors.js";
import { readBytes, userPath } from "../io.js";
import { type Io, ioOf, resolveNow, setExit } from "../program.js";
import { colorEnabled, escapeForTerminal, makeStyle } from "../terminal.js";
import { checkPolicy, writeCodeFrames } from "./check.js";
import { looksLikeJson, readSignedLayout } from "./signed-layout.js";

const FORMATS = ["text", "markdown", "json"] as const;
type Format = (typeof FORMATS)[number];

const EXAMPLES = `
Examples:
  $ totem diff old/root.totem root.totem
  $ totem diff root.layout root.totem --format markdown > comment.md    (a pull-request comment)
  $ git show main:root.totem > /tmp/old.totem && totem diff /tmp/old.totem root.totem --fail-on-weaken

OLD and NEW are each a .totem policy or a signed layout (Metablock or DSSE); JSON content means a
layout. Policies are lowered with their key files. A policy's "expires in …" compared with a signed
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
}

/** Functionary names by keyid, from a policy's `by` lists matched with its lowered steps. */
function namesOf(text: string, snapshot: PolicySnapshot): Map<string, string> {
  const names = new Map<string, string>();
  const decl = parse(text).file.layout;
  for (const step of decl?.steps ?? []) {
    const lowered = snapshot.layout.steps.find((s) => s.name === step.name.text);
    step.by.forEach((name, i) => {
      const keyid = lowered?.pubkeys[i];
      if (keyid !== undefined && name.text !== "") names.set(keyid, name.text);
    });
  }
  return names;
}

function readSide(file: string, io: Io, now: Date): PolicySnapshot {
  const given = userPath(io.cwd, file);
  const { shown } = given;
  const bytes = readBytes(given.path, "policy or layout", shown);
  if (looksLikeJson(bytes)) {
    const { layout } = readSignedLayout(bytes, shown);
    // A layout has no names: use the ones `totem import` would give its functionaries.
    return { layout, target: guessTarget(layout).target, names: functionaryNames(layout), origin: "layout" };
  }
  const checked = checkPolicy(given, io, { now });
  const errors = checked.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || checked.lowered?.layout === undefined) {
    writeCodeFrames([{ ...checked, diagnostics: errors }], io.stderr, colorEnabled(io.stderrIsTTY, io.env));
    throw new InputError(`${shown} has errors; fix them before diffing it`);
  }
  const snapshot: PolicySnapshot = { layout: checked.lowered.layout, target: checked.lowered.target, origin: "policy" };
  const expires = parse(checked.text).file.layout?.expires;
  return {
    ...snapshot,
    names: namesOf(checked.text, snapshot),
    source: { text: checked.text, sourceMap: checked.lowered.sourceMap },
    ...(expires?.kind === "relative" ? { relativeExpiry: expires } : {}),
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
    .argument("<old>", "the old .totem policy or signed layout")
    .argument("<new>", "the new .totem policy or signed layout")
    .addOption(new Option("--format <format>", "output format").choices(FORMATS).default("text"))
    .option("--fail-on-weaken", "exit 1 when any change weakens the policy, is mixed, or has an effect not determined")
    .option("--now <time>", "the time relative expiries resolve against (RFC 3339 or @unix-seconds; default: a signed layout's reference time, else the clock)")
    .option("--link-old <url>", "markdown: link rows of removed parts to URL#L<line> of the old policy")
    .option("--link-new <url>", "markdown: link the other rows to URL#L<line> of the new policy")
    .addHelpText("after", EXAMPLES)
    .action(async (oldFile: string, newFile: string, opts: DiffFlags, cmd: Command) => {
      const io = ioOf(cmd);
      const now = resolveNow(opts.now, io);
      const before = readSide(oldFile, io, now);
      const after = readSide(newFile, io, now);
      const changes = diffPolicies(before, after, { explicitNow: opts.now !== undefined });
      io.stdout.write(render(changes, opts, io));
      if (opts.failOnWeaken && changes.some((c) => mayWeaken(c.classification))) setExit(cmd, EXIT.FAILED);
    });
}

// `totem verify --layout L --attestations DIR [--substitute-parameters FILE]`: attestations against
// an ITE-10/11 layout in attestation-verifier's YAML format (the engine's verifyAttestations). The
// `verify` command (verify.ts) hands over to this module when --attestations is given.
import { ATTESTATIONS_TOTAL_LIMIT, readAttestationFolder } from "@totem/node-io";
import { type AttestationFile, type AttestationVerdict, type JsonValue, parseAttestationLayout, parseAttestJson, substituteParameters, verifyAttestations } from "@totem/engine";
import type { Command } from "commander";
import { EXIT, InputError, UsageError } from "../errors.js";
import { readBytes, readText, resolveFrom, userPath } from "../io.js";
import { ioOf, resolveNow, setExit } from "../program.js";
import { escapeForTerminal } from "../terminal.js";

/** The flags of `totem verify` this mode reads. */
export interface AttestationFlags {
  layout: string;
  attestations?: string;
  substituteParameters?: string;
  trustedRoot?: string;
  now?: string;
  json?: boolean;
  quiet?: boolean;
}

/** Every file of the attestations folder (node-io's reader, shared with the language server's simulate and `totem test`). */
export function readFolder(dir: string, shown: string): AttestationFile[] {
  const read = readAttestationFolder(dir);
  if (read.ok) return read.value;
  if (read.error.kind === "unreadable") throw new InputError(`cannot read attestation '${shown}/${read.error.name}': not a readable regular file within the size limit`);
  throw new InputError(`the attestations in '${shown}' exceed ${ATTESTATIONS_TOTAL_LIMIT} bytes in all; split the folder`);
}

/** A JSON input of attestation verification (parameters, a trusted root); unreadable or malformed: InputError. */
export function readAttestJsonFile(path: string, shown: string, what: "parameters" | "trusted root"): JsonValue {
  const json = parseAttestJson(readBytes(path, what, shown, "policy"), what === "parameters" ? "parameters file" : what);
  if (!json.ok) throw new InputError(`cannot read ${what} '${shown}': ${json.error.message}`);
  return json.value;
}

function report(verdict: AttestationVerdict, layout: string): string {
  const lines = [verdict.passed ? `PASSED: ${layout}` : `FAILED: ${layout}`];
  for (const f of verdict.failures) lines.push(`  error ${f.code}: ${escapeForTerminal(f.message)}`);
  for (const w of verdict.warnings) lines.push(`  warning ${w.code}: ${escapeForTerminal(w.message)}`);
  if (verdict.passed) for (const a of verdict.accepted) lines.push(`  ok ${escapeForTerminal(a.step)}: ${escapeForTerminal(a.predicateType)} by ${/^[0-9a-f]{64}$/.test(a.signer) ? a.signer.slice(0, 8) : escapeForTerminal(a.signer)} (${escapeForTerminal(a.file)})`);
  return `${lines.join("\n")}\n`;
}

/** Runs `verify --attestations`: exit 0 passed, 1 failed, 2 unreadable input or bad flags. */
export async function verifyWithAttestations(flags: AttestationFlags, cmd: Command): Promise<void> {
  const io = ioOf(cmd);
  if (flags.attestations === undefined) throw new UsageError("--substitute-parameters and --trusted-root apply to --attestations (ITE-10/11 layouts) only");
  const now = resolveNow(flags.now, io, "verdict");
  const { path: layoutPath, shown: shownLayout } = userPath(io.cwd, flags.layout);
  const parsed = await parseAttestationLayout(readText(layoutPath, "layout", shownLayout, "policy"));
  if (!parsed.ok) throw new InputError(`cannot read attestation layout '${shownLayout}': ${parsed.error.message} (at ${parsed.error.path})`);
  let parameters: Parameters<typeof substituteParameters>[1] = {};
  if (flags.substituteParameters !== undefined) {
    parameters = readAttestJsonFile(resolveFrom(io.cwd, flags.substituteParameters), flags.substituteParameters, "parameters");
  }
  const substituted = substituteParameters(parsed.value, parameters);
  if (!substituted.ok) {
    const { code, message } = substituted.error;
    if (code === "parameters-shape" || code === "parameters-name") throw new InputError(`parameters '${flags.substituteParameters}': ${message}`);
    // A layout whose placeholders have no values cannot pass: a verification failure, not bad input.
    io.stderr.write(`FAILED: ${shownLayout}\n  error ${code}: ${message}\n`);
    setExit(cmd, EXIT.FAILED);
    return;
  }
  const layout = substituted.value;
  let trustedRoot: JsonValue | undefined;
  if (flags.trustedRoot !== undefined) trustedRoot = readAttestJsonFile(resolveFrom(io.cwd, flags.trustedRoot), flags.trustedRoot, "trusted root");
  const dir = resolveFrom(io.cwd, flags.attestations);
  const verdict = await verifyAttestations(layout, readFolder(dir, flags.attestations), now, trustedRoot === undefined ? {} : { trustedRoot });
  if (flags.json) {
    io.stdout.write(`${JSON.stringify({ version: 1, layout: shownLayout, ...verdict }, null, 2)}\n`);
  } else if (!(verdict.passed && flags.quiet)) {
    (verdict.passed ? io.stdout : io.stderr).write(report(verdict, shownLayout));
  }
  if (!verdict.passed) setExit(cmd, EXIT.FAILED);
}

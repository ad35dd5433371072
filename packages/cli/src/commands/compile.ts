// `totem compile POLICY`: analyze and lower a policy, sign the layout with each --key, and write it
// atomically. Refuses (exit 1, nothing written) when the policy has errors. Deterministic: identical
// input and --now (or SOURCE_DATE_EPOCH) give identical bytes.
import { basename, extname } from "node:path";
import {
  attestationLayoutToYaml,
  celParser,
  type DssePayloadForm,
  type EnvelopeKind,
  type JsonObject,
  type Target,
  TARGETS,
  canonicalize,
  dsseBody,
  envelopeToText,
  layoutToJson,
  signDsse,
  signMetablock,
} from "@totem/engine";
import { DEFAULT_TARGET, dssePayloadForm, ITE10, targetsIte10 } from "@totem/dsl";
import { type Command, Option } from "commander";
import { EXIT, UsageError } from "../errors.js";
import { resolveFrom, userPath } from "../io.js";
import { refuseOverwritingInput, writeFileAtomic } from "../write-files.js";
import { ioOf, resolveNow, setExit } from "../program.js";
import { colorEnabled } from "../terminal.js";
import { type CheckedPolicy, checkPolicyWithKeyrings, writeCodeFrames } from "./check.js";
import { type Signer, loadSigners, signerKeyids } from "../signing-keys.js";
import { gpgSignatures, metablockTextWithGpg } from "../gpg.js";
import { collectParam } from "../params.js";
import { plural } from "../words.js";

/**
 * DSSE envelopes exist only for the modern target: in-toto 1.3.1 reads Metablock only (SPEC-NOTES
 * §1.1), so a DSSE layout for it could never verify. Throws UsageError for that combination.
 */
export function checkEnvelopeForTarget(envelope: EnvelopeKind, target: Target): void {
  if (envelope === "dsse" && target === "in-toto-1.3") {
    throw new UsageError(
      "--envelope dsse needs --target in-toto or in-toto-golang: in-toto 1.3 reads only Metablock layouts",
      "(see totem compile --help)",
    );
  }
}

/** Signs a layout payload into the file text of the chosen envelope (a DSSE payload in `form`, default sorted-json). */
export function envelopeText(payload: JsonObject, signers: Signer[], target: Target, envelope: EnvelopeKind, form?: DssePayloadForm): string {
  const keys = signers.map((s) => s.key);
  const env = envelope === "dsse" ? signDsse(dsseBody(payload, form), keys, target) : signMetablock(payload, keys, target);
  return envelopeToText(env);
}

const EXAMPLES = `
Examples:
  $ totem compile root.totem --key keys/owner -o root.layout
  $ TOTEM_KEY_PASSWORD=… totem compile root.totem --key keys/alice --key keys/bob
  $ SOURCE_DATE_EPOCH=1767225600 totem compile root.totem --key keys/owner    (reproducible bytes)
  $ totem compile root.totem --target in-toto --envelope dsse --key keys/owner
  $ totem compile release.totem -o layout.yml       (a policy with target "ite-10": an attestation layout)

The default target is in-toto-1.3: the layout format the reference verifier in-toto 1.3.1 reads, and
the one Totem's interop tests prove. Key files named in the policy resolve relative to the policy;
--key paths relative to the current directory. Encrypted keys read their password from the variable
named by --password-env (default TOTEM_KEY_PASSWORD), or from a prompt when on a terminal.

A policy with \`target "ite-10"\` compiles to an ITE-10/11 attestation layout in
in-toto/attestation-verifier's YAML format (default output <policy name>.yml). Such layouts are not
signed — attestation-verifier's are plain YAML, trusted as the file given to the verifier — so --key,
--gpg and --envelope do not apply (docs/attestations.md).

Exit codes: 0 written, 1 the policy has errors (nothing written), 2 bad flag or unreadable input.
`;

interface CompileFlags {
  output?: string;
  key: string[];
  /** -g/--gpg: also sign with GPG keys (or gpg's default key), as totem sign --gpg. */
  gpg?: true | string[];
  gpgHome?: string;
  passwordEnv: string;
  target?: Target | typeof ITE10;
  envelope?: EnvelopeKind;
  now?: string;
  param?: Record<string, string>;
}

/**
 * `totem compile` of a policy with target "ite-10": the attestation layout as attestation-verifier's
 * YAML (the engine's one writer), unsigned.
 */
function writeAttestationLayout(checked: CheckedPolicy, opts: CompileFlags, io: ReturnType<typeof ioOf>, cmd: Command): void {
  if (opts.key.length > 0 || opts.gpg || opts.envelope) {
    throw new UsageError("an ITE-10 attestation layout is not signed: drop --key, --gpg and --envelope (attestation-verifier reads plain YAML)");
  }
  writeCodeFrames([checked], io.stderr, colorEnabled(io.stderrIsTTY, io.env));
  const layout = checked.attestations?.layout;
  if (layout === undefined || checked.diagnostics.some((d) => d.severity === "error")) {
    io.stderr.write(`totem: ${checked.uri} has errors; no layout was written\n`);
    setExit(cmd, EXIT.FAILED);
    return;
  }
  const name = basename(checked.path, extname(checked.path));
  const { path: out, shown } = userPath(io.cwd, opts.output ?? `${name}.yml`);
  refuseOverwritingInput(out, `-o ${opts.output ?? shown}`, [{ path: checked.path, what: "policy" }]);
  writeFileAtomic(out, attestationLayoutToYaml(layout), undefined, shown);
  const functionaries = layout.functionaries.size + layout.identities.size;
  io.stderr.write(
    `compiled ${checked.uri} → ${shown}: target ${ITE10}, ${plural(layout.steps.length, "step")}, ${plural(functionaries, "functionary", "functionaries")}, expires ${layout.expires}, unsigned (an attestation-verifier layout)\n`,
  );
}

/** Registers `totem compile`. */
export function register(program: Command): void {
  program
    .command("compile")
    .description("compile a policy into a signed in-toto layout")
    .argument("<policy>", "the .totem policy to compile")
    .option("-o, --output <file>", "where to write the layout (default: <policy name>.layout in the current directory)")
    .option("-k, --key <private-key>", "sign with this private key (repeatable)", (v: string, acc: string[]) => [...acc, v], [])
    .option("--password-env <var>", "environment variable holding the password of encrypted keys", "TOTEM_KEY_PASSWORD")
    .option("-g, --gpg [keyid...]", "also sign with GPG keys from the keyring (fingerprints), or gpg's default key when none is named (Metablock only)")
    .option("--gpg-home <dir>", "the GnuPG home directory for --gpg (default: gpg's own)")
    .addOption(new Option("--target <target>", `layout flavour (default: the policy's, else ${DEFAULT_TARGET})`).choices([...TARGETS, ITE10]))
    .addOption(new Option("--envelope <kind>", "signature envelope (default: dsse for target in-toto-golang, else metablock)").choices(["metablock", "dsse"]))
    .option("--param <name=value>", "a value for the policy's `param NAME` (repeatable)", collectParam)
    .option("--now <time>", "the time relative expiries resolve against (RFC 3339 or @unix-seconds; default SOURCE_DATE_EPOCH or the clock)")
    .addHelpText("after", EXAMPLES)
    .action(async (policy: string, opts: CompileFlags, cmd: Command) => {
      const io = ioOf(cmd);
      const requested = opts.target === ITE10 ? undefined : opts.target;
      if (requested && opts.envelope) checkEnvelopeForTarget(opts.envelope, requested);
      const now = resolveNow(opts.now, io);
      const checked = await checkPolicyWithKeyrings(policy, io, { now, target: requested, params: opts.param ?? {}, celSyntax: await celParser() });
      const ite10 = targetsIte10(checked.lowered.analysis.file.layout);
      if (opts.target === ITE10 && !ite10) {
        throw new UsageError(`--target ite-10 needs a policy written for it: add target "ite-10" to ${checked.uri} (its checks depend on the target)`);
      }
      if (ite10) {
        writeAttestationLayout(checked, opts, io, cmd);
        return;
      }
      writeCodeFrames([checked], io.stderr, colorEnabled(io.stderrIsTTY, io.env));
      const lowered = checked.lowered;
      if (!lowered.layout || checked.diagnostics.some((d) => d.severity === "error")) {
        io.stderr.write(`totem: ${checked.uri} has errors; no layout was written\n`);
        setExit(cmd, EXIT.FAILED);
        return;
      }
      const target = lowered.target;
      // in-toto-golang's layouts (and in-toto ≥2's) are DSSE, as is a layout naming its dsse-payload
      // form; a Metablock is still available.
      const form = dssePayloadForm(checked.lowered.analysis.file.layout);
      const envelope: EnvelopeKind = opts.envelope ?? (target === "in-toto-golang" || form !== undefined ? "dsse" : "metablock");
      checkEnvelopeForTarget(envelope, target);
      if (form !== undefined && envelope !== "dsse") throw new UsageError(`--envelope ${envelope} contradicts the policy's dsse-payload "${form}": compile it as DSSE`);
      if (opts.gpg && envelope === "dsse") throw new UsageError("--gpg signs Metablock layouts only (in-toto 1.3.1 has no DSSE)");
      const signers = await loadSigners(opts.key, io, opts.passwordEnv);
      const payload = layoutToJson(lowered.layout);
      const gpgSigned = await gpgSignatures(opts.gpg, opts.gpgHome, canonicalize(payload), io.cwd);
      const text = gpgSigned.length > 0 ? metablockTextWithGpg(payload, signers.map((s) => s.key), target, gpgSigned) : envelopeText(payload, signers, target, envelope, form);
      const name = basename(checked.path, extname(checked.path));
      const { path: out, shown } = userPath(io.cwd, opts.output ?? `${name}.layout`);
      refuseOverwritingInput(out, `-o ${opts.output ?? shown}`, [
        { path: checked.path, what: "policy" },
        ...opts.key.map((k) => ({ path: resolveFrom(io.cwd, k), what: `private key ${k}` })),
      ]);
      writeFileAtomic(out, text, undefined, shown);
      const layout = lowered.layout;
      const signedBy = [...signerKeyids(signers, target), ...gpgSigned.map((g) => g.keyid)];
      const signed = signedBy.length > 0 ? `signed by ${signedBy.join(", ")}` : "unsigned";
      io.stderr.write(
        `compiled ${checked.uri} → ${shown}: target ${target}, ${envelope}, ` +
          `${plural(layout.steps.length, "step")}, ${plural(layout.inspect.length, "inspection")}, expires ${layout.expires}, ${signed}\n`,
      );
      if (signedBy.length === 0) {
        io.stderr.write("totem: warning: the layout is unsigned; verifiers reject it until it is signed (totem sign --key)\n");
      }
    });
}

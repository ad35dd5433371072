// `totem sign LAYOUT --key K`: adds signatures to an existing layout made by any tool (Metablock or
// DSSE), keeping its payload: only the signature list changes. Each signature covers exactly the bytes
// verifiers check (loadEnvelope's signedBytes: SPEC-NOTES §1.1 for Metablock, PAE for DSSE §1.2).
import {
  type DsseEnvelope,
  type GpgSignature,
  type JsonObject,
  type Metablock,
  type Signature,
  type Target,
  TARGETS,
  describeLoadError,
  envelopeToText,
  loadEnvelope,
  parseStrictJson,
  signatureFor,
  toBase64,
  toHex,
} from "@totem/engine";
import { type Command, Option } from "commander";
import { InputError, UsageError } from "../errors.js";
import { readBytes, resolveFrom, userPath } from "../io.js";
import { refuseOverwritingInput, writeFileAtomic } from "../write-files.js";
import { ioOf } from "../program.js";
import { type Signer, loadSigners, signerKeyids } from "../signing-keys.js";
import { gpgSignatures } from "../gpg.js";

const EXAMPLES = `
Examples:
  $ totem sign root.layout --key keys/owner                  sign in place
  $ totem sign unsigned.layout --key keys/alice --key keys/bob -o root.layout
  $ totem sign root.dsse.json --key keys/owner                 a DSSE layout (modern keyids)
  $ totem sign root.layout --gpg 8465A1E2E0FB2B40ADB2478E18FB3F537E0C8A17 --gpg-home ~/.gnupg

The payload is kept byte for byte; a key that already signed has its signature replaced.
Exit codes: 0 written, 2 bad flag, unreadable or malformed layout, unreadable key or wrong password.
`;

interface SignFlags {
  key: string[];
  /** -g/--gpg: gpg's default key (the flag alone) or these keyids (in-toto-sign --gpg). */
  gpg?: true | string[];
  gpgHome?: string;
  output?: string;
  target?: Target;
  passwordEnv: string;
}

/** Replaces the signature of the same keyid, or appends: signing twice with one key is idempotent. */
function withSignature(signatures: readonly Signature[], signature: Signature): Signature[] {
  const i = signatures.findIndex((s) => s.keyid === signature.keyid);
  return i < 0 ? [...signatures, signature] : signatures.map((s, j) => (j === i ? signature : s));
}

/** Registers `totem sign`. */
export function register(program: Command): void {
  program
    .command("sign")
    .description("add signatures to an existing layout (any tool's, Metablock or DSSE), keeping its payload")
    .argument("<layout>", "the layout file to sign")
    .option("-k, --key <private-key>", "sign with this private key (repeatable, at least one)", (v: string, acc: string[]) => [...acc, v], [])
    .option("-g, --gpg [keyid...]", "sign with GPG keys from the keyring (fingerprints), or gpg's default key when none is named (Metablock only, as in-toto-sign --gpg)")
    .option("--gpg-home <dir>", "the GnuPG home directory for --gpg (default: gpg's own)")
    .option("-o, --output <file>", "write here instead of replacing LAYOUT")
    .addOption(new Option("--target <target>", "keyid form (default: in-toto-1.3 for Metablock, in-toto for DSSE)").choices(TARGETS))
    .option("--password-env <var>", "environment variable holding the password of encrypted keys", "TOTEM_KEY_PASSWORD")
    .addHelpText("after", EXAMPLES)
    .action(async (file: string, opts: SignFlags, cmd: Command) => {
      const io = ioOf(cmd);
      if (opts.key.length === 0 && !opts.gpg) throw new UsageError("sign needs at least one --key or --gpg", "(see totem sign --help)");
      const { path, shown } = userPath(io.cwd, file);
      const bytes = readBytes(path, "layout", shown);
      const loaded = loadEnvelope(bytes, { expect: "layout" });
      if (!loaded.ok) {
        throw new InputError(`cannot read layout '${shown}': ${describeLoadError(loaded.error)}`);
      }
      const envelope = loaded.value;
      const target: Target = opts.target ?? (envelope.envelope === "dsse" ? "in-toto" : "in-toto-1.3");
      if (envelope.envelope === "dsse" && target === "in-toto-1.3") {
        throw new UsageError("a DSSE layout takes --target in-toto: in-toto 1.3 reads only Metablock layouts");
      }
      if (opts.gpg && envelope.envelope === "dsse") throw new UsageError("--gpg signs Metablock layouts only (in-toto 1.3.1 has no DSSE)");
      const signers = await loadSigners(opts.key, io, opts.passwordEnv);
      const gpgSigned = await gpgSignatures(opts.gpg, opts.gpgHome, envelope.signedBytes, io.cwd);
      const raw = parseStrictJson(bytes);
      if (!raw.ok || typeof raw.value !== "object" || raw.value === null || Array.isArray(raw.value)) {
        throw new InputError(`cannot read layout '${shown}': it is not a JSON object`);
      }
      const text = signedText(raw.value, envelope.envelope, envelope.signatures, envelope.signedBytes, signers, target, gpgSigned);
      // The payload must not have moved: reload what we are about to write and compare the signed bytes.
      const again = loadEnvelope(new TextEncoder().encode(text), { expect: "layout" });
      if (!again.ok || Buffer.compare(Buffer.from(again.value.signedBytes), Buffer.from(envelope.signedBytes)) !== 0) {
        throw new InputError(`cannot sign '${shown}' without changing its payload (it holds values Totem cannot re-emit exactly)`);
      }
      const out = opts.output === undefined ? { path, shown } : userPath(io.cwd, opts.output);
      refuseOverwritingInput(out.path, `-o ${opts.output}`, opts.key.map((k) => ({ path: resolveFrom(io.cwd, k), what: `private key ${k}` })));
      writeFileAtomic(out.path, text, undefined, out.shown);
      const keyids = [...signerKeyids(signers, target), ...gpgSigned.map((s) => s.keyid)];
      io.stderr.write(
        `signed ${shown} → ${out.shown}: ${envelope.envelope}, target ${target}, ` +
          `${again.value.signatures.length} signatures, added ${keyids.join(", ")}\n`,
      );
    });
}

/** The envelope's text with one signature per signer over `signedBytes`, other fields untouched. */
function signedText(
  raw: JsonObject,
  kind: "metablock" | "dsse",
  existing: readonly Signature[],
  signedBytes: Uint8Array,
  signers: readonly Signer[],
  target: Target,
  gpgSigned: readonly GpgSignature[] = [],
): string {
  let signatures = [...existing];
  for (const s of signers) {
    signatures = withSignature(signatures, signatureFor(s.key, signedBytes, target, kind === "dsse" ? toBase64 : toHex));
  }
  // OpenPGP signature objects ({keyid, other_headers, signature}) sit in the same list, by keyid.
  for (const g of gpgSigned) signatures = withSignature(signatures, g as unknown as Signature);
  if (kind === "dsse") return envelopeToText({ ...(raw as unknown as DsseEnvelope), signatures });
  return envelopeToText({ ...(raw as unknown as Metablock<JsonObject>), signatures });
}

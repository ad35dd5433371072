// `totem verify-bundle`: the sigstore-conformance client protocol for bundle verification —
// a Sigstore bundle checked offline against a trusted root (the engine's verifySigstoreBundle,
// the same code path policy verification uses). Exit 0 verified, 1 not verified, 2 bad input.
import { type BundleArtifact, type BundleSigner, parseAttestJson, verifySigstoreBundle } from "@totem/engine";
import type { Command } from "commander";
import { EXIT, InputError, UsageError } from "../errors.js";
import { readBytes, readText, resolveFrom } from "../io.js";
import { ioOf, setExit } from "../program.js";

const EXAMPLES = `
Examples:
  $ totem verify-bundle --bundle a.txt.sigstore.json --trusted-root trusted_root.json \\
      --certificate-identity https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main \\
      --certificate-oidc-issuer https://token.actions.githubusercontent.com a.txt
  $ totem verify-bundle --bundle b.sigstore.json --trusted-root trusted_root.json --key cosign.pub \\
      sha256:3f7c…

ARTIFACT is a file, or sha256:HEX or sha512:HEX (enough for DSSE bundles: the digest is compared with the subjects).
Nothing is fetched: the trusted root (Sigstore TrustedRoot JSON) is the only source of trust.
Exit codes: 0 verified, 1 not verified (the reason is printed), 2 bad flags or unreadable input.
`;

interface Flags {
  bundle: string;
  trustedRoot?: string;
  certificateIdentity?: string;
  certificateOidcIssuer?: string;
  key?: string;
}

/** The signer the flags ask for: a certificate identity and issuer, or a key (never both). */
function signerOf(opts: Flags, readKey: (path: string) => string): BundleSigner {
  const identity = opts.certificateIdentity !== undefined || opts.certificateOidcIssuer !== undefined;
  if (opts.key !== undefined && identity) throw new UsageError("give either --key or --certificate-identity with --certificate-oidc-issuer, not both");
  if (opts.key !== undefined) return { publicKeyPem: readKey(opts.key) };
  if (opts.certificateIdentity === undefined || opts.certificateOidcIssuer === undefined) {
    throw new UsageError("--certificate-identity and --certificate-oidc-issuer go together (or give --key)");
  }
  return { identity: opts.certificateIdentity, issuer: opts.certificateOidcIssuer };
}

/** Registers `totem verify-bundle`. */
export function register(program: Command): void {
  program
    .command("verify-bundle")
    .description("verify a Sigstore bundle offline against a trusted root (sigstore-conformance protocol)")
    .argument("<artifact>", "the signed file, or sha256:HEX / sha512:HEX")
    .requiredOption("--bundle <file>", "the Sigstore bundle (v0.1–v0.3 JSON)")
    .option("--trusted-root <file>", "Sigstore trusted_root.json: the CAs, logs and timestamp authorities to trust (required)")
    .option("--certificate-identity <san>", "the signing certificate's subject (email or URI), matched exactly")
    .option("--certificate-oidc-issuer <url>", "the OIDC issuer recorded in the certificate, matched exactly")
    .option("--key <file>", "a PEM public key instead of a certificate identity")
    .addHelpText("after", EXAMPLES)
    .action(async (target: string, opts: Flags, cmd: Command) => {
      const io = ioOf(cmd);
      if (opts.trustedRoot === undefined) {
        throw new UsageError("--trusted-root is required: Totem has no built-in trust and never fetches one (see docs/attestations.md)");
      }
      const readJson = (path: string, what: string) => {
        const parsed = parseAttestJson(readBytes(resolveFrom(io.cwd, path), what, path, "layout"), what);
        if (!parsed.ok) throw new InputError(`cannot read ${what} '${path}': ${parsed.error.message}`);
        return parsed.value;
      };
      const signer = signerOf(opts, (path) => readText(resolveFrom(io.cwd, path), "public key", path, "key"));
      const root = readJson(opts.trustedRoot, "trusted root");
      const bundleRead = parseAttestJson(readBytes(resolveFrom(io.cwd, opts.bundle), "bundle", opts.bundle, "layout"), "bundle");
      let artifact: BundleArtifact;
      const sha256 = /^sha256:([0-9a-fA-F]{64})$/.exec(target)?.[1];
      const sha512 = /^sha512:([0-9a-fA-F]{128})$/.exec(target)?.[1];
      if (sha256) artifact = { sha256 };
      else if (sha512) artifact = { sha512 };
      else if (/^sha(256|512):/.test(target)) throw new UsageError(`'${target}' is not sha256: with 64 or sha512: with 128 hex digits`);
      else artifact = { bytes: readBytes(resolveFrom(io.cwd, target), "artifact", target, "link") };
      const result = bundleRead.ok ? await verifySigstoreBundle(bundleRead.value, root, signer, artifact) : bundleRead;
      if (!result.ok) {
        if (result.error.code.startsWith("trusted-root")) throw new InputError(`trusted root '${opts.trustedRoot}': ${result.error.message}`);
        io.stderr.write(`FAILED: ${result.error.message} [${result.error.code}]\n`);
        setExit(cmd, EXIT.FAILED);
        return;
      }
      const who = result.value.identity ? `${result.value.identity} (${result.value.issuer ?? "no issuer"})` : "the given key";
      const what = result.value.statement ? `in-toto Statement (${result.value.statement.predicateType})` : "message signature";
      io.stdout.write(`OK: ${what} signed by ${who}\n`);
    });
}

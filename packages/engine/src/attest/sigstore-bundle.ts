// Offline verification of a Sigstore bundle against a trusted root (the sigstore-conformance client
// protocol for `verify-bundle`), with @sigstore/verify for the cryptography — certificate chain to
// the Fulcio CA at the signing time, SCTs, transparency-log inclusion (proof + checkpoint, or SET),
// RFC 3161 timestamps, the signature — and the checks that library leaves to its caller:
// DSSE payloadType and a single signature, the Statement's `_type`, the artifact against the
// subjects or the message digest, a trusted root whose authorities all have a validity start, and no
// CA certificate in the bundle's chain. Nothing here reads a file, the clock or the network.
import { createHash, createPublicKey } from "node:crypto";
import type { Bundle } from "@sigstore/bundle";
import type { X509Certificate } from "@sigstore/core";
import type { TrustedRoot } from "@sigstore/protobuf-specs";
import type { SignedEntity, Signer } from "@sigstore/verify";
import type { HashDict, JsonValue } from "../model.js";
import { ok, type Result } from "../result.js";
import { type AttestError, fail, isObject } from "./attest-error.js";
import { bundleEnvelope, envelopeStatement, parseBundle } from "./evidence.js";
import { nistLib, type SigstoreLibs, sigstoreLibs } from "./libraries.js";
import { verifyDigestSignature } from "./prehashed.js";
import { type Statement, subjectsMatching } from "./statement.js";

/**
 * Who must have signed: a Fulcio certificate identity (SAN, exact) and OIDC issuer, a public key
 * (PEM), or any certificate the trusted root vouches for — then the caller must compare the returned
 * identity itself (attestation layouts match it against several functionaries).
 */
export type BundleSigner =
  | { readonly identity: string; readonly issuer: string }
  | { readonly publicKeyPem: string }
  | { readonly anyCertificateIdentity: true };

/**
 * What is verified: the artifact's bytes, or only its digest — sha256 (the conformance protocol's
 * `sha256:HEX`) or sha512 (npm's subjects) — enough for DSSE bundles.
 */
export type BundleArtifact = { readonly bytes: Uint8Array } | { readonly sha256: string } | { readonly sha512: string };

/** A verified bundle: what it carried and who signed it. */
export interface VerifiedBundle {
  /** The in-toto Statement of a DSSE bundle (absent for a message signature). */
  readonly statement?: Statement;
  /** The certificate's SAN and OIDC issuer (absent for a key). */
  readonly identity?: string;
  readonly issuer?: string;
}

/** Reads a `trusted_root.json` (Sigstore TrustedRoot, protobuf JSON) and refuses authorities with no validity start. */
export function parseTrustedRoot(value: JsonValue, libs: SigstoreLibs): Result<TrustedRoot, AttestError> {
  if (!isObject(value)) return fail("trusted-root-invalid", "A trusted root must be a JSON object.");
  let root: TrustedRoot;
  try {
    root = libs.specs.TrustedRoot.fromJSON(value);
  } catch (e) {
    return fail("trusted-root-invalid", `The trusted root is malformed: ${(e as Error).message}.`);
  }
  // @sigstore/verify reads a missing start as the beginning of time; a root must say from when it trusts.
  const groups = [
    ["tlogs", root.tlogs.map((t) => t.publicKey?.validFor)],
    ["ctlogs", root.ctlogs.map((t) => t.publicKey?.validFor)],
    ["certificateAuthorities", root.certificateAuthorities.map((c) => c.validFor)],
    ["timestampAuthorities", root.timestampAuthorities.map((c) => c.validFor)],
  ] as const;
  for (const [name, validities] of groups) {
    const i = validities.findIndex((v) => v?.start === undefined);
    if (i >= 0) return fail("trusted-root-validity", `${name}[${i}] of the trusted root has no validFor.start; every authority must say from when it is trusted.`, `$.${name}[${i}]`);
  }
  return ok(root);
}

/** The artifact's digests: sha256 and sha512 of its bytes, or the one digest given. */
function artifactDigests(artifact: BundleArtifact): HashDict {
  if ("bytes" in artifact) {
    return { sha256: createHash("sha256").update(artifact.bytes).digest("hex"), sha512: createHash("sha512").update(artifact.bytes).digest("hex") };
  }
  return "sha256" in artifact ? { sha256: artifact.sha256.toLowerCase() } : { sha512: artifact.sha512.toLowerCase() };
}

/** The bundle's leaf certificate must not be a CA, and the bundle must not carry a self-signed root. */
function checkChain(bundle: Bundle, libs: SigstoreLibs): Result<void, AttestError> {
  const vm = bundle.verificationMaterial.content;
  const certs =
    vm.$case === "x509CertificateChain" ? vm.x509CertificateChain.certificates : vm.$case === "certificate" ? [vm.certificate] : [];
  for (const [i, c] of certs.entries()) {
    let cert: X509Certificate;
    try {
      cert = libs.core.X509Certificate.parse(Buffer.from(c.rawBytes));
    } catch (e) {
      return fail("bundle-certificate", `Certificate ${i} of the bundle cannot be read: ${(e as Error).message}.`);
    }
    if (i === 0 && cert.isCA) return fail("bundle-certificate", "The bundle's signing certificate is a CA certificate; a Fulcio leaf certificate is expected.");
    if (cert.subject.equals(cert.issuer)) return fail("bundle-certificate", "The bundle carries a self-signed (root) certificate; roots come from the trusted root only.");
  }
  return ok(undefined);
}

/**
 * The entity with its signature checked over `digest` (the artifact's sha256, already compared with
 * the bundle's message digest) instead of over the artifact's bytes, which the caller does not have.
 */
function overDigest(entity: SignedEntity, digest: Buffer, nist: Parameters<typeof verifyDigestSignature>[0]): SignedEntity {
  const content = entity.signature;
  const signature: SignedEntity["signature"] = {
    signature: content.signature,
    compareSignature: (s) => content.compareSignature(s),
    compareDigest: (d) => content.compareDigest(d),
    compareSignedDigest: (d) => content.compareSignedDigest(d),
    verifySignature: (key) => verifyDigestSignature(nist, key, digest, content.signature),
  };
  return { ...entity, signature };
}

function keyFinder(pem: string) {
  const publicKey = createPublicKey(pem);
  return () => ({ publicKey, validFor: () => true });
}

/**
 * Verifies a parsed bundle offline against a parsed trusted root, for `signer`, over `artifact`
 * (without an artifact, a DSSE bundle's subjects are left to the caller's artifact rules).
 * Returns what was verified, or why not (`sigstore-*` codes; the library's own error code is in the
 * message). Never rejects.
 */
export async function verifySigstoreBundle(
  bundleJson: JsonValue,
  trustedRootJson: JsonValue,
  signer: BundleSigner,
  artifact: BundleArtifact | undefined,
): Promise<Result<VerifiedBundle, AttestError>> {
  const libs = await sigstoreLibs();
  const bundle = parseBundle(bundleJson, libs);
  if (!bundle.ok) return bundle;
  const root = parseTrustedRoot(trustedRootJson, libs);
  if (!root.ok) return root;
  const chain = checkChain(bundle.value, libs);
  if (!chain.ok) return chain;
  const digests = artifact === undefined ? undefined : artifactDigests(artifact);
  const shown = digests && Object.entries(digests).map(([alg, hex]) => `${alg} ${hex}`)[0];

  let statement: Statement | undefined;
  const envelope = bundleEnvelope(bundle.value);
  if (envelope) {
    if (envelope.signatures.length !== 1) return fail("sigstore-dsse-signatures", `A bundle's DSSE envelope must have exactly one signature; it has ${envelope.signatures.length}.`);
    const parsed = envelopeStatement(envelope);
    if (!parsed.ok) return parsed;
    statement = parsed.value;
    if (digests !== undefined && subjectsMatching(statement, digests).length === 0) {
      return fail("subject-mismatch", `No subject of the Statement has the artifact's digest (${shown}).`, "$.payload.subject");
    }
  } else if (bundle.value.content.$case === "messageSignature") {
    const md = bundle.value.content.messageSignature.messageDigest;
    if (md && digests?.sha256 !== undefined && Buffer.from(md.digest).toString("hex") !== digests.sha256) {
      return fail("message-digest-mismatch", `The bundle's message digest is not the artifact's sha256 ${digests.sha256}.`);
    }
    if (artifact === undefined || "sha512" in artifact) return fail("sigstore-needs-artifact", "A message-signature bundle is verified over the artifact's bytes or its sha256; pass the file or sha256:HEX.");
  }
  const nist = artifact !== undefined && "sha256" in artifact && !envelope ? await nistLib() : undefined;

  try {
    const keyed = "publicKeyPem" in signer;
    const material = libs.verify.toTrustMaterial(root.value, keyed ? keyFinder(signer.publicKeyPem) : undefined);
    const hasTimestamp =
      (bundle.value.verificationMaterial.timestampVerificationData?.rfc3161Timestamps.length ?? 0) > 0 ||
      bundle.value.verificationMaterial.tlogEntries.some((t) => t.integratedTime !== "0" && t.integratedTime !== "");
    const verifier = new libs.verify.Verifier(material, {
      ctlogThreshold: keyed || root.value.ctlogs.length === 0 ? 0 : 1,
      timestampThreshold: keyed && !hasTimestamp ? 0 : 1,
    });
    let entity = libs.verify.toSignedEntity(bundle.value, artifact !== undefined && "bytes" in artifact ? Buffer.from(artifact.bytes) : Buffer.alloc(0));
    if (nist && digests?.sha256 !== undefined) entity = overDigest(entity, Buffer.from(digests.sha256, "hex"), nist);
    // No policy for the library: it matches a string identity as an unanchored regular expression
    // (String#match), so "alice@example.co" would accept "alice@example.com". Compared exactly below.
    const who: Signer = verifier.verify(entity);
    if ("identity" in signer) {
      const san = who.identity?.subjectAlternativeName;
      const issuer = who.identity?.extensions?.issuer;
      if (san !== signer.identity || issuer !== signer.issuer) {
        return fail("sigstore-policy", `The bundle was signed by ${san ?? "a certificate without a SAN"} (issuer ${issuer ?? "none"}), not by ${signer.identity} (issuer ${signer.issuer}).`);
      }
    }
    return ok({
      ...(statement ? { statement } : {}),
      ...(who.identity?.subjectAlternativeName ? { identity: who.identity.subjectAlternativeName } : {}),
      ...(who.identity?.extensions?.issuer ? { issuer: who.identity.extensions.issuer } : {}),
    });
  } catch (e) {
    const error = e as Error & { code?: string };
    const reason = error.code ? `${error.code}: ${error.message}` : error.message;
    return fail("sigstore-verification", `The bundle does not verify: ${reason}.`);
  }
}

// @totem/engine: the in-toto model, canonical JSON, keys and keyids, signing, verification,
// recording and fnmatch. Pure: it does no I/O; file contents, the clock and keys are parameters.
export type {
  ArtifactDict,
  ArtifactRule,
  ArtifactSide,
  CertConstraint,
  DsseEnvelope,
  EnvelopeKind,
  GpgKeyFields,
  GpgSignature,
  HashDict,
  Inspection,
  JsonObject,
  JsonValue,
  Layout,
  Link,
  LinkArtifacts,
  Metablock,
  PublicKey,
  PublicKeyval,
  RuleType,
  Signature,
  Step,
  Target,
} from "./model.js";
export { CERT_CONSTRAINT_FIELDS, INTOTO_PAYLOAD_TYPE, RULE_TYPES, TARGETS } from "./model.js";
export type { Result } from "./result.js";
export { assertNever, err, ok } from "./result.js";
export { canonicalize, canonicalizeChecked, canonicalString, compareCodePoints } from "./canonical-json.js";
export { parseRuleStrings, ruleToStrings } from "./rules.js";
export {
  layoutPayloadBytes,
  layoutToJson,
  linkPayloadBytes,
  linkToJson,
  publicKeyToJson,
  pythonJsonDumps,
} from "./serialize.js";
export {
  addMetablockSignature,
  envelopeToText,
  type SignatureFailure,
  signatureFor,
  signMetablock,
  signMetablockToText,
  verifyMetablockSignature,
} from "./sign.js";
export { DSSE_PAYLOAD_FORMS, type DssePayloadForm, dsseBody, pae, signDsse, verifyDsseSignature } from "./dsse.js";
export { fromBase64, fromHex, toBase64, toHex } from "./crypto/bytes.js";
export { type Ed25519, nobleEd25519, nodeEd25519 } from "./crypto/ed25519.js";
export { type KeyFields, keyVerifier, selectEd25519, type Verify, verifySignature } from "./crypto/verify.js";
export { KEYID_HASH_ALGORITHMS_13, type KeyidFields, keyidFor, keyidPreimage, usesKeyidHashAlgorithms } from "./keyid.js";
export { parsePrivateKey, parsePublicKey, publicKeyFromLayoutKey } from "./keys/parse.js";
export { type GeneratedKeyPair, generateKeyPair, generateKeyPairChecked, RSA_BITS } from "./keys/keygen.js";
export { rsaModulusBits, weakKeyProblem } from "./keys/strength.js";
export { GPG_METHODS, gpgKeyMaterial, gpgKeyToJson, isGpgKey, withGpgSignature } from "./keys/gpg-key.js";
export { readGpgPublicKey, readGpgSignature } from "./keys/gpg-packets.js";
export { type GpgSignatureCheck, isGpgSignature, verifyGpgSignature } from "./crypto/gpg-verify.js";
export type {
  KeyError,
  KeyErrorCode,
  KeyType,
  PrivateKeyMaterial,
  PublicKeyMaterial,
  SigningScheme,
  VerifierKey,
} from "./keys/types.js";
export { isSafeFileStem } from "./file-names.js";
export { fnmatch, fnmatchFilter } from "./fnmatch.js";
export { artifactAt, artifactCount, artifactPaths, artifactRecord } from "./verify/artifact-dict.js";
export type { LoadedEnvelope, LoadOptions } from "./load/envelope.js";
export { loadEnvelope } from "./load/envelope.js";
export { linkFromJson } from "./load/payload.js";
export { describeLoadError, type LoadError } from "./load/load-error.js";
export type { JsonLimits } from "./load/strict-json.js";
export { DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, parseStrictJson } from "./load/strict-json.js";
export { ruleText, verifyItemRules } from "./verify/artifact-rules.js";
export type { SignatureCheck } from "./verify/envelope-signature.js";
export { checkEnvelopeSignature } from "./verify/envelope-signature.js";
export { checkChunk, MIN_CHUNK_STEPS, planSteps } from "./verify/chunks.js";
export { linkFileName, sublayoutDir } from "./verify/link-stages.js";
export type {
  ChunkOutcome,
  ChunkRunner,
  Failure,
  InspectionContext,
  InspectionOutcome,
  LayoutKeyInput,
  RuleRef,
  RuleTrace,
  StageNumber,
  StepsPlan,
  VerificationResult,
  VerifyInput,
  Warning,
} from "./verify/types.js";
export { STAGES } from "./verify/types.js";
export { verifyChain } from "./verify/verify-chain.js";
export type { Recording } from "./record/build-link.js";
export { buildLink, unfinishedLinkFileFor } from "./record/build-link.js";
export { compileExcludes, DEFAULT_EXCLUDES } from "./record/excludes.js";
export type { ArtifactHasher, HashOptions } from "./record/hashing.js";
export { createArtifactHasher, HASH_ALGORITHMS, hashArtifact } from "./record/hashing.js";
export type { LstripError } from "./record/lstrip.js";
export { checkLstripPrefixes, lstripPath, lstripPaths } from "./record/lstrip.js";
export { artifactKey, joinPath, normpath } from "./record/paths.js";
export type { AttestError } from "./attest/attest-error.js";
export { parseAttestJson } from "./attest/attest-error.js";
export type { ResourceDescriptor, Statement } from "./attest/statement.js";
export { parseStatement, STATEMENT_PAYLOAD_TYPE, STATEMENT_V01, STATEMENT_V1, subjectsMatching } from "./attest/statement.js";
export type { DecodedEnvelope, EnvelopeKey, Evidence } from "./attest/evidence.js";
export { loadEvidence, verifyEnvelopeWithKeys } from "./attest/evidence.js";
export type { BundleArtifact, BundleSigner, VerifiedBundle } from "./attest/sigstore-bundle.js";
export { verifySigstoreBundle } from "./attest/sigstore-bundle.js";
export type { AttestationLayout, AttestationStep, ExpectedAttribute, ExpectedPredicate, SigstoreIdentity } from "./attest/layout.js";
export { attestationLayoutFromJson, functionaryKeyProblem, looksLikeAttestationLayout, parseAttestationLayout, substituteParameters } from "./attest/layout.js";
export { attestationLayoutToYaml } from "./attest/layout-yaml.js";
export { ruleFromLayoutString, ruleToLayoutString } from "./attest/layout-rules.js";
export type { AttestationFile, AttestationFinding, AttestationTrust, AttestationVerdict } from "./attest/verify-layout.js";
export { claimArtifacts, cleanPath, stepOfFile, verifyAttestations } from "./attest/verify-layout.js";
export { type CelSyntaxCheck, celParser, celSyntaxError, evaluateRule, type RuleOutcome } from "./attest/cel-rules.js";
export { LINK_PREDICATE_V03, linkStatement, signLinkStatement } from "./attest/link-statement.js";
export { CEL_VARIABLES, checkRuleFields, PREDICATE_TYPES, type PredicateField, type PredicateType, predicateType, type UnknownField } from "./attest/predicate-types.js";
export { identityMatches, identityPatternProblem } from "./attest/identity-pattern.js";

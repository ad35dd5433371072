// @totem/engine: the in-toto model, canonical JSON, keys and keyids, signing, verification,
// recording and fnmatch. Pure: it does no I/O; file contents, the clock and keys are parameters.
export type {
  ArtifactRule,
  ArtifactSide,
  DsseEnvelope,
  EnvelopeKind,
  HashDict,
  Inspection,
  JsonObject,
  JsonValue,
  Layout,
  Link,
  Metablock,
  PublicKey,
  RuleType,
  Signature,
  Step,
  Target,
} from "./model.js";
export { INTOTO_PAYLOAD_TYPE, RULE_TYPES, TARGETS } from "./model.js";
export type { Result } from "./result.js";
export { assertNever, err, ok } from "./result.js";
// H1: canonical JSON, rules, serialization, keys, keyids, crypto, signing (one block, kept together).
export { canonicalize, canonicalizeChecked, canonicalString, compareCodePoints } from "./canonical-json.js";
export { parseRuleStrings, ruleToStrings } from "./rules.js";
export { layoutPayloadBytes, layoutToJson, linkPayloadBytes, linkToJson, publicKeyToJson } from "./serialize.js";
export { fromBase64, fromHex, toBase64, toHex } from "./crypto/bytes.js";
export { type Ed25519, nobleEd25519, nodeEd25519 } from "./crypto/ed25519.js";
export { type KeyFields, keyVerifier, type Verify, verifySignature } from "./crypto/verify.js";
export { KEYID_HASH_ALGORITHMS_13, type KeyidFields, keyidFor, keyidPreimage } from "./keyid.js";
export { parsePrivateKey, parsePublicKey, publicKeyFromLayoutKey } from "./keys/parse.js";
export type {
  KeyError,
  KeyErrorCode,
  KeyType,
  PrivateKeyMaterial,
  PublicKeyMaterial,
  SigningScheme,
  VerifierKey,
} from "./keys/types.js";
// end H1

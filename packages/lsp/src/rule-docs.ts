// What each construct means in in-toto terms, shown by hover and completion. The wording follows
// the in-toto specification's artifact-rule section (in-toto spec v1.0 §4.3.3).
import type { RuleNode } from "@totem/dsl";

/** One-paragraph explanations of the rule kinds, keyed by rule keyword. */
export const RULE_DOCS: Record<RuleNode["kind"], string> = {
  match:
    "MATCH: for artifacts of this side matching the pattern (under the `in` prefix), require that the named step's or inspection's materials/products hold an artifact with the same path (under its prefix) and the same hashes; matched artifacts are consumed.",
  create:
    "CREATE: artifacts matching the pattern must be new in this step's products (absent from its materials); they are consumed. Only meaningful among products.",
  delete:
    "DELETE: artifacts matching the pattern must be materials that are gone from the products; they are consumed. Only meaningful among materials.",
  modify:
    "MODIFY: artifacts matching the pattern must appear in both materials and products with different hashes; they are consumed.",
  allow: "ALLOW: artifacts matching the pattern are consumed without further checks.",
  disallow:
    "DISALLOW: verification fails if any artifact still unconsumed matches the pattern. `disallow \"*\"` last makes the rule list an allow-list (in-toto issue 287).",
  require:
    "REQUIRE: verification fails unless this exact path is among the artifacts (a literal path, not a pattern); consumes nothing.",
  use: "USE: splices the rules of the named rule set here, in order, as if written in place.",
};

/** Short documentation of keywords, for completion details. */
export const KEYWORD_DOCS: Record<string, string> = {
  const: 'A string constant: `const NAME = "value"`, usable wherever a string is expected.',
  param: 'A parameter: `param NAME` or `param NAME = "default"`, a constant whose value is given at compile time (`totem compile --param NAME=value`; `param NAME = "value"` in a policy test). Without a value its default is used; without either it cannot be compiled (missing-param).',
  rules: "A reusable named list of artifact rules, spliced with `use NAME`.",
  layout: "The supply-chain layout: functionaries, steps and inspections.",
  target:
    'The compile target: "in-toto-1.3" (1.3 keyids, Metablock: what in-toto-verify 1.3.1 reads), "in-toto" (modern keyids) or "in-toto-golang" (1.3 keyids, DSSE by default, in-toto-golang\'s X.509 fields).',
  gpg: '`key gpg "FINGERPRINT" from "keyring.asc"`: the OpenPGP key with that fingerprint from a keyring file (`gpg --export` output, armored or binary) or, for a directory, from that GnuPG home. Read by `totem compile`, `check`, `test` and `diff` before compiling, and by the editor in the background; the key goes into the layout as securesystemslib exports it.',
  "dsse-payload":
    '`dsse-payload "sorted-json"` (the default) or `"sorted-json-newline"`: the text form of the payload in the DSSE envelope (targets in-toto and in-toto-golang). The signatures cover the payload bytes as written, so a layout whose payload ends with a newline (in-toto-golang\'s dsse-only layout) needs "sorted-json-newline" to come back byte for byte. Naming a form makes DSSE the default envelope.',
  expires: 'When the layout expires: `expires "YYYY-MM-DDTHH:MM:SSZ"` or `expires in 180d`.',
  readme: "Free text stored in the layout's readme field.",
  functionary: 'Someone allowed to sign links: `functionary NAME key "path/to/key.pub"`.',
  step: "A step performed and signed by functionaries; its link records materials and products.",
  inspection: "A command the verifier runs itself after the step rules pass.",
  by: "The functionaries allowed to sign this step's links.",
  threshold: "How many functionaries must sign agreeing links for this step (k of n).",
  expect: "`expect command …`: the command the link should record (a mismatch is only a warning).",
  command: "The expected command: a string split like a shell, or a list of strings.",
  run: "The inspection's command, run by the verifier.",
  materials: "Rules for the artifacts before the step (its materials).",
  products: "Rules for the artifacts after the step (its products).",
  with: "`with materials|products`: which side of the other step to compare with.",
  from: "The step or inspection whose link a `match` rule compares with.",
  in: "A path prefix: `in \"dir\"`.",
  type: 'Key type: "ed25519", "rsa" or "ecdsa".',
  scheme: 'Signature scheme: "ed25519", "rsassa-pss-sha256", "ecdsa-sha2-nistp256"…',
  public: "The public key value (hex for ed25519, PEM for RSA and ECDSA).",
  keyid: "An explicit keyid, for layouts made by tools with nonstandard keyids.",
  "hash-algorithms": "The key's keyid_hash_algorithms list (in-toto 1.3 keys).",
  private:
    '`private ""`: the empty `keyval.private` that in-toto 1.3.1\'s RSA loader (`Layout.add_functionary_key_from_path`) writes into layouts. It is signed with the key object but changes neither the keyid nor which key verifies; only "" is allowed (a policy never holds a private key).',
  certificate:
    "`keyval.certificate`: the PEM certificate of an in-toto-golang X.509 key (root or intermediate CA). Signed as written; Totem, like in-toto 1.3.1, does not verify certificates.",
  omit:
    '`omit ["keyid"]`: the key object is written without its own `keyid` field, as in-toto-rs writes layouts; the layout still lists it under its keyid (`keyid`, or computed). in-toto 1.3.1 loads such a layout but fails verification when a link signed with the key is present (it cannot check a signature with a key that has no keyid).',
  "root-cas":
    '`root-cas { NAME key { … } }`: in-toto-golang\'s `rootcas`, the certificate authorities its X.509 functionaries chain to (needs `target "in-toto-golang"`). Totem carries them byte for byte but, like in-toto 1.3.1, does not verify X.509 functionaries.',
  "intermediate-cas":
    '`intermediate-cas { NAME key { … } }`: in-toto-golang\'s `intermediatecas` (needs `target "in-toto-golang"`). Carried byte for byte, not verified by Totem.',
  "cert-constraints":
    '`cert-constraints { constraint { … } }`: in-toto-golang\'s step `cert_constraints`, which certificates may sign this step\'s links (needs `target "in-toto-golang"`). Carried byte for byte; Totem, like in-toto 1.3.1, does not check certificates.',
  constraint: "One certificate constraint: `common-name`, `dns-names`, `emails`, `organizations`, `roots`, `uris`; `\"*\"` allows any value, `[]` none.",
  "common-name": "`common_name`: the certificate subject's common name this constraint requires (`\"*\"` for any).",
  "dns-names": "`dns_names`: the DNS subject alternative names the certificate must have, all and only these (`[\"*\"]` for any).",
  emails: "`emails`: the e-mail subject alternative names the certificate must have (`[\"*\"]` for any).",
  organizations: "`organizations`: the subject organizations the certificate must have (`[\"*\"]` for any).",
  roots: '`roots`: keyids of `root-cas` entries the certificate must chain to (`["*"]` for any).',
  uris: "`uris`: the URI subject alternative names (e.g. SPIFFE ids) the certificate must have (`[\"*\"]` for any).",
  sigstore:
    '`functionary NAME sigstore { issuer "…" identity "…" }`: a keyless signer, a Sigstore identity: the Fulcio certificate\'s OIDC issuer and subject (SAN), verified offline against a trusted root (target "ite-10"; docs/attestations.md).',
  issuer: '`issuer "…"`: the OIDC issuer of the signer\'s Fulcio certificate, compared exactly (e.g. "https://token.actions.githubusercontent.com").',
  identity: '`identity "…"`: the certificate\'s subject (SAN: a URI such as a GitHub workflow ref, or an e-mail), compared exactly.',
  "identity-pattern":
    '`identity-pattern "…"`: the certificate\'s subject as a pattern: `*` is any run of characters other than `/`, and the whole SAN must match; no `*` in a URI\'s scheme or host or an e-mail\'s domain.',
  attestation:
    '`attestation "PREDICATE-TYPE" { by … threshold N check "…" }`: the step is proven by in-toto attestations of this predicate type (ITE-10), signed by the listed functionaries (target "ite-10").',
  check: '`check "CEL"`: an ITE-11 attribute rule over `predicate`, `subject` and `predicateType`; it must be true for the claim to count. Modifiers: `warn`, `allow-if-absent`, `debug "…"`.',
  warn: "`warn`: a false `check` only warns instead of failing the claim (ITE-11 `warn`).",
  "allow-if-absent": "`allow-if-absent`: a `check` that reads a field the claim does not have is skipped instead of failing (ITE-11 `allowIfNoClaim`).",
  debug: '`debug "…"`: the message shown when the `check` fails (ITE-11 `debug`).',
};
for (const [kind, doc] of Object.entries(RULE_DOCS)) KEYWORD_DOCS[kind] = doc;

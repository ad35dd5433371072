// The Totem AST. Every node carries a `span` (0-based UTF-16 offsets). After syntax errors the tree
// is partial: optional fields may be missing and names may be empty strings; consumers must cope.
import type { ArtifactSide, Target } from "@totem/engine";
import type { Span } from "./diagnostic.js";

/** A name as written in the source (step, functionary, constant, rule set…) with its span. */
export interface Name {
  text: string;
  span: Span;
}

/** A string literal with its decoded value; `span` includes the quotes. */
export interface StringLit {
  kind: "string";
  value: string;
  span: Span;
}

/** A reference to a constant declared with `const`. */
export interface ConstRef {
  kind: "ref";
  name: Name;
  span: Span;
}

/** Where a string is expected, a literal or a constant. */
export type StringExpr = StringLit | ConstRef;

/** A comment, kept for the formatter. `text` includes the leading `#`. */
export interface Comment {
  text: string;
  span: Span;
}

/**
 * `const NAME = "value"`, or `param NAME [= "default"]`: a constant whose value the caller gives at
 * compile time (`--param NAME=value`; LowerOptions.params), the default standing in without one.
 */
export interface ConstDecl {
  kind: "const";
  name: Name;
  /** The constant's value, or a param's default. */
  value?: StringExpr;
  /** Set for `param`. */
  param?: true;
  span: Span;
}

/** `rules NAME { rule… }`: a reusable, named list of artifact rules. */
export interface RuleSetDecl {
  kind: "rules";
  name: Name;
  rules: RuleNode[];
  span: Span;
}

/** An artifact rule as written. `use NAME` splices a rule set. */
export type RuleNode = MatchRule | SimpleRule | UseRule;

export interface MatchRule {
  kind: "match";
  pattern?: StringExpr;
  sourcePrefix?: StringExpr;
  destinationType?: ArtifactSide;
  destinationPrefix?: StringExpr;
  from?: Name;
  span: Span;
}

export interface SimpleRule {
  kind: "create" | "delete" | "modify" | "allow" | "disallow" | "require";
  pattern?: StringExpr;
  span: Span;
}

export interface UseRule {
  kind: "use";
  name: Name;
  span: Span;
}

/** `materials { … }` or `products { … }` inside a step or inspection. */
export interface RuleBlock {
  side: ArtifactSide;
  rules: RuleNode[];
  /** Span of the `materials`/`products` keyword. */
  keywordSpan: Span;
  span: Span;
}

/** A command: `"git clone x"` (split by documented shell-like rules) or `["git", "clone", "x"]`. */
export interface CommandExpr {
  form: "string" | "list";
  parts: StringExpr[];
  span: Span;
}

/** An inline key literal: `key { type "ed25519" scheme "ed25519" public "…" }`. */
export interface KeyLiteral {
  kind: "inline";
  fields: KeyField[];
  span: Span;
}

export interface KeyField {
  name: Name;
  value?: StringExpr | StringListExpr;
  span: Span;
}

export interface StringListExpr {
  kind: "list";
  items: StringExpr[];
  span: Span;
}

/**
 * `key "path/to/key.pub"`: a key file relative to the policy; or `key gpg "FINGERPRINT" from "path"`:
 * the OpenPGP key with that fingerprint in a keyring file (armored or binary `gpg --export` output)
 * or a GnuPG home directory, which the caller reads before lowering (LowerOptions.readGpgKey).
 */
export interface KeyFileRef {
  kind: "file";
  path?: StringExpr;
  /** The fingerprint after `gpg` (present for the `key gpg … from …` form, possibly unterminated). */
  fingerprint?: StringExpr;
  /** Span of the `gpg` keyword, when the key is written in that form. */
  gpgSpan?: Span;
  span: Span;
}

/** `functionary NAME key …` or `functionary NAME sigstore { … }` (a keyless signer, target "ite-10"). */
export interface FunctionaryDecl {
  kind: "functionary";
  name: Name;
  key?: KeyFileRef | KeyLiteral;
  /** Set instead of `key` for a keyless Sigstore identity. */
  sigstore?: SigstoreFunctionary;
  span: Span;
}

/** `issuer "…"`, `identity "…"` or `identity-pattern "…"` inside a `sigstore { … }` block. */
export interface IdentityItem {
  kind: "issuer" | "identity" | "identity-pattern";
  keywordSpan: Span;
  value?: StringExpr;
  span: Span;
}

/**
 * `sigstore { issuer "…" identity "…" }`: a Fulcio certificate's OIDC issuer (exact) and subject
 * (SAN: `identity` exact, or `identity-pattern`). Items are kept as written; the checks judge them.
 */
export interface SigstoreFunctionary {
  kind: "sigstore";
  items: IdentityItem[];
  keywordSpan: Span;
  span: Span;
}

/**
 * `check "CEL" [warn] [allow-if-absent] [debug "…"]`: an ITE-11 attribute rule. `rule` spans the
 * string literal, so a CEL parse error maps to offsets inside it.
 */
export interface CheckClause {
  kind: "check";
  rule?: StringExpr;
  /** `warn` was written: a false result only warns. */
  warn?: { span: Span };
  /** `allow-if-absent` was written (ITE-11 allowIfNoClaim). */
  allowIfAbsent?: { span: Span };
  /** The `debug` message shown when the rule fails. */
  debug?: StringExpr;
  span: Span;
}

/** `attestation "PREDICATE-TYPE" { by … threshold N check … }`: an expected predicate (ITE-10). */
export interface AttestationBlock {
  kind: "attestation";
  predicateType?: StringExpr;
  by: Name[];
  /** Span of the whole `by …` clause, when present. */
  bySpan?: Span;
  threshold?: { value: number; span: Span };
  checks: CheckClause[];
  keywordSpan: Span;
  span: Span;
}

/**
 * `root-cas { NAME key { … } … }` or `intermediate-cas { … }`: in-toto-golang's certificate
 * authorities (`rootcas`, `intermediatecas`). An empty block is an empty dict, which is signed too.
 */
export interface CaBlock {
  kind: "root-cas" | "intermediate-cas";
  entries: FunctionaryDecl[];
  keywordSpan: Span;
  span: Span;
}

/** `constraint { common-name "…" uris [ … ] … }`: one of in-toto-golang's step `cert_constraints`. */
export interface CertConstraintDecl {
  /** The word before `{` (`constraint`; anything else is reported by the checks). */
  keyword: Name;
  fields: KeyField[];
  span: Span;
}

/** `cert-constraints { constraint { … } … }`; an empty block is an empty list, which is signed too. */
export interface CertConstraintsBlock {
  constraints: CertConstraintDecl[];
  keywordSpan: Span;
  span: Span;
}

/** `expires "2027-01-01T00:00:00Z"` or `expires in 180d`. */
export type ExpiresClause =
  | { kind: "absolute"; value?: StringExpr; span: Span }
  | { kind: "relative"; amount: number; unit: "d" | "w" | "m" | "y"; text: string; span: Span };

export interface StepDecl {
  kind: "step";
  name: Name;
  by: Name[];
  /** Span of the whole `by …` clause, when present. */
  bySpan?: Span;
  threshold?: { value: number; span: Span };
  command?: CommandExpr;
  materials?: RuleBlock;
  products?: RuleBlock;
  certConstraints?: CertConstraintsBlock;
  /** `attestation` blocks in source order (target "ite-10"); absent when the step has none. */
  attestations?: AttestationBlock[];
  span: Span;
}

export interface InspectionDecl {
  kind: "inspection";
  name: Name;
  run?: CommandExpr;
  materials?: RuleBlock;
  products?: RuleBlock;
  span: Span;
}

export interface LayoutDecl {
  kind: "layout";
  name?: StringLit;
  target?: { value: Target | string; span: Span };
  /** `dsse-payload "FORM"`: the text form of the DSSE payload (engine DSSE_PAYLOAD_FORMS), as written. */
  dssePayload?: { value: string; span: Span };
  expires?: ExpiresClause;
  readme?: StringExpr;
  functionaries: FunctionaryDecl[];
  rootCas?: CaBlock;
  intermediateCas?: CaBlock;
  steps: StepDecl[];
  inspections: InspectionDecl[];
  /** Steps and inspections in source order (in-toto runs steps in layout order). */
  items: (StepDecl | InspectionDecl)[];
  span: Span;
}

/** A whole `.totem` file. */
export interface PolicyFile {
  kind: "file";
  consts: ConstDecl[];
  ruleSets: RuleSetDecl[];
  layout?: LayoutDecl;
  comments: Comment[];
  span: Span;
}

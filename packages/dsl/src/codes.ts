// The one registry of diagnostic codes: syntax (parser), semantic checks (errors), in-toto lints
// (warnings and infos), lowering, the problems `totem import` reports (ImportIssue), and those of
// policy-test files (`totem test`). Codes are stable kebab-case ids: never rename, renumber or reuse
// one. Each code is documented under "## Diagnostics" in docs/language.md, at the anchor `#<code>`.
import type { Diagnostic, Fix, RelatedInfo, Severity, Span } from "./diagnostic.js";

/** What the registry knows about one code. */
export interface CodeInfo {
  /** The severity every diagnostic with this code carries. */
  severity: Severity;
  /** One line: what the code is about (shown in `totem check --format sarif` rule descriptions). */
  summary: string;
  /** The anchor of the code's section in its docs file (`docs/language.md#<anchor>` unless `doc` says otherwise). */
  anchor: string;
  /** Which pass reports it ("test": the policy-test file reader, `totem test`). */
  phase: "syntax" | "check" | "lint" | "lower" | "import" | "test";
  /** The docs file that explains it, when not docs/language.md. */
  doc?: "testing.md";
}

function code<P extends CodeInfo["phase"]>(severity: Severity, phase: P, summary: string, anchor: string): CodeInfo & { phase: P } {
  return { severity, phase, summary, anchor };
}

/** A problem of a policy-test file (docs/testing.md). */
function testCode(summary: string, anchor: string): CodeInfo & { phase: "test" } {
  return { severity: "error", phase: "test", summary, anchor, doc: "testing.md" };
}

/** Every diagnostic code Totem reports, with its severity and documentation anchor. */
export const CODES = {
  // Syntax (reported by the parser).
  "syntax-error": code("error", "syntax", "The text does not follow the grammar.", "syntax-error"),
  "unexpected-character": code("error", "syntax", "A character that cannot start any token.", "unexpected-character"),
  "unterminated-string": code("error", "syntax", "A string without its closing quote on the same line.", "unterminated-string"),
  "invalid-escape": code("error", "syntax", "A backslash escape that strings do not support.", "invalid-escape"),
  "lone-surrogate": code("error", "syntax", "A string holding half of a UTF-16 surrogate pair, which no layout can carry.", "lone-surrogate"),
  "invalid-duration": code("error", "syntax", "A relative expiry with an unknown unit.", "invalid-duration"),
  "duplicate-clause": code("error", "syntax", "A clause or rule block written twice where one is allowed.", "duplicate-clause"),
  "duplicate-layout": code("error", "syntax", "More than one layout in one file.", "duplicate-layout"),
  "internal-error": code("error", "syntax", "The parser failed unexpectedly (a bug in Totem).", "internal-error"),
  // Semantic checks (errors: the policy cannot be compiled).
  "missing-layout": code("error", "check", "The file declares no layout.", "missing-layout"),
  "duplicate-step": code("error", "check", "Two steps or inspections share a name.", "duplicate-step"),
  "duplicate-functionary": code("error", "check", "Two functionaries share a name.", "duplicate-functionary"),
  "duplicate-constant": code("error", "check", "Two constants share a name.", "duplicate-constant"),
  "duplicate-rule-set": code("error", "check", "Two rule sets share a name.", "duplicate-rule-set"),
  "unknown-step": code("error", "check", "`match … from` names no step or inspection.", "unknown-step"),
  "unknown-functionary": code("error", "check", "`by` names no declared functionary.", "unknown-functionary"),
  "unknown-constant": code("error", "check", "A name used as a string is not a declared constant.", "unknown-constant"),
  "unknown-rule-set": code("error", "check", "`use` names no declared rule set.", "unknown-rule-set"),
  "constant-cycle": code("error", "check", "Constants defined in terms of each other.", "constant-cycle"),
  "rule-set-cycle": code("error", "check", "Rule sets that `use` each other in a cycle.", "rule-set-cycle"),
  "threshold-out-of-range": code("error", "check", "A threshold below 1 or above the step's functionaries.", "threshold-out-of-range"),
  "step-without-functionary": code("error", "check", "A step nobody is allowed to perform.", "step-without-functionary"),
  "missing-expiry": code("error", "check", "The layout has no `expires` clause.", "missing-expiry"),
  "invalid-date": code("error", "check", "An expiry that is not `YYYY-MM-DDTHH:MM:SSZ` with a real date.", "invalid-date"),
  "invalid-dsse-payload": code("error", "check", "A `dsse-payload` form that does not exist, or in a layout whose target writes no DSSE.", "invalid-dsse-payload"),
  "invalid-target": code("error", "check", "A target other than `in-toto-1.3`, `in-toto`, `in-toto-golang` or `ite-10`.", "invalid-target"),
  "unsafe-name": code("error", "check", "A step or inspection name unusable in link file names.", "unsafe-name"),
  "inspection-without-run": code("error", "check", "An inspection with no `run` command.", "inspection-without-run"),
  "non-portable-pattern": code("error", "check", "A pattern in-toto verifiers read differently.", "non-portable-pattern"),
  "require-glob": code("error", "check", "A `require` path with glob characters.", "require-glob"),
  "invalid-command": code("error", "check", "A command string that does not split into arguments.", "invalid-command"),
  "invalid-inline-key": code("error", "check", "An inline key literal with missing, unknown or repeated fields.", "invalid-inline-key"),
  "invalid-golang-field": code("error", "check", "An in-toto-golang X.509 field that is misplaced, malformed, or outside target in-toto-golang.", "invalid-golang-field"),
  "attestation-target": code("error", "check", "A sigstore functionary or attestation block outside target `ite-10`.", "attestation-target"),
  "ite-10-unsupported": code("error", "check", "A construct an ITE-10 attestation layout cannot hold.", "ite-10-unsupported"),
  "sigstore-identity": code("error", "check", "A sigstore functionary without exactly one issuer and one identity or identity-pattern.", "sigstore-identity"),
  "identity-pattern": code("error", "check", "An identity-pattern that could match identities of another issuer or host.", "identity-pattern"),
  "attestation-without-functionary": code("error", "check", "An attestation block nobody is allowed to make.", "attestation-without-functionary"),
  "duplicate-predicate-type": code("error", "check", "One step expecting the same predicate type twice.", "duplicate-predicate-type"),
  "empty-predicate-type": code("error", "check", "An attestation block whose predicate type is empty.", "empty-predicate-type"),
  "invalid-cel": code("error", "check", "A `check` rule that is not a CEL expression.", "invalid-cel"),
  "unknown-predicate-field": code("warning", "check", "A `check` rule reading a field the predicate type's schema does not have.", "unknown-predicate-field"),
  // in-toto lints (warnings and infos: the layout compiles, but probably does not mean what it says).
  "missing-trailing-disallow": code("warning", "lint", "A rule list that lets unlisted artifacts through.", "missing-trailing-disallow"),
  "unreachable-rule": code("warning", "lint", "A rule after `allow \"*\"` or `disallow \"*\"` that can never apply.", "unreachable-rule"),
  "require-after-consume": code("warning", "lint", "A `require` after a rule that may consume the same path.", "require-after-consume"),
  "match-from-self": code("warning", "lint", "`match … from` the item the rule belongs to.", "match-from-self"),
  "match-from-later": code("warning", "lint", "A step's `match … from` a later step or an inspection.", "match-from-later"),
  "create-in-materials": code("warning", "lint", "`create` among materials never consumes anything.", "create-in-materials"),
  "delete-in-products": code("warning", "lint", "`delete` among products never consumes anything.", "delete-in-products"),
  "unused-functionary": code("warning", "lint", "A functionary no step names in `by`.", "unused-functionary"),
  "keyid-only-key": code("warning", "lint", "A functionary known by keyid only: the layout holds no key for it.", "keyid-only-key"),
  "catch-all-allow": code("warning", "lint", "An `allow \"*\"` that lets every artifact of a rule list through.", "catch-all-allow"),
  "sole-signer": code("info", "lint", "One functionary may sign every step (no separation of duties).", "sole-signer"),
  expired: code("warning", "lint", "The expiry date is already past.", "expired"),
  "expiry-soon": code("warning", "lint", "The layout expires within the warning window.", "expiry-soon"),
  "expiry-too-far": code("info", "lint", "The layout stays valid for more than a year.", "expiry-too-far"),
  "empty-command": code("warning", "lint", "An empty expected command.", "empty-command"),
  // Lowering (reported by `lower`, which reads keys through the caller).
  "key-unreadable": code("error", "lower", "A functionary's key file could not be read.", "key-unreadable"),
  "key-invalid": code("error", "lower", "A functionary's key is not a supported public key.", "key-invalid"),
  "target-mismatch": code("error", "lower", "The requested target differs from the policy's `target`.", "target-mismatch"),
  "missing-param": code("error", "lower", "A `param` has no value and no default.", "missing-param"),
  // Import (ImportIssue codes of `importLayout`, reported by `totem import`).
  "import-payload-changed": code("error", "import", "The layout signs something the typed model re-emits differently.", "import-payload-changed"),
  "import-key-field": code("error", "import", "A key object with a field a key literal cannot hold.", "import-key-field"),
  "import-keyid-mismatch": code("error", "import", "A key stored under one keyid that names another inside.", "import-keyid-mismatch"),
  "import-name": code("error", "import", "A name that is not a Totem name.", "import-name"),
  "import-unknown-key": code("error", "import", "A step names a keyid that is not in the layout's keys.", "import-unknown-key"),
  "import-no-functionary": code("error", "import", "A step without any functionary key.", "import-no-functionary"),
  "import-threshold": code("error", "import", "A threshold below 1 or above the step's number of keys.", "import-threshold"),
  "import-empty-run": code("error", "import", "An inspection that runs no command.", "import-empty-run"),
  "import-round-trip": code("error", "import", "The policy written does not compile back to the same bytes.", "import-round-trip"),
  "import-attestation-rule": code("error", "import", "An attestation layout's rule string Totem cannot write as it is.", "import-attestation-rule"),
  "import-dsse-form": code("warning", "import", "A DSSE payload whose text is not in the form Totem writes.", "import-dsse-form"),
  "import-key-inline": code("warning", "import", "With `--keys-dir`, a key that stays inline.", "import-key-inline"),
  // Policy-test files (`.totem-test`, read by `totem test`; documented in docs/testing.md).
  "test-syntax": testCode("A policy-test file that cannot be read as written.", "test-syntax"),
  "test-duplicate": testCode("Two policy tests with the same name.", "test-duplicate"),
  "test-unknown-base": testCode("`extends` names no test written above it.", "test-unknown-base"),
  "test-unsupported": testCode("Test evidence the policy's target has no place for (an inspection in an ite-10 test, `attests` in an in-toto one).", "test-unsupported"),
} as const satisfies Record<string, CodeInfo>;

/** A registered diagnostic code. */
export type Code = keyof typeof CODES;

/** A code `totem import` reports (phase "import"). */
export type ImportCode = { [K in Code]: (typeof CODES)[K]["phase"] extends "import" ? K : never }[Code];

/** Extra parts of a diagnostic besides code, span and message. */
export interface DiagnosticExtras {
  related?: RelatedInfo[];
  fix?: Fix;
}

/** Builds a diagnostic with the registry's severity for `code`. */
export function diagnostic(code: Code, span: Span, message: string, extras: DiagnosticExtras = {}): Diagnostic {
  const d: Diagnostic = { code, severity: CODES[code].severity, message, span };
  if (extras.related !== undefined) d.related = extras.related;
  if (extras.fix !== undefined) d.fix = extras.fix;
  return d;
}

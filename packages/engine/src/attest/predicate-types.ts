// The predicate types Totem knows (in-toto/attestation spec/predicates, slsa.dev, spdx.dev,
// cyclonedx.org): their URIs, a sentence of documentation, and the field tree of each predicate, so
// editors can complete predicate types and CEL field paths and a checker can catch a misspelt field
// of a known schema. Data only; `checkRuleFields` is the checker.
import { ok, type Result } from "../result.js";

/** A field of a predicate: its name, a sentence, and its sub-fields (absent for a leaf or a free map). */
export interface PredicateField {
  readonly name: string;
  readonly doc: string;
  /** `list` for a list of objects (CEL `predicate.x[0].y`, `predicate.x.all(e, e.y …)`). */
  readonly kind?: "object" | "list" | "map" | "string" | "number" | "bool";
  readonly fields?: readonly PredicateField[];
}

/** A known predicate type. */
export interface PredicateType {
  readonly uri: string;
  readonly title: string;
  readonly doc: string;
  readonly specUrl: string;
  /** The predicate's top-level fields; undefined when the schema is open (SPDX, CycloneDX documents). */
  readonly fields?: readonly PredicateField[];
}

const s = (name: string, doc: string): PredicateField => ({ name, doc, kind: "string" });
const m = (name: string, doc: string): PredicateField => ({ name, doc, kind: "map" });
const o = (name: string, doc: string, fields: PredicateField[]): PredicateField => ({ name, doc, kind: "object", fields });
const l = (name: string, doc: string, fields?: PredicateField[]): PredicateField => ({ name, doc, kind: "list", ...(fields ? { fields } : {}) });
const DESCRIPTOR = [s("name", "Name of the artifact."), s("uri", "Where it came from."), m("digest", "Algorithm → hex digest."), m("annotations", "Free-form data."), s("mediaType", "Its media type."), s("downloadLocation", "Where to download it.")];

/** Every predicate type Totem documents, in documentation order. */
export const PREDICATE_TYPES: readonly PredicateType[] = [
  {
    uri: "https://slsa.dev/provenance/v1",
    title: "SLSA Provenance v1",
    doc: "How an artifact was built: the build's external parameters and resolved dependencies, and the builder that ran it.",
    specUrl: "https://slsa.dev/spec/v1.0/provenance",
    fields: [
      o("buildDefinition", "The inputs of the build.", [
        s("buildType", "URI of the template that says how to read the parameters."),
        m("externalParameters", "Parameters under the control of whoever started the build (e.g. workflow ref)."),
        m("internalParameters", "Parameters set by the builder."),
        l("resolvedDependencies", "Artifacts fetched during the build (ResourceDescriptors): the step's materials.", DESCRIPTOR),
      ]),
      o("runDetails", "The build run.", [
        o("builder", "Who ran the build.", [s("id", "URI of the builder (the trust boundary)."), m("version", "Builder component versions."), l("builderDependencies", "The builder's own dependencies.", DESCRIPTOR)]),
        o("metadata", "Run metadata.", [s("invocationId", "Identifies this run."), s("startedOn", "RFC 3339 start time."), s("finishedOn", "RFC 3339 end time.")]),
        l("byproducts", "Other artifacts the build produced.", DESCRIPTOR),
      ]),
    ],
  },
  {
    uri: "https://slsa.dev/provenance/v0.2",
    title: "SLSA Provenance v0.2",
    doc: "How an artifact was built (SLSA 0.2): builder, build type, invocation and materials.",
    specUrl: "https://slsa.dev/spec/v0.2/provenance",
    fields: [
      o("builder", "Who ran the build.", [s("id", "URI of the builder.")]),
      s("buildType", "URI of the build type."),
      o("invocation", "How the build was started.", [
        o("configSource", "Where the build configuration came from.", [s("uri", "URI of the source."), m("digest", "Its digest."), s("entryPoint", "The entry point (e.g. the workflow file).")]),
        m("parameters", "Build parameters."),
        m("environment", "The build's environment (e.g. GITHUB_REF)."),
      ]),
      m("buildConfig", "Builder-specific configuration."),
      o("metadata", "Run metadata.", [s("buildInvocationId", "Identifies this run."), s("buildStartedOn", "Start time."), s("buildFinishedOn", "End time."), m("completeness", "What is known complete."), { name: "reproducible", doc: "Whether the build is reproducible.", kind: "bool" }]),
      l("materials", "Artifacts the build used (uri + digest): the step's materials.", [s("uri", "URI of the material."), m("digest", "Its digest.")]),
    ],
  },
  {
    uri: "https://in-toto.io/attestation/link/v0.3",
    title: "in-toto Link v0.3",
    doc: "A classic in-toto link as an attestation: the step's command, materials, byproducts and environment; its products are the subjects.",
    specUrl: "https://github.com/in-toto/attestation/blob/main/spec/predicates/link.md",
    fields: [s("name", "The step name."), l("command", "The command run, as a list of strings."), l("materials", "The step's materials (ResourceDescriptors).", DESCRIPTOR), m("byproducts", "stdout, stderr, return-value."), m("environment", "The environment recorded.")],
  },
  {
    uri: "https://in-toto.io/attestation/test-result/v0.1",
    title: "Test Result v0.1",
    doc: "The outcome of a test run over the subjects: PASSED, WARNED or FAILED, with the tests in each state.",
    specUrl: "https://github.com/in-toto/attestation/blob/main/spec/predicates/test-result.md",
    fields: [s("result", "PASSED, WARNED or FAILED."), l("configuration", "The test configuration files (ResourceDescriptors).", DESCRIPTOR), s("url", "Where the run can be seen."), l("passedTests", "Names of the passed tests."), l("warnedTests", "Names of the tests with warnings."), l("failedTests", "Names of the failed tests.")],
  },
  {
    uri: "https://slsa.dev/verification_summary/v1",
    title: "SLSA Verification Summary (VSA) v1",
    doc: "A verifier's decision about an artifact: the policy it checked, the result and the SLSA levels met.",
    specUrl: "https://slsa.dev/spec/v1.0/verification_summary",
    fields: [
      o("verifier", "Who verified.", [s("id", "URI of the verifier."), m("version", "Verifier component versions.")]),
      s("timeVerified", "RFC 3339 time of the verification."),
      s("resourceUri", "The artifact verified."),
      o("policy", "The policy checked (a ResourceDescriptor).", DESCRIPTOR as PredicateField[]),
      l("inputAttestations", "The attestations the decision used.", DESCRIPTOR),
      s("verificationResult", "PASSED or FAILED."),
      l("verifiedLevels", "The SLSA levels verified, e.g. SLSA_BUILD_LEVEL_3."),
      m("dependencyLevels", "Counts of dependencies by level."),
      s("slsaVersion", "The SLSA version of the levels."),
    ],
  },
  { uri: "https://spdx.dev/Document", title: "SPDX SBOM", doc: "An SPDX document (the predicate is the SBOM itself).", specUrl: "https://github.com/in-toto/attestation/blob/main/spec/predicates/spdx.md" },
  { uri: "https://cyclonedx.org/bom", title: "CycloneDX SBOM", doc: "A CycloneDX document (the predicate is the BOM itself).", specUrl: "https://github.com/in-toto/attestation/blob/main/spec/predicates/cyclonedx.md" },
];

/**
 * The variables of an ITE-11 attribute rule (cel-rules.ts declares these three and no other), as
 * fields: `predicate` (its fields are the predicate type's), `subject` and `predicateType`.
 */
export const CEL_VARIABLES: readonly PredicateField[] = [
  { name: "predicate", doc: "The claim's predicate, as a map (its fields are the predicate type's).", kind: "object" },
  l("subject", "The claim's subjects: a list of ResourceDescriptors (`subject[0].digest.sha256`, `subject.all(s, …)`).", DESCRIPTOR),
  s("predicateType", "The claim's predicate type URI."),
];

/** The known predicate type with this URI. */
export function predicateType(uri: string): PredicateType | undefined {
  return PREDICATE_TYPES.find((p) => p.uri === uri);
}

/** A field reference in a rule that the predicate's schema does not have. */
export interface UnknownField {
  /** The dotted path as written, e.g. `predicate.buildDefinition.buildTyp`. */
  readonly path: string;
  /** Offset of the unknown field's name in the rule text (0-based UTF-16). */
  readonly offset: number;
  readonly length: number;
  /** The fields that exist there (for "did you mean"). */
  readonly known: readonly string[];
}

const PATH = /\bpredicate((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g;

/**
 * The `predicate.a.b.c` paths of a CEL rule that leave a known predicate's schema (a misspelt or
 * invented field), for the predicate types whose fields are known. Paths into a free map
 * (`externalParameters.…`) or through an index are not followed. Never throws.
 */
export function checkRuleFields(rule: string, uri: string): Result<UnknownField[], never> {
  const type = predicateType(uri);
  if (!type?.fields) return ok([]);
  const found: UnknownField[] = [];
  for (const match of rule.matchAll(PATH)) {
    const parts = (match[1] as string).slice(1).split(".");
    let fields: readonly PredicateField[] | undefined = type.fields;
    let offset = (match.index ?? 0) + "predicate.".length;
    for (const part of parts) {
      if (!fields) break;
      const field: PredicateField | undefined = fields.find((f) => f.name === part);
      if (!field) {
        found.push({ path: `predicate.${parts.join(".")}`, offset, length: part.length, known: fields.map((f) => f.name) });
        break;
      }
      if (field.kind === "map" || field.kind === "list" || field.kind === "string" || field.kind === "number" || field.kind === "bool") break;
      fields = field.fields;
      offset += part.length + 1;
    }
  }
  return ok(found);
}

// Regenerates this example: a GitHub-Actions-shaped pipeline proven by attestations, with a Sigstore
// of its own (a "Fulcio" CA and a "Rekor" log key made here and thrown away: no private key is kept).
//   npx vite-node examples/gha-attestations/generate.ts
// checkout is an in-toto link attestation (link predicate v0.3, the attestation form of a classic
// link) signed by an ed25519 key; package is a classic Metablock `.link`, built and signed as
// `totem run` records one; test is a test-result attestation; build is SLSA provenance v1 in a
// Sigstore bundle signed by the release workflow's identity.
import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { envelope, functionary } from "../../packages/engine/test/fixtures/attest/layout-fixtures.js";
import { metablockLink } from "../../packages/engine/test/fixtures/attest/link-fixtures.js";
import { dsseBundle, makeAuthority, makeSigner } from "../../packages/engine/test/fixtures/attest/sigstore-fixtures.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const V1 = "https://in-toto.io/Statement/v1";
const LINK = "https://in-toto.io/attestation/link/v0.3";
const WORKFLOW = "https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.4.0";
const GITHUB = "https://token.actions.githubusercontent.com";
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

const source = sha256("int main(void) { return 0; }\n");
const binary = sha256("\x7fELF acme-app 1.4.0");
const tarball = sha256("acme-app-1.4.0.tar.gz");
const ci = functionary();
const packager = functionary();
const auth = makeAuthority();
const workflow = makeSigner(auth, { identity: { uri: WORKFLOW }, issuer: GITHUB, issued: new Date("2026-03-02T10:00:00Z") });

const files: Record<string, string> = {
  [`checkout.${ci.keyid.slice(0, 8)}.json`]: envelope(
    { _type: V1, subject: [{ name: "src/app.c", digest: { sha256: source } }], predicateType: LINK, predicate: { name: "checkout", command: ["git", "checkout", "v1.4.0"], materials: [], byproducts: {}, environment: {} } },
    ci,
  ),
  [`test.${ci.keyid.slice(0, 8)}.json`]: envelope(
    {
      _type: V1,
      subject: [{ name: "src/app.c", digest: { sha256: source } }],
      predicateType: "https://in-toto.io/attestation/test-result/v0.1",
      predicate: { result: "PASSED", configuration: [{ name: ".github/workflows/ci.yml", digest: { sha256: sha256("ci.yml") } }], url: "https://github.com/acme/app/actions/runs/1", passedTests: ["unit", "integration"], warnedTests: [], failedTests: [] },
    },
    ci,
  ),
  "build.sigstore.json": JSON.stringify(
    dsseBundle(auth, workflow, {
      _type: V1,
      subject: [{ name: "app", digest: { sha256: binary } }],
      predicateType: "https://slsa.dev/provenance/v1",
      predicate: {
        buildDefinition: {
          buildType: "https://actions.github.io/buildtypes/workflow/v1",
          externalParameters: { workflow: { ref: "refs/tags/v1.4.0", repository: "https://github.com/acme/app", path: ".github/workflows/release.yml" } },
          resolvedDependencies: [{ name: "src/app.c", digest: { sha256: source } }],
        },
        runDetails: { builder: { id: "https://github.com/actions/runner/github-hosted" }, metadata: { invocationId: "https://github.com/acme/app/actions/runs/2/attempts/1" } },
      },
    }),
  ),
};
// The package step as a classic link: `totem run --step package -m app -p acme-app-1.4.0.tar.gz -- tar …`.
const packaged = metablockLink({ name: "package", materials: { app: { sha256: binary } }, products: { "acme-app-1.4.0.tar.gz": { sha256: tarball } }, command: ["tar", "czf", "acme-app-1.4.0.tar.gz", "app"], returnValue: 0 }, [packager]);
files[packaged.name] = packaged.text.trimEnd();

const key = (f: ReturnType<typeof functionary>) =>
  `  ${f.keyid}:\n    keyType: "ed25519"\n    scheme: "ed25519"\n    keyIDHashAlgorithms: ["sha256", "sha512"]\n    keyVal:\n      public: "${f.publicHex}"\n    keyID: "${f.keyid}"\n`;
const layout = `# A GitHub-Actions-shaped release of acme-app, as an ITE-10/11 attestation layout
# (in-toto/attestation-verifier's format). Regenerate with generate.ts; see README.md.
expires: "2036-01-01T00:00:00Z"
functionaries:
${key(ci)}${key(packager)}  release-workflow:
    keyType: "sigstore-oidc"
    scheme: "fulcio"
    keyVal:
      identity: "${WORKFLOW}"
      issuer: "${GITHUB}"
    keyID: "release-workflow"
steps:
  - name: "checkout"
    expectedMaterials: ["DISALLOW *"]
    expectedProducts: ["CREATE src/*", "DISALLOW *"]
    expectedPredicates:
      - predicateType: "${LINK}"
        functionaries: ["${ci.keyid}"]
        expectedAttributes:
          - rule: "predicate.command == ['git', 'checkout', '{tag}']"
  - name: "test"
    expectedMaterials: ["MATCH src/* WITH products FROM checkout", "DISALLOW *"]
    expectedPredicates:
      - predicateType: "https://in-toto.io/attestation/test-result/v0.1"
        functionaries: ["${ci.keyid}"]
        expectedAttributes:
          - rule: "predicate.result == 'PASSED'"
          - rule: "size(predicate.failedTests) == 0"
          - rule: "size(predicate.warnedTests) == 0"
            warn: true
  - name: "build"
    expectedMaterials: ["MATCH src/* WITH products FROM checkout", "DISALLOW *"]
    expectedProducts: ["CREATE app", "DISALLOW *"]
    expectedPredicates:
      - predicateType: "https://slsa.dev/provenance/v1"
        functionaries: ["release-workflow"]
        expectedAttributes:
          - rule: "predicate.buildDefinition.externalParameters.workflow.ref == 'refs/tags/{tag}'"
          - rule: "predicate.buildDefinition.externalParameters.workflow.repository == 'https://github.com/acme/app'"
  - name: "package"
    expectedMaterials: ["MATCH app WITH products FROM build", "DISALLOW *"]
    expectedProducts: ["CREATE acme-app-{version}.tar.gz", "DISALLOW *"]
    expectedPredicates:
      - predicateType: "${LINK}"
        functionaries: ["${packager.keyid}"]
`;

rmSync(join(HERE, "attestations"), { recursive: true, force: true });
mkdirSync(join(HERE, "attestations"), { recursive: true });
for (const [name, text] of Object.entries(files)) writeFileSync(join(HERE, "attestations", name), `${text}\n`);
writeFileSync(join(HERE, "layout.yml"), layout);
writeFileSync(join(HERE, "parameters.json"), `${JSON.stringify({ version: "1.4.0", tag: "v{version}" }, null, 2)}\n`);
writeFileSync(join(HERE, "trusted_root.json"), `${JSON.stringify(auth.rootJson, null, 2)}\n`);

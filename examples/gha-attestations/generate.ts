// Regenerates this example: a GitHub-Actions-shaped pipeline proven by attestations, with a Sigstore
// of its own (a "Fulcio" CA and a "Rekor" log key made here and thrown away: no private key is kept).
//   npx vite-node examples/gha-attestations/generate.ts
// checkout is an in-toto link attestation (link predicate v0.3, the attestation form of a classic
// link) signed by an ed25519 key; package is a classic Metablock `.link`, built and signed as
// `totem run` records one; test is a test-result attestation; build is SLSA provenance v1 in a
// Sigstore bundle signed by the release workflow's identity.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileAttestationPolicy } from "../../packages/dsl/src/index.js";
import { attestationLayoutToYaml, celParser } from "../../packages/engine/src/index.js";
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

// The layout is release.totem compiled, exactly as `totem compile release.totem -o layout.yml` does:
// the policy names the functionaries' public key files written here.
const keyFile = (f: ReturnType<typeof functionary>) =>
  `${JSON.stringify({ keytype: "ed25519", scheme: "ed25519", keyid_hash_algorithms: ["sha256", "sha512"], keyval: { public: f.publicHex } })}\n`;
mkdirSync(join(HERE, "keys"), { recursive: true });
writeFileSync(join(HERE, "keys", "ci.pub"), keyFile(ci));
writeFileSync(join(HERE, "keys", "packager.pub"), keyFile(packager));
const compiled = compileAttestationPolicy(readFileSync(join(HERE, "release.totem"), "utf8"), {
  readKey: (path) => readFileSync(join(HERE, path), "utf8"),
  now: new Date(),
  celSyntax: await celParser(),
});
if (compiled.layout === undefined) throw new Error(`release.totem does not compile: ${JSON.stringify(compiled.diagnostics, null, 2)}`);
const layout = attestationLayoutToYaml(compiled.layout);

rmSync(join(HERE, "attestations"), { recursive: true, force: true });
mkdirSync(join(HERE, "attestations"), { recursive: true });
for (const [name, text] of Object.entries(files)) writeFileSync(join(HERE, "attestations", name), `${text}\n`);
writeFileSync(join(HERE, "layout.yml"), layout);
writeFileSync(join(HERE, "parameters.json"), `${JSON.stringify({ version: "1.4.0", tag: "v{version}" }, null, 2)}\n`);
writeFileSync(join(HERE, "trusted_root.json"), `${JSON.stringify(auth.rootJson, null, 2)}\n`);

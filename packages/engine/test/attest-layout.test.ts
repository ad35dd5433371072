// ITE-10/11 attestation layouts (engine/attest/layout.ts, verify-layout.ts) over a chain of our own
// shaped like attestation-verifier's example: the verdicts its CI states and its NOTES derive, and
// the places where Totem is stricter than the prototype.
import { describe, expect, it } from "vitest";
import { type AttestationVerdict, cleanPath, parseAttestationLayout, stepOfFile, substituteParameters, verifyAttestations } from "../src/index.js";
import * as f from "./fixtures/attest/layout-fixtures.js";
import * as sig from "./fixtures/attest/sigstore-fixtures.js";

const alice = f.functionary();
const NOW = new Date("2026-01-01T00:00:00Z");
const encode = (files: { name: string; text: string }[]) => files.map((x) => ({ name: x.name, bytes: new TextEncoder().encode(x.text) }));

async function run(yaml: string, files = f.attestationFiles(alice), params?: Record<string, string>): Promise<AttestationVerdict> {
  const parsed = await parseAttestationLayout(yaml);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  const layout = substituteParameters(parsed.value, params ?? {});
  if (!layout.ok) throw new Error(JSON.stringify(layout.error));
  return verifyAttestations(layout.value, encode(files), NOW);
}
const codes = (v: AttestationVerdict) => v.failures.map((x) => x.code);

describe("verifyAttestations", () => {
  it("passes the happy path and names each accepted claim", async () => {
    const verdict = await run(f.layoutYaml(alice));
    expect(verdict.failures).toEqual([]);
    expect(verdict.accepted.map((a) => a.step)).toEqual(["clone", "test", "build"]);
  });

  it("fails an expired layout before reading anything", async () => {
    const verdict = await run(f.layoutYaml(alice, { expires: "2024-10-10T12:23:22Z" }));
    expect(verdict.failures).toEqual([{ code: "layout-expired", message: "The layout expired at 2024-10-10T12:23:22Z." }]);
  });

  it("fails a step without attestations, and one whose predicate type is missing", async () => {
    const files = f.attestationFiles(alice).filter((x) => !x.name.startsWith("clone"));
    const renamed = files.map((x) => (x.name.startsWith("build") ? { ...x, name: x.name.replace("build", "release") } : x));
    expect(codes(await run(f.layoutYaml(alice), renamed))).toEqual(["step-no-claims", "step-claims-failed", "step-no-claims"]);
  });

  it("fails an attestation with a bad signature instead of skipping it", async () => {
    const files = f.attestationFiles(alice);
    const test = files[1] as { name: string; text: string };
    const env = JSON.parse(test.text);
    const sig = Buffer.from(env.signatures[0].sig, "base64");
    sig.writeUInt8(sig.readUInt8(0) ^ 1, 0);
    env.signatures[0].sig = sig.toString("base64");
    test.text = JSON.stringify(env);
    const verdict = await run(f.layoutYaml(alice), files);
    expect(verdict.failures).toEqual([expect.objectContaining({ code: "attestation-signature", file: test.name, step: "test" })]);
  });

  it("fails an attestation signed by someone the layout does not name", async () => {
    const mallory = f.functionary();
    const files = [...f.attestationFiles(alice).slice(0, 2), ...f.attestationFiles(mallory).slice(2)];
    expect(codes(await run(f.layoutYaml(alice), files))).toEqual(["attestation-signature"]);
  });

  it("fails a subject whose digest does not match what the earlier step produced", async () => {
    const s = f.statements();
    const tampered = { ...s, test: { ...s.test, subject: [{ name: "foo", digest: { sha256: f.sha256("other") } }] } };
    const verdict = await run(f.layoutYaml(alice), f.attestationFiles(alice, tampered));
    expect(verdict.failures).toEqual([expect.objectContaining({ code: "step-claims-failed", step: "test", message: expect.stringContaining("DISALLOW") })]);
  });

  it("keeps an artifact named __proto__ an artifact: DISALLOW still sees it", async () => {
    const s = f.statements();
    const hidden = { ...s, test: { ...s.test, subject: [...s.test.subject, JSON.parse('{"name": "__proto__", "digest": {"sha256": "00"}}')] } };
    const verdict = await run(f.layoutYaml(alice), f.attestationFiles(alice, hidden));
    expect(verdict.failures).toEqual([expect.objectContaining({ code: "step-claims-failed", step: "test", message: expect.stringContaining('"__proto__"') })]);
  });

  it("fails a link attestation filed under another step's name", async () => {
    const files = f.attestationFiles(alice);
    const clone = files[0] as { name: string; text: string };
    files.push({ name: clone.name.replace("clone", "build"), text: clone.text });
    const verdict = await run(f.layoutYaml(alice), files);
    expect(verdict.failures).toEqual([expect.objectContaining({ code: "attestation-step-mismatch", step: "build" })]);
  });

  it("fails a false attribute rule, but only warns for a warn rule", async () => {
    const s = f.statements();
    const failed = { ...s, test: { ...s.test, predicate: { ...s.test.predicate, result: "FAILED" } }, clone: { ...s.clone, predicate: { ...s.clone.predicate, command: ["make"] } } };
    const verdict = await run(f.layoutYaml(alice), f.attestationFiles(alice, failed));
    expect(codes(verdict)).toEqual(["step-claims-failed"]);
    expect(verdict.failures[0]?.message).toContain("rule 'predicate.result == 'PASSED'' is false");
    expect(verdict.warnings.map((w) => w.step)).toEqual(["clone"]);
  });

  it("fails a rule on a missing field unless allowIfNoClaim says so", async () => {
    const strict = await run(f.layoutYaml(alice, { testAttributes: ["predicate.coverage > 0.8"] }));
    expect(strict.failures[0]?.message).toContain("reads a field the claim does not have");
    const yaml = f.layoutYaml(alice, { testAttributes: ["predicate.coverage > 0.8"] }).replace('rule: "predicate.coverage > 0.8"', 'rule: "predicate.coverage > 0.8"\n            allowIfNoClaim: true');
    expect((await run(yaml)).passed).toBe(true);
  });

  it("warns about a rule that reads a field the predicate's schema does not define", async () => {
    const verdict = await run(f.layoutYaml(alice, { builderId: "x' || predicate.runDetails.buildr.id == 'y" }));
    expect(verdict.warnings).toEqual([expect.objectContaining({ code: "attribute-unknown-field", step: "build", message: expect.stringContaining("predicate.runDetails.buildr") })]);
  });

  it("fails a rule whose result is not a boolean (the prototype accepts it)", async () => {
    const verdict = await run(f.layoutYaml(alice, { testAttributes: ["predicate.result"] }));
    expect(verdict.failures[0]?.message).toContain('gives "PASSED", not true or false');
  });

  it("fails a rule that does not parse, or names a variable that is not declared", async () => {
    expect((await run(f.layoutYaml(alice, { testAttributes: ["predicate.result =="] }))).failures[0]?.message).toContain("does not parse");
    expect((await run(f.layoutYaml(alice, { testAttributes: ["type == 'x'"] }))).passed).toBe(false);
  });

  it("counts distinct functionaries for a threshold", async () => {
    const bob = f.functionary();
    const yaml = f
      .layoutYaml(alice, { threshold: 2 })
      .replace(`functionaries: ["${alice.keyid}"]\n        threshold: 2`, `functionaries: ["${alice.keyid}", "${bob.keyid}"]\n        threshold: 2`)
      .replace("steps:", `  ${bob.keyid}:\n    keyType: "ed25519"\n    scheme: "ed25519"\n    keyVal:\n      public: "${bob.publicHex}"\n    keyID: "${bob.keyid}"\nsteps:`);
    expect(codes(await run(yaml))).toEqual(["step-threshold"]);
    const bobsTest = f.attestationFiles(bob).filter((x) => x.name.startsWith("test"));
    expect((await run(yaml, [...f.attestationFiles(alice), ...bobsTest])).passed).toBe(true);
  });

  it("refuses a Statement without _type (the prototype does not check it)", async () => {
    const s = f.statements();
    const { _type, ...untyped } = s.test;
    const verdict = await run(f.layoutYaml(alice), f.attestationFiles(alice, { ...s, test: untyped }));
    expect(verdict.failures).toEqual([expect.objectContaining({ code: "attestation-unreadable", message: expect.stringContaining("no _type") })]);
  });
});

describe("verifyAttestations with sigstore-oidc functionaries", () => {
  const WORKFLOW = "https://github.com/acme/app/.github/workflows/build.yml@refs/heads/main";
  const GITHUB = "https://token.actions.githubusercontent.com";
  const auth = sig.makeAuthority();
  const yaml = f
    .layoutYaml(alice)
    .replace("steps:", `  builder:\n    keyType: "sigstore-oidc"\n    scheme: "fulcio"\n    keyVal:\n      identity: "${WORKFLOW}"\n      issuer: "${GITHUB}"\n    keyID: "builder"\nsteps:`)
    .replace(/(provenance\/v1"\n[\s\S]*?functionaries: )\["[0-9a-f]+"\]/, '$1["builder"]');
  const build = f.statements().build;
  const bundleFile = (who: ReturnType<typeof sig.makeSigner>, authority = auth) => ({ name: "build.sigstore.json", text: JSON.stringify(sig.dsseBundle(authority, who, build)) });
  const keyed = f.attestationFiles(alice).filter((x) => !x.name.startsWith("build"));

  async function runWith(files: { name: string; text: string }[], trustedRoot: unknown = auth.rootJson) {
    // null: no trusted root at all
    const parsed = await parseAttestationLayout(yaml);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
    return verifyAttestations(parsed.value, encode(files), NOW, trustedRoot === null ? {} : { trustedRoot: trustedRoot as never });
  }

  it("accepts a build step proven by a bundle from the workflow identity", async () => {
    const verdict = await runWith([...keyed, bundleFile(sig.makeSigner(auth, { identity: { uri: WORKFLOW }, issuer: GITHUB }))]);
    expect(verdict.failures).toEqual([]);
    expect(verdict.accepted.find((a) => a.step === "build")).toMatchObject({ signer: "builder", file: "build.sigstore.json" });
  });

  it("matches an identityPattern: every tag of the workflow, not a branch", async () => {
    const tags = yaml.replace(`identity: "${WORKFLOW}"`, `identityPattern: "${WORKFLOW.replace("heads/main", "tags/*")}"`);
    const parsed = await parseAttestationLayout(tags);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
    const tagged = sig.makeSigner(auth, { identity: { uri: WORKFLOW.replace("heads/main", "tags/v2.0.0") }, issuer: GITHUB });
    const pass = await verifyAttestations(parsed.value, encode([...keyed, bundleFile(tagged)]), NOW, { trustedRoot: auth.rootJson as never });
    expect(pass.failures).toEqual([]);
    const branch = sig.makeSigner(auth, { identity: { uri: WORKFLOW }, issuer: GITHUB });
    const fail = await verifyAttestations(parsed.value, encode([...keyed, bundleFile(branch)]), NOW, { trustedRoot: auth.rootJson as never });
    expect(fail.failures.map((x) => x.code)).toEqual(["attestation-signature"]);
  });

  it("fails a bundle from another identity, from an untrusted CA, or without a trusted root", async () => {
    const other = sig.makeSigner(auth, { identity: { uri: WORKFLOW.replace("main", "dev") }, issuer: GITHUB });
    const wrong = await runWith([...keyed, bundleFile(other)]);
    expect(wrong.failures).toEqual([expect.objectContaining({ code: "attestation-signature", message: expect.stringContaining("no functionary") })]);
    const rogue = sig.makeAuthority();
    const untrusted = await runWith([...keyed, bundleFile(sig.makeSigner(rogue, { identity: { uri: WORKFLOW }, issuer: GITHUB }), rogue)]);
    expect(untrusted.failures[0]?.message).toContain("CERTIFICATE_ERROR");
    const noRoot = await runWith([...keyed, bundleFile(sig.makeSigner(auth, { identity: { uri: WORKFLOW }, issuer: GITHUB }))], null);
    expect(noRoot.failures[0]?.message).toContain("give a trusted root");
  });
});

describe("parseAttestationLayout", () => {
  const refused: Array<[string, (y: string) => string, string]> = [
    ["an unknown field", (y) => y.replace("steps:", "extra: 1\nsteps:"), "layout-field"],
    ["an unknown key type", (y) => y.replace('keyType: "ed25519"', 'keyType: "x509"'), "layout-key-type"],
    ["a key type spelled like an object property", (y) => y.replace('keyType: "ed25519"', 'keyType: "toString"'), "layout-key-type"],
    ["an identity pattern that widens the host", (y) => y.replace("steps:", '  b:\n    keyType: "sigstore-oidc"\n    scheme: "fulcio"\n    keyVal: {identityPattern: "https://*/x", issuer: "https://i"}\n    keyID: "b"\nsteps:'), "layout-identity-pattern"],
    ["a sigstore-oidc functionary without an issuer", (y) => y.replace("steps:", '  b:\n    keyType: "sigstore-oidc"\n    scheme: "fulcio"\n    keyVal: {identity: "a@example.com"}\n    keyID: "b"\nsteps:'), "layout-shape"],
    ["a keyID that is not the key's", (y) => y.replace(`keyID: "${alice.keyid}"`, `keyID: "${"0".repeat(64)}"`), "layout-keyid"],
    ["a functionary that is not declared", (y) => y.replace(`functionaries: ["${alice.keyid}"]`, 'functionaries: ["nobody"]'), "layout-functionaries"],
    ["subjects it would not evaluate", (y) => `${y}subjects:\n  - subject: ["x"]\n`, "layout-unsupported"],
    ["a duplicate key", (y) => y.replace("steps:", 'expires: "2100-01-01T00:00:00Z"\nsteps:'), "layout-yaml"],
    ["an expiry that is not RFC 3339", (y) => y.replace('"2100-01-01T00:00:00Z"', '"next year"'), "layout-expires"],
  ];
  for (const [what, edit, code] of refused) {
    it(`refuses ${what}`, async () => {
      const parsed = await parseAttestationLayout(edit(f.layoutYaml(alice)));
      expect(parsed.ok || parsed.error.code).toBe(code);
    });
  }
});

describe("substituteParameters", () => {
  const yaml = f.layoutYaml(alice, { testAttributes: ["predicate.url == '{ci}/run/{run}'"] });
  it("resolves nested parameters and passes", async () => {
    expect((await run(yaml, undefined, { ci: "{scheme}://ci.example", scheme: "https", run: "1" })).passed).toBe(true);
  });

  it("fails a placeholder without a value, a self reference and a cycle", async () => {
    const parsed = await parseAttestationLayout(yaml);
    if (!parsed.ok) throw new Error("fixture");
    expect(substituteParameters(parsed.value, { ci: "x" })).toMatchObject({ ok: false, error: { code: "parameters-missing" } });
    expect(substituteParameters(parsed.value, { ci: "{ci}", run: "1" })).toMatchObject({ ok: false, error: { code: "parameters-cycle" } });
    expect(substituteParameters(parsed.value, { ci: "{run}", run: "{ci}" })).toMatchObject({ ok: false, error: { code: "parameters-cycle" } });
    expect(substituteParameters(parsed.value, { "a b": "x" })).toMatchObject({ ok: false, error: { code: "parameters-name" } });
  });
});

describe("file names and paths", () => {
  it("reads the step from a file name as attestation-verifier does", () => {
    expect(["build.fe1c6281.json", "a.b.x.json", "clone.json", "x"].map(stepOfFile)).toEqual(["build", "a.b", "", ""]);
  });

  it("cleans paths as Go's path.Clean", () => {
    expect(["git+https://github.com/x/", "a/./b/../c", "", "/../a", "../../a"].map(cleanPath)).toEqual(["git+https:/github.com/x", "a/c", ".", "/a", "../../a"]);
  });
});

// One attestation layout over classic links and attestations together: a Metablock `.link` (or a DSSE
// envelope of a link) in the attestations folder is a claim of the link predicate v0.3 for its step,
// loaded and signature-checked by the link verifier's own code (engine/attest/link-evidence.ts).
// The chain is layout-fixtures.ts's (clone → test → build) with the clone step proven by a link.
import { describe, expect, it } from "vitest";
import { type AttestationVerdict, parseAttestationLayout, stepOfFile, verifyAttestations } from "../src/index.js";
import * as f from "./fixtures/attest/layout-fixtures.js";
import { cloneRecording, dsseLink, metablockLink } from "./fixtures/attest/link-fixtures.js";

type File = { name: string; text: string };
const alice = f.functionary("alice");
const bob = f.functionary("bob");
const mallory = f.functionary("mallory");
const NOW = new Date("2026-01-01T00:00:00Z");
const clone = cloneRecording(f.EMPTY);

async function run(files: readonly File[], yaml = f.layoutYaml(alice)): Promise<AttestationVerdict> {
  const parsed = await parseAttestationLayout(yaml);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return verifyAttestations(parsed.value, files.map((x) => ({ name: x.name, bytes: new TextEncoder().encode(x.text) })), NOW);
}
const codes = (v: AttestationVerdict) => v.failures.map((x) => x.code);
/** The happy path's test and build attestations by alice, without its clone link attestation. */
const rest = () => f.attestationFiles(alice).filter((x) => !x.name.startsWith("clone."));

/** The fixture layout with the clone step's link predicate by alice and bob, threshold 2. */
function cloneByTwo(): string {
  return f
    .layoutYaml(alice)
    .replace(`        functionaries: ["${alice.keyid}"]\n  - name: "test"`, `        functionaries: ["${alice.keyid}", "${bob.keyid}"]\n        threshold: 2\n  - name: "test"`)
    .replace("steps:", `  ${bob.keyid}:\n    keyType: "ed25519"\n    scheme: "ed25519"\n    keyVal:\n      public: "${bob.publicHex}"\n    keyID: "${bob.keyid}"\nsteps:`);
}

describe("classic links in an attestation layout", () => {
  it("accepts a Metablock link as the step's link predicate, with its artifacts feeding later steps' rules", async () => {
    const link = metablockLink(clone, [alice]);
    const verdict = await run([link, ...rest()]);
    expect(verdict.failures).toEqual([]);
    expect(verdict.accepted[0]).toEqual({ step: "clone", predicateType: "https://in-toto.io/attestation/link/v0.3", signer: alice.keyid, file: link.name });
  });

  it("accepts a DSSE envelope whose payload is a link", async () => {
    expect((await run([dsseLink(clone, [alice]), ...rest()])).failures).toEqual([]);
  });

  it("reads the step of a .link file from its name as in-toto names it", () => {
    expect(["package.2f89b927.link", "a.b.x.link", "x.link"].map(stepOfFile)).toEqual(["package", "a.b", ""]);
  });

  it("fails a link changed after signing", async () => {
    const link = metablockLink(clone, [alice]);
    const tampered = { ...link, text: link.text.replace(f.EMPTY, f.sha256("evil")) };
    expect(tampered.text).not.toBe(link.text);
    const verdict = await run([tampered, ...rest()]);
    expect(verdict.failures).toEqual([expect.objectContaining({ code: "attestation-signature", step: "clone", file: link.name })]);
  });

  it("fails a link signed by a key that is no functionary of the layout", async () => {
    const verdict = await run([metablockLink(clone, [mallory]), ...rest()]);
    expect(verdict.failures).toEqual([expect.objectContaining({ code: "attestation-signature", step: "clone" })]);
  });

  it("fails a link whose name is not the step its file name says", async () => {
    const misfiled = metablockLink({ ...clone, name: "build" }, [alice], "clone");
    const verdict = await run([misfiled, ...rest()]);
    expect(verdict.failures).toEqual([expect.objectContaining({ code: "attestation-step-mismatch", step: "clone", message: expect.stringContaining('the link is for step "build"') })]);
  });

  it("refuses a Metablock holding a layout, and a link that is not canonical JSON, with the loader's reason", async () => {
    const layout = { name: "clone.0.link", text: JSON.stringify({ signed: { _type: "layout" }, signatures: [] }) };
    const float = { name: "clone.1.link", text: metablockLink(clone, [alice]).text.replace('"return-value": 0', '"return-value": 0.5') };
    const verdict = await run([layout, float, ...rest()]);
    expect(verdict.failures.map((x) => [x.code, x.file])).toEqual([
      ["attestation-unreadable", "clone.0.link"],
      ["attestation-unreadable", "clone.1.link"],
    ]);
    expect(verdict.failures[0]?.message).toContain("holds a layout");
  });

  it("meets a threshold of 2 with Metablock links by two functionaries, and not with one", async () => {
    expect(codes(await run([metablockLink(clone, [alice]), ...rest()], cloneByTwo()))).toEqual(["step-threshold"]);
    const both = await run([metablockLink(clone, [alice]), metablockLink(clone, [bob]), ...rest()], cloneByTwo());
    expect(both.failures).toEqual([]);
    expect(both.accepted.filter((a) => a.step === "clone").map((a) => a.signer).sort()).toEqual([alice.keyid, bob.keyid].sort());
    // One Metablock carrying both functionaries' signatures counts for both, as a DSSE envelope does.
    expect((await run([metablockLink(clone, [alice, bob]), ...rest()], cloneByTwo())).failures).toEqual([]);
  });

  it("counts a functionary once when it gives both a link and a link attestation for the step", async () => {
    const attestation = f.attestationFiles(alice).filter((x) => x.name.startsWith("clone."));
    const twice = await run([metablockLink(clone, [alice]), ...attestation, ...rest()], cloneByTwo());
    expect(twice.failures).toEqual([expect.objectContaining({ code: "step-threshold", message: expect.stringContaining("found 1") })]);
    const bobs = f.attestationFiles(bob).filter((x) => x.name.startsWith("clone."));
    expect((await run([metablockLink(clone, [alice]), ...attestation, ...bobs, ...rest()], cloneByTwo())).failures).toEqual([]);
  });
});

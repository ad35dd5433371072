// Offline Sigstore bundle verification (engine/attest/sigstore-bundle.ts) against a Sigstore of our
// own (fixtures/attest/sigstore-fixtures.ts): real certificates, log entries and signatures, so each
// hostile case fails for its own reason. This suite runs on the project's Node (20.19 or later)
// although @sigstore/verify 4 declares Node 22: it is the check that the library works there.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type BundleSigner, type JsonValue, verifySigstoreBundle } from "../src/index.js";
import * as f from "./fixtures/attest/sigstore-fixtures.js";

const WORKFLOW = "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main";
const GITHUB = "https://token.actions.githubusercontent.com";
const signer: BundleSigner = { identity: WORKFLOW, issuer: GITHUB };
const artifact = Buffer.from("acme-app 1.0.0\n");
const auth = f.makeAuthority();
const workflow = f.makeSigner(auth, { identity: { uri: WORKFLOW }, issuer: GITHUB });
const json = (v: unknown) => v as JsonValue;

async function verify(bundle: unknown, who: BundleSigner = signer, root: unknown = auth.rootJson, bytes: Buffer = artifact) {
  return verifySigstoreBundle(json(bundle), json(root), who, { bytes });
}

describe("verifySigstoreBundle", () => {
  it("runs on this Node", () => {
    expect(Number(process.versions.node.split(".")[0])).toBeGreaterThanOrEqual(20);
  });

  for (const version of ["0.1", "0.2", "0.3", "0.3-legacy"] as const) {
    it(`verifies a v${version} message-signature bundle for its identity`, async () => {
      const result = await verify(f.messageBundle(auth, workflow, artifact, version));
      expect(result).toEqual({ ok: true, value: { identity: WORKFLOW, issuer: GITHUB } });
    });

    it(`verifies a v${version} DSSE bundle and returns its Statement`, async () => {
      const result = await verify(f.dsseBundle(auth, workflow, f.statementFor(artifact), version));
      expect(result.ok && result.value.statement?.predicateType).toBe("https://slsa.dev/provenance/v1");
    });
  }

  it("verifies a DSSE bundle from the artifact's digest alone", async () => {
    const bundle = f.dsseBundle(auth, workflow, f.statementFor(artifact));
    const sha256 = f.statementFor(artifact).subject[0]?.digest.sha256 as string;
    const result = await verifySigstoreBundle(json(bundle), json(auth.rootJson), signer, { sha256 });
    expect(result.ok).toBe(true);
  });

  it("matches a subject that lists only sha512 (npm's), from the file or from sha512:HEX", async () => {
    const sha512 = createHash("sha512").update(artifact).digest("hex");
    const statement = { ...f.statementFor(artifact), subject: [{ name: "pkg:npm/acme@1.0.0", digest: { sha512 } }] };
    const bundle = json(f.dsseBundle(auth, workflow, statement));
    expect((await verify(bundle)).ok).toBe(true);
    expect((await verifySigstoreBundle(bundle, json(auth.rootJson), signer, { sha512 })).ok).toBe(true);
    const other = await verifySigstoreBundle(bundle, json(auth.rootJson), signer, { sha512: "0".repeat(128) });
    expect(other.ok || other.error.code).toBe("subject-mismatch");
  });

  it("verifies a message signature from the artifact's sha256 alone (ECDSA over the digest)", async () => {
    const sha256 = createHash("sha256").update(artifact).digest("hex");
    const bundle = f.messageBundle(auth, workflow, artifact);
    expect((await verifySigstoreBundle(json(bundle), json(auth.rootJson), signer, { sha256 })).ok).toBe(true);
    const sig = Buffer.from(bundle.messageSignature.signature, "base64");
    sig.writeUInt8(sig.readUInt8(sig.length - 1) ^ 1, sig.length - 1);
    const tampered = { ...bundle, messageSignature: { ...bundle.messageSignature, signature: sig.toString("base64") } };
    expect((await verifySigstoreBundle(json(tampered), json(auth.rootJson), signer, { sha256 })).ok).toBe(false);
  });

  it("refuses a message-signature bundle given another digest", async () => {
    const result = await verifySigstoreBundle(json(f.messageBundle(auth, workflow, artifact)), json(auth.rootJson), signer, { sha256: "00".repeat(32) });
    expect(result.ok || result.error.code).toBe("message-digest-mismatch");
  });

  it("refuses a bundle signed for another identity", async () => {
    const other = f.makeSigner(auth, { identity: { uri: "https://github.com/mallory/app/.github/workflows/release.yml@refs/heads/main" }, issuer: GITHUB });
    const result = await verify(f.messageBundle(auth, other, artifact));
    expect(result.ok || result.error.code).toBe("sigstore-policy");
  });

  it("refuses the right identity from another OIDC issuer", async () => {
    const other = f.makeSigner(auth, { identity: { uri: WORKFLOW }, issuer: "https://issuer.example" });
    const result = await verify(f.messageBundle(auth, other, artifact));
    expect(result.ok || result.error.code).toBe("sigstore-policy");
  });

  it("matches an email identity exactly", async () => {
    const alice = f.makeSigner(auth, { identity: { email: "alice@example.com" }, issuer: "https://accounts.example" });
    const bundle = f.messageBundle(auth, alice, artifact);
    expect((await verify(bundle, { identity: "alice@example.com", issuer: "https://accounts.example" })).ok).toBe(true);
    expect((await verify(bundle, { identity: "alice@example.co", issuer: "https://accounts.example" })).ok).toBe(false);
  });

  it("refuses a certificate that had expired when the log saw the signature", async () => {
    const late = f.makeSigner(auth, { identity: { uri: WORKFLOW }, issuer: GITHUB, integrated: new Date("2025-06-01T12:30:00Z") });
    const result = await verify(f.messageBundle(auth, late, artifact));
    expect(result.ok || result.error).toMatchObject({ code: "sigstore-verification", message: expect.stringContaining("CERTIFICATE_ERROR") });
  });

  it("refuses a certificate from a CA the trusted root does not name", async () => {
    const rogue = f.makeAuthority();
    const result = await verify(f.messageBundle(rogue, f.makeSigner(rogue, { identity: { uri: WORKFLOW }, issuer: GITHUB }), artifact));
    expect(result.ok || result.error.code).toBe("sigstore-verification");
  });

  it("refuses a bad signature", async () => {
    const bundle = f.messageBundle(auth, workflow, artifact);
    const result = await verify(bundle, signer, auth.rootJson, Buffer.from("acme-app 1.0.1\n"));
    expect(result.ok || result.error.code).toBe("message-digest-mismatch");
    const tampered = f.dsseBundle(auth, workflow, f.statementFor(artifact));
    const sig = Buffer.from(tampered.dsseEnvelope.signatures[0]?.sig as string, "base64");
    sig.writeUInt8(sig.readUInt8(sig.length - 1) ^ 1, sig.length - 1);
    (tampered.dsseEnvelope.signatures[0] as { sig: string }).sig = sig.toString("base64");
    const bad = await verify(tampered);
    expect(bad.ok || bad.error.code).toBe("sigstore-verification");
  });

  it("refuses a Statement whose subjects do not include the artifact", async () => {
    const result = await verify(f.dsseBundle(auth, workflow, f.statementFor(Buffer.from("something else"))));
    expect(result.ok || result.error).toMatchObject({ code: "subject-mismatch", path: "$.payload.subject" });
  });

  it("refuses a DSSE Statement without _type, or with an unknown one", async () => {
    const { _type, ...untyped } = f.statementFor(artifact);
    expect(_type).toBe("https://in-toto.io/Statement/v1");
    const missing = await verify(f.dsseBundle(auth, workflow, untyped));
    expect(missing.ok || missing.error.code).toBe("statement-type");
    const unknown = await verify(f.dsseBundle(auth, workflow, { ...untyped, _type: "https://in-toto.io/Statement/v2" }));
    expect(unknown.ok || unknown.error.code).toBe("statement-type");
  });

  it("refuses a trusted root whose log has no validity start", async () => {
    const root = structuredClone(auth.rootJson) as { tlogs: [{ publicKey: { validFor?: unknown } }] };
    delete root.tlogs[0].publicKey.validFor;
    const result = await verify(f.messageBundle(auth, workflow, artifact), signer, root);
    expect(result.ok || result.error).toMatchObject({ code: "trusted-root-validity", path: "$.tlogs[0]" });
  });

  it("refuses a bundle that carries a CA certificate as its signer", async () => {
    const signed = f.messageBundle(auth, workflow, artifact, "0.1");
    const chain = { certificates: [{ rawBytes: auth.caCert.toString("base64") }] };
    const bundle = { ...signed, verificationMaterial: { x509CertificateChain: chain, tlogEntries: signed.verificationMaterial.tlogEntries } };
    const result = await verify(bundle);
    expect(result.ok || result.error.code).toBe("bundle-certificate");
  });

  it("refuses malformed bundles and trusted roots without throwing", async () => {
    const noMedia = { ...f.messageBundle(auth, workflow, artifact), mediaType: "application/json" };
    expect((await verify(noMedia)).ok || "refused").toBe("refused");
    expect((await verify([])).ok || "refused").toBe("refused");
    expect((await verify(f.messageBundle(auth, workflow, artifact), signer, { tlogs: "no" })).ok || "refused").toBe("refused");
  });

  it("verifies with a public key instead of an identity, and refuses the wrong key", async () => {
    const bundle = f.messageBundle(auth, workflow, artifact);
    const pem = workflow.key.publicKey.export({ type: "spki", format: "pem" }).toString();
    const keyed = { ...bundle, verificationMaterial: { publicKey: { hint: "k" }, tlogEntries: bundle.verificationMaterial.tlogEntries } };
    expect(await verify(keyed, { publicKeyPem: pem })).toEqual({ ok: true, value: {} });
    const wrong = await verify(keyed, { publicKeyPem: f.ecKey().publicKey.export({ type: "spki", format: "pem" }).toString() });
    expect(wrong.ok).toBe(false);
  });
});

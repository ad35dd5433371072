// A Sigstore of its own, made in memory for tests: a "Fulcio" CA, leaf certificates with a SAN and
// the Fulcio OIDC-issuer extensions, a "Rekor" log key that signs entry timestamps (SET) and
// checkpoints, the trusted_root.json naming them, and bundles (v0.1 to v0.3 media types) of message
// signatures and DSSE Statements. `totem test` signs a keyless functionary's described evidence with
// it (one authority per run, its private keys never written); the engine's and the CLI's tests make
// hostile cases with it (another identity, a certificate expired at signing time, a bad signature, a
// subject that does not match) as real signatures, not edited public data. Everything is made with
// node:crypto and the small DER writer below; nothing is trusted beyond the run that made it.
import { createHash, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { pae } from "@totem/engine";

// ---- DER (X.690), just what certificates need ----
function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, ...content: Buffer[]) => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
};
const seq = (...c: Buffer[]) => tlv(0x30, ...c);
const set = (...c: Buffer[]) => tlv(0x31, ...c);
const int = (n: number) => tlv(0x02, Buffer.from([n]));
const bool = (b: boolean) => tlv(0x01, Buffer.from([b ? 0xff : 0]));
const octets = (b: Buffer) => tlv(0x04, b);
const bits = (b: Buffer) => tlv(0x03, Buffer.from([0]), b);
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, "utf8"));
const explicit = (n: number, c: Buffer) => tlv(0xa0 + n, c);
function oid(text: string): Buffer {
  const parts = text.split(".").map(Number);
  const out = [40 * (parts[0] as number) + (parts[1] as number)];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [];
    for (let v = p; ; v = Math.floor(v / 128)) {
      chunk.unshift((v % 128) | (chunk.length ? 0x80 : 0));
      if (v < 128) break;
    }
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}
function time(d: Date): Buffer {
  const s = d.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${s.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${s}Z`));
}
const name = (cn: string) => seq(set(seq(oid("2.5.4.3"), utf8(cn))));
const ext = (id: string, critical: boolean, value: Buffer) => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
const ECDSA_SHA256 = seq(oid("1.2.840.10045.4.3.2"));

const spki = (k: KeyObject) => k.export({ type: "spki", format: "der" });
const keyId = (k: KeyObject) => createHash("sha1").update(spki(k)).digest();

/** A key pair (ECDSA P-256, as Fulcio and Rekor use). */
export interface Pair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}
/** A fresh ECDSA P-256 key pair. */
export function ecKey(): Pair {
  return generateKeyPairSync("ec", { namedCurve: "P-256" });
}

interface CertSpec {
  subject: string;
  issuer: string;
  key: KeyObject;
  signer: Pair;
  notBefore: Date;
  notAfter: Date;
  ca: boolean;
  san?: { uri: string } | { email: string };
  oidcIssuer?: string;
}

/** A DER X.509 v3 certificate. */
function certificate(c: CertSpec): Buffer {
  const exts = [ext("2.5.29.14", false, octets(keyId(c.key))), ext("2.5.29.35", false, seq(tlv(0x80, keyId(c.signer.publicKey))))];
  if (c.ca) {
    exts.push(ext("2.5.29.19", true, seq(bool(true))), ext("2.5.29.15", true, bits(Buffer.from([0x06]))));
  } else {
    exts.push(ext("2.5.29.15", true, bits(Buffer.from([0x80]))), ext("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.3"))));
    if (c.san) {
      const general = "uri" in c.san ? tlv(0x86, Buffer.from(c.san.uri)) : tlv(0x81, Buffer.from(c.san.email));
      exts.push(ext("2.5.29.17", true, seq(general)));
    }
    if (c.oidcIssuer) {
      // Fulcio's issuer extensions: v1 (…57264.1.1, raw text) and v2 (…57264.1.8, a DER UTF8String).
      exts.push(ext("1.3.6.1.4.1.57264.1.1", false, Buffer.from(c.oidcIssuer)), ext("1.3.6.1.4.1.57264.1.8", false, utf8(c.oidcIssuer)));
    }
  }
  const tbs = seq(
    explicit(0, int(2)),
    tlv(0x02, createHash("sha256").update(c.subject + c.notBefore.toISOString()).digest().subarray(0, 8).fill(0x11, 0, 1)),
    ECDSA_SHA256,
    name(c.issuer),
    seq(time(c.notBefore), time(c.notAfter)),
    c.subject === "" ? seq() : name(c.subject),
    spki(c.key),
    explicit(3, seq(...exts)),
  );
  return seq(tbs, ECDSA_SHA256, bits(sign("sha256", tbs, c.signer.privateKey)));
}

/** Our trust: a CA and a log, with the times they are valid. */
export interface Authority {
  readonly ca: Pair;
  readonly caCert: Buffer;
  readonly log: Pair;
  readonly logId: Buffer;
  readonly rootJson: Record<string, unknown>;
}

const LOG_URL = "https://rekor.totem.test";

/** A CA valid from 2020 to 2040 and a log key, as a Sigstore trusted_root.json. */
export function makeAuthority(): Authority {
  const ca = ecKey();
  const caCert = certificate({
    subject: "totem-test-fulcio",
    issuer: "totem-test-fulcio",
    key: ca.publicKey,
    signer: ca,
    notBefore: new Date("2020-01-01T00:00:00Z"),
    notAfter: new Date("2040-01-01T00:00:00Z"),
    ca: true,
  });
  const log = ecKey();
  const logId = createHash("sha256").update(spki(log.publicKey)).digest();
  const validFor = { start: "2020-01-01T00:00:00Z" };
  const rootJson = {
    mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    tlogs: [
      {
        baseUrl: LOG_URL,
        hashAlgorithm: "SHA2_256",
        publicKey: { rawBytes: spki(log.publicKey).toString("base64"), keyDetails: "PKIX_ECDSA_P256_SHA_256", validFor },
        logId: { keyId: logId.toString("base64") },
      },
    ],
    certificateAuthorities: [
      { subject: { organization: "totem", commonName: "totem-test-fulcio" }, uri: "https://fulcio.totem.test", certChain: { certificates: [{ rawBytes: caCert.toString("base64") }] }, validFor },
    ],
    ctlogs: [],
    timestampAuthorities: [],
  };
  return { ca, caCert, log, logId, rootJson };
}

/** Who signs and when: a leaf certificate for an identity, valid for ten minutes from `issued`. */
export interface SignerSpec {
  readonly identity: { uri: string } | { email: string };
  readonly issuer: string;
  /** When the certificate was issued (default 2025-06-01T12:00:00Z). */
  readonly issued?: Date;
  /** When the log integrated the entry (default one minute after issue). */
  readonly integrated?: Date;
}

/** A fresh signing key and its leaf certificate from the authority's CA. */
export function makeSigner(auth: Authority, spec: SignerSpec): { key: Pair; cert: Buffer; integrated: Date } {
  const key = ecKey();
  const issued = spec.issued ?? new Date("2025-06-01T12:00:00Z");
  const cert = certificate({
    subject: "",
    issuer: "totem-test-fulcio",
    key: key.publicKey,
    signer: auth.ca,
    notBefore: issued,
    notAfter: new Date(issued.getTime() + 10 * 60_000),
    ca: false,
    san: spec.identity,
    oidcIssuer: spec.issuer,
  });
  return { key, cert, integrated: spec.integrated ?? new Date(issued.getTime() + 60_000) };
}

/** A canonical JSON text (sorted keys, no spaces) of plain data, as Rekor canonicalizes bodies. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

/** A Rekor v1 entry for `body`: logged at `integrated`, with a SET and a one-leaf inclusion proof. */
function tlogEntry(auth: Authority, kind: string, body: unknown, integrated: Date) {
  const bodyBytes = Buffer.from(canonical(body));
  const time = Math.floor(integrated.getTime() / 1000);
  const setPayload = canonical({ body: bodyBytes.toString("base64"), integratedTime: time, logID: auth.logId.toString("hex"), logIndex: 0 });
  const set = sign("sha256", Buffer.from(setPayload), auth.log.privateKey);
  const root = createHash("sha256").update(Buffer.concat([Buffer.from([0]), bodyBytes])).digest();
  const note = `rekor.totem.test\n1\n${root.toString("base64")}\n`;
  const noteSig = Buffer.concat([auth.logId.subarray(0, 4), sign("sha256", Buffer.from(note), auth.log.privateKey)]);
  return {
    logIndex: "0",
    logId: { keyId: auth.logId.toString("base64") },
    kindVersion: { kind, version: "0.0.1" },
    integratedTime: String(time),
    inclusionPromise: { signedEntryTimestamp: set.toString("base64") },
    inclusionProof: { logIndex: "0", rootHash: root.toString("base64"), treeSize: "1", hashes: [], checkpoint: { envelope: `${note}\n\u2014 rekor.totem.test ${noteSig.toString("base64")}\n` } },
    canonicalizedBody: bodyBytes.toString("base64"),
  };
}

const pem = (der: Buffer) => `-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n?$/, "\n")}-----END CERTIFICATE-----\n`;

/** The bundle media types by version. */
export const MEDIA_TYPES = {
  "0.1": "application/vnd.dev.sigstore.bundle+json;version=0.1",
  "0.2": "application/vnd.dev.sigstore.bundle+json;version=0.2",
  "0.3": "application/vnd.dev.sigstore.bundle.v0.3+json",
  "0.3-legacy": "application/vnd.dev.sigstore.bundle+json;version=0.3",
} as const;

function material(version: keyof typeof MEDIA_TYPES, cert: Buffer, entry: unknown) {
  const certificate = { rawBytes: cert.toString("base64") };
  // v0.1 and v0.2 carry a certificate chain; v0.3 a single certificate.
  return version === "0.1" || version === "0.2"
    ? { x509CertificateChain: { certificates: [certificate] }, tlogEntries: [entry] }
    : { certificate, tlogEntries: [entry] };
}

/** A message-signature bundle over `artifact`. */
export function messageBundle(auth: Authority, signer: ReturnType<typeof makeSigner>, artifact: Buffer, version: keyof typeof MEDIA_TYPES = "0.3") {
  const digest = createHash("sha256").update(artifact).digest();
  const sig = sign("sha256", artifact, signer.key.privateKey);
  const body = {
    apiVersion: "0.0.1",
    kind: "hashedrekord",
    spec: { data: { hash: { algorithm: "sha256", value: digest.toString("hex") } }, signature: { content: sig.toString("base64"), publicKey: { content: Buffer.from(pem(signer.cert)).toString("base64") } } },
  };
  return {
    mediaType: MEDIA_TYPES[version],
    verificationMaterial: material(version, signer.cert, tlogEntry(auth, "hashedrekord", body, signer.integrated)),
    messageSignature: { messageDigest: { algorithm: "SHA2_256", digest: digest.toString("base64") }, signature: sig.toString("base64") },
  };
}

/** A DSSE bundle carrying `statement` (any JSON: hostile ones too). */
export function dsseBundle(auth: Authority, signer: ReturnType<typeof makeSigner>, statement: unknown, version: keyof typeof MEDIA_TYPES = "0.3") {
  const payload = Buffer.from(JSON.stringify(statement));
  const type = "application/vnd.in-toto+json";
  const sig = sign("sha256", pae(type, payload), signer.key.privateKey);
  const body = {
    apiVersion: "0.0.1",
    kind: "dsse",
    spec: {
      envelopeHash: { algorithm: "sha256", value: createHash("sha256").update(canonical({ payload: payload.toString("base64"), payloadType: type, signatures: [{ sig: sig.toString("base64") }] })).digest("hex") },
      payloadHash: { algorithm: "sha256", value: createHash("sha256").update(payload).digest("hex") },
      signatures: [{ signature: sig.toString("base64"), verifier: Buffer.from(pem(signer.cert)).toString("base64") }],
    },
  };
  return {
    mediaType: MEDIA_TYPES[version],
    verificationMaterial: material(version, signer.cert, tlogEntry(auth, "dsse", body, signer.integrated)),
    dsseEnvelope: { payload: payload.toString("base64"), payloadType: type, signatures: [{ sig: sig.toString("base64"), keyid: "" }] },
  };
}

/** An in-toto v1 Statement about `artifact` (sha256). */
export function statementFor(artifact: Buffer, predicateType = "https://slsa.dev/provenance/v1", predicate: unknown = {}) {
  return {
    _type: "https://in-toto.io/Statement/v1",
    subject: [{ name: "artifact.bin", digest: { sha256: createHash("sha256").update(artifact).digest("hex") } }],
    predicateType,
    predicate,
  };
}

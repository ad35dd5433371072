// GPG functionaries through the engine's public entry points, on a chain the reference tools made
// (fixtures/gpg/generate.sh: gpg with its clock at 2025-01-01, in-toto 1.3.1's layout API,
// in-toto-run --gpg): the owner's ed25519 key signs the layout; Alice's RSA key (valid until
// 2026-01-01) signs "write" through her signing subkey; Bob's DSA key signs "package".
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  canonicalString,
  checkChunk,
  type JsonValue,
  layoutToJson,
  loadEnvelope,
  parsePublicKey,
  type PublicKeyMaterial,
  verifyChain,
  type VerificationResult,
} from "../src/index.js";

const DIR = new URL("./fixtures/gpg/", import.meta.url).pathname;
const read = (name: string) => new Uint8Array(readFileSync(join(DIR, name)));
const links = Object.fromEntries(readdirSync(DIR).filter((n) => n.endsWith(".link")).map((n) => [n, read(n)]));

function key(name: string): PublicKeyMaterial {
  const parsed = parsePublicKey(readFileSync(join(DIR, `${name}.gpg.json`), "utf8"));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

async function verify(opts: { now: string; layout?: string; keys?: PublicKeyMaterial[]; files?: Record<string, Uint8Array> }): Promise<VerificationResult> {
  const files = opts.files ?? links;
  return verifyChain({
    layout: read(opts.layout ?? "root.layout"),
    layoutKeys: opts.keys ?? [key("owner")],
    readLink: (path) => files[path],
    now: new Date(opts.now),
    trace: false,
  });
}

const codes = (r: VerificationResult) => r.failures.map((f) => f.code);

describe("GPG layouts and links", () => {
  it("loads a GPG layout and writes its keys back exactly as signed", () => {
    const loaded = loadEnvelope(read("root.layout"));
    if (!loaded.ok || loaded.value.type !== "layout") throw new Error("not a layout");
    const raw = JSON.parse(readFileSync(join(DIR, "root.layout"), "utf8")) as { signed: JsonValue };
    expect(canonicalString(layoutToJson(loaded.value.layout))).toBe(canonicalString(raw.signed));
    const methods = Object.values(loaded.value.layout.keys).map((k) => k.scheme).sort();
    expect(methods).toEqual(["pgp+dsa-fips-180-2", "pgp+rsa-pkcsv1.5"]);
  });

  it("reads a GPG key file with its fingerprint as the keyid under both targets", () => {
    const alice = key("alice");
    const file = JSON.parse(readFileSync(join(DIR, "alice.gpg.json"), "utf8")) as { keyid: string };
    expect(alice.keyid("in-toto-1.3")).toBe(file.keyid);
    expect(alice.keyid("in-toto")).toBe(file.keyid);
    expect(canonicalString(layoutToJson({ _type: "layout", expires: "", readme: "", keys: { k: alice.toLayoutKey("in-toto") }, steps: [], inspect: [] }).keys as JsonValue)).toBe(
      canonicalString({ k: JSON.parse(readFileSync(join(DIR, "alice.gpg.json"), "utf8")) as JsonValue }),
    );
  });

  it("refuses a GPG key file whose method does not fit its type, and points an OpenPGP key block to totem gpg-key", () => {
    const alice = JSON.parse(readFileSync(join(DIR, "alice.gpg.json"), "utf8")) as Record<string, unknown>;
    const wrong = parsePublicKey(JSON.stringify({ ...alice, method: "pgp+eddsa-ed25519" }));
    expect(wrong.ok ? undefined : wrong.error.code).toBe("key-unreadable");
    expect(wrong.ok ? "" : wrong.error.message).toMatch(/^The GPG key file is not a securesystemslib GPG key: at \/method it must be equal to constant/);
    const block = parsePublicKey("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQENBF...\n-----END PGP PUBLIC KEY BLOCK-----\n");
    expect(block.ok ? "" : block.error.message).toMatch(/totem gpg-key FINGERPRINT --from FILE/);
  });

  it("passes while every key is valid, with Alice's link signed by her subkey", async () => {
    expect(Object.keys(links).some((n) => n.startsWith("write.") && !key("alice").keyid("in-toto").startsWith(n.slice(6, 14)))).toBe(true);
    const r = await verify({ now: "2025-06-01T00:00:00Z" });
    expect(codes(r)).toEqual([]);
    expect(r.passed).toBe(true);
  });

  it("skips a link signed by a key past its validity period, as 1.3.1 skips it on KeyExpirationError", async () => {
    const r = await verify({ now: "2026-06-01T00:00:00Z" });
    expect(codes(r)).toEqual(["link-threshold"]);
    expect(r.failures[0]?.step).toBe("write");
    expect(r.failures[0]?.message).toMatch(/expired/);
  });

  it("checks key validity with the verdict's clock in chunks run elsewhere (the plan travels by structured clone, as to a worker thread)", async () => {
    const readLink = (path: string) => links[path];
    const r = await verifyChain({
      layout: read("root.layout"),
      layoutKeys: [key("owner")],
      readLink,
      now: new Date("2026-06-01T00:00:00Z"),
      trace: false,
      chunkRunner: { threads: 2, run: async (plan) => plan.chunks.map((_, i) => checkChunk(structuredClone(plan), i, readLink)) },
    });
    expect(codes(r)).toEqual(["link-threshold"]);
  });

  it("accepts a layout signed by a layout key's subkey, and fails it with layout-key-expired once the key has expired", async () => {
    expect((await verify({ now: "2025-06-01T00:00:00Z", layout: "root-by-alice.layout", keys: [key("alice")] })).passed).toBe(true);
    const r = await verify({ now: "2026-06-01T00:00:00Z", layout: "root-by-alice.layout", keys: [key("alice")] });
    expect(codes(r)).toEqual(["layout-key-expired"]);
  });

  it("rejects a link whose signed payload was changed", async () => {
    const name = Object.keys(links).find((n) => n.startsWith("package.")) as string;
    const text = new TextDecoder().decode(links[name]).replace('"a.tar"', '"b.tar"');
    const r = await verify({ now: "2025-06-01T00:00:00Z", files: { ...links, [name]: new TextEncoder().encode(text) } });
    expect(codes(r)).toEqual(["link-threshold"]);
  });

  it("says that OpenPGP signatures in a DSSE envelope are unsupported", () => {
    const payload = Buffer.from(JSON.stringify({ _type: "link", name: "write" })).toString("base64");
    const envelope = { payload, payloadType: "application/vnd.in-toto+json", signatures: [{ keyid: "ab", other_headers: "0400", signature: "aa" }] };
    const loaded = loadEnvelope(new TextEncoder().encode(JSON.stringify(envelope)));
    expect(loaded.ok ? undefined : loaded.error).toEqual({
      code: "schema",
      message: "The DSSE envelope holds an OpenPGP (GPG) signature: GPG signatures are unsupported in DSSE envelopes (in-toto signs with GPG only in Metablocks).",
      path: "$.signatures[0]",
    });
  });

  it("rejects a layout verified with another GPG key", async () => {
    const r = await verify({ now: "2025-06-01T00:00:00Z", keys: [key("bob")] });
    expect(codes(r)).toEqual(["layout-signature-missing"]);
  });
});

// `functionary NAME key gpg "FINGERPRINT" from "path"`: parsed, formatted, listed for the caller to
// read (gpgKeyRefs), and lowered from what the caller read (LowerOptions.readGpgKey).
import { parsePublicKey, type PublicKey } from "@totem/engine";
import { describe, expect, it } from "vitest";
import { format } from "../src/format/index.js";
import { gpgKeyRefs } from "../src/gpg-key-refs.js";
import { compilePolicy } from "../src/lower.js";
import { parse } from "../src/parse.js";

const FPR = "8465a1e2e0fb2b40adb2478e18fb3f537e0c8a17";
const parsed = parsePublicKey(
  JSON.stringify({ keyid: FPR, type: "eddsa", method: "pgp+eddsa-ed25519", hashes: ["pgp+SHA2"], keyval: { public: { q: "ab".repeat(32) }, private: "" } }),
);
if (!parsed.ok) throw new Error(parsed.error.message);
const KEY: PublicKey = parsed.value.toLayoutKey("in-toto-1.3");

const SOURCE = `const ring = "keys/team.asc"

layout "gpg" {
  expires "2030-01-01T00:00:00Z"
  functionary alice key gpg "${FPR}" from ring
  functionary bob key gpg "${FPR}" from "keys/team.asc"

  step build {
    by alice
    materials { disallow "*" }
    products { disallow "*" }
  }
}
`;

const compile = (readGpgKey?: (path: string, fingerprint: string) => PublicKey | string | undefined | null) =>
  compilePolicy(SOURCE, { readKey: () => undefined, now: new Date("2026-01-01T00:00:00Z"), ...(readGpgKey ? { readGpgKey } : {}) });
const codes = (r: ReturnType<typeof compile>) => r.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code}: ${d.message}`);

describe("GPG keys named by fingerprint from a keyring", () => {
  it("parses, formats unchanged, and lists each keyring reference once, constants resolved", () => {
    expect(parse(SOURCE).diagnostics).toEqual([]);
    expect(format(SOURCE)).toBe(SOURCE);
    expect(gpgKeyRefs(parse(SOURCE).file)).toEqual([{ path: "keys/team.asc", fingerprint: FPR }]);
  });

  it("lowers the key the caller read into layout.keys under its fingerprint", () => {
    const r = compile((path, fingerprint) => (path === "keys/team.asc" && fingerprint === FPR ? KEY : undefined));
    expect(codes(r)).toEqual([]);
    expect(Object.keys(r.layout?.keys ?? {})).toEqual([FPR]);
    expect(r.layout?.steps[0]?.pubkeys).toEqual([FPR]);
  });

  it("reports what the caller could not read on the key: the reason, an unreadable path, or no keyring reader at all", () => {
    expect(codes(compile(() => "No OpenPGP key with fingerprint or keyid X is in the key data."))[0]).toBe(
      `key-invalid: GPG key ${FPR} from "keys/team.asc": No OpenPGP key with fingerprint or keyid X is in the key data.`,
    );
    expect(codes(compile(() => undefined))[0]).toContain('key-unreadable: The keyring "keys/team.asc" of functionary "alice" cannot be read');
    expect(codes(compile())[0]).toContain(`totem gpg-key ${FPR} --from keys/team.asc`);
  });

  it("reports nothing and makes no layout while the caller has not read a key yet (null)", () => {
    const r = compile(() => null);
    expect(r.diagnostics.filter((d) => d.code === "key-unreadable" || d.code === "key-invalid")).toEqual([]);
    expect(r.layout).toBeUndefined();
  });
});

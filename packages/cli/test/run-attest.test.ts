// `totem run --attest`: the step's evidence as a DSSE-signed Statement with the link predicate v0.3,
// verified by an attestation layout through `totem verify --attestations`.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { runCli, tempDir } from "./run-cli.js";

let cwd: string;
beforeEach(() => {
  cwd = tempDir();
});

function layout(keyid: string, publicHex: string): string {
  return `expires: "2100-01-01T00:00:00Z"
functionaries:
  ${keyid}: {keyType: ed25519, scheme: ed25519, keyVal: {public: "${publicHex}"}, keyID: "${keyid}"}
steps:
  - name: copy
    expectedMaterials: ["ALLOW a.txt", "DISALLOW *"]
    expectedProducts: ["CREATE b.txt", "DISALLOW *"]
    expectedPredicates:
      - predicateType: "https://in-toto.io/attestation/link/v0.3"
        functionaries: ["${keyid}"]
        expectedAttributes:
          - rule: "predicate.command == ['cp', 'a.txt', 'b.txt']"
          - rule: "predicate.byproducts['return-value'] == 0"
`;
}

describe("totem run --attest", () => {
  it("writes <step>.<keyid8>.json that an attestation layout verifies", async () => {
    expect((await runCli(["keygen", "k"], { cwd })).code).toBe(0);
    const pub = JSON.parse(readFileSync(join(cwd, "k.pub"), "utf8"));
    writeFileSync(join(cwd, "a.txt"), "hello\n");
    mkdirSync(join(cwd, "att"));
    const run = await runCli(["run", "--step", "copy", "--key", "k", "--attest", "-m", "a.txt", "-p", "b.txt", "-d", "att", "--", "cp", "a.txt", "b.txt"], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const [file] = readdirSync(join(cwd, "att"));
    expect(file).toMatch(/^copy\.[0-9a-f]{8}\.json$/);
    const env = JSON.parse(readFileSync(join(cwd, "att", file as string), "utf8"));
    expect(env.payloadType).toBe("application/vnd.in-toto+json");
    const statement = JSON.parse(Buffer.from(env.payload, "base64").toString());
    expect(statement).toMatchObject({ _type: "https://in-toto.io/Statement/v1", predicateType: "https://in-toto.io/attestation/link/v0.3", subject: [{ name: "b.txt" }] });
    const signerKeyid = env.signatures[0].keyid as string;
    writeFileSync(join(cwd, "layout.yml"), layout(signerKeyid, pub.keyval.public));
    const verify = await runCli(["verify", "--layout", "layout.yml", "--attestations", "att"], { cwd });
    expect([verify.code, verify.stderr]).toEqual([0, ""]);
    expect(verify.stdout).toContain("ok copy: https://in-toto.io/attestation/link/v0.3");
  });

  it("refuses a step without products (a Statement needs a subject) and --gpg", async () => {
    expect((await runCli(["keygen", "k"], { cwd })).code).toBe(0);
    const none = await runCli(["run", "--step", "check", "--key", "k", "--attest", "--", "true"], { cwd });
    expect([none.code, none.stderr]).toEqual([2, expect.stringContaining("needs at least one subject")]);
    const gpg = await runCli(["run", "--step", "check", "--gpg", "--attest", "--", "true"], { cwd });
    expect([gpg.code, gpg.stderr]).toEqual([2, expect.stringContaining("--attest signs with --key only")]);
  });
});

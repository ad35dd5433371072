// One attestation layout over both kinds of evidence `totem run` records: a classic `.link` (the copy
// step) and a link attestation from `run --attest` (the pack step), in one folder, verified by
// `totem verify --attestations`.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { runCli, tempDir } from "./run-cli.js";

let cwd: string;
beforeEach(() => {
  cwd = tempDir();
});

function layout(keyid: string, publicHex: string): string {
  const by = `
      - predicateType: "https://in-toto.io/attestation/link/v0.3"
        functionaries: ["${keyid}"]`;
  return `expires: "2100-01-01T00:00:00Z"
functionaries:
  ${keyid}: {keyType: ed25519, scheme: ed25519, keyVal: {public: "${publicHex}"}, keyID: "${keyid}"}
steps:
  - name: copy
    expectedMaterials: ["ALLOW a.txt", "DISALLOW *"]
    expectedProducts: ["CREATE b.txt", "DISALLOW *"]
    expectedPredicates:${by}
        expectedAttributes:
          - rule: "predicate.command == ['cp', 'a.txt', 'b.txt']"
  - name: pack
    expectedMaterials: ["MATCH b.txt WITH products FROM copy", "DISALLOW *"]
    expectedProducts: ["CREATE c.txt", "DISALLOW *"]
    expectedPredicates:${by}
`;
}

async function record(step: string, extra: string[], command: string[]): Promise<void> {
  const run = await runCli(["run", "--step", step, "--key", "k", ...extra, "-d", "att", "--", ...command], { cwd });
  expect(run.code, run.stderr).toBe(0);
}

describe("totem verify --attestations with classic links", () => {
  it("verifies a .link from totem run beside a run --attest attestation, and fails the link once changed", async () => {
    expect((await runCli(["keygen", "k"], { cwd })).code).toBe(0);
    const pub = JSON.parse(readFileSync(join(cwd, "k.pub"), "utf8"));
    writeFileSync(join(cwd, "a.txt"), "hello\n");
    mkdirSync(join(cwd, "att"));
    await record("copy", ["-m", "a.txt", "-p", "b.txt"], ["cp", "a.txt", "b.txt"]);
    await record("pack", ["--attest", "-m", "b.txt", "-p", "c.txt"], ["cp", "b.txt", "c.txt"]);
    const names = readdirSync(join(cwd, "att")).sort();
    expect(names).toEqual([expect.stringMatching(/^copy\.[0-9a-f]{8}\.link$/), expect.stringMatching(/^pack\.[0-9a-f]{8}\.json$/)]);
    const link = join(cwd, "att", names[0] as string);
    const keyid = JSON.parse(readFileSync(link, "utf8")).signatures[0].keyid as string;
    writeFileSync(join(cwd, "layout.yml"), layout(keyid, pub.keyval.public));
    const verify = () => runCli(["verify", "--layout", "layout.yml", "--attestations", "att"], { cwd });
    const pass = await verify();
    expect([pass.code, pass.stderr]).toEqual([0, ""]);
    expect(pass.stdout).toContain(`ok copy: https://in-toto.io/attestation/link/v0.3 by ${keyid.slice(0, 8)} (${names[0]})`);
    expect(pass.stdout).toContain(`ok pack: https://in-toto.io/attestation/link/v0.3 by ${keyid.slice(0, 8)} (${names[1]})`);
    writeFileSync(link, readFileSync(link, "utf8").replace('"cp"', '"mv"'));
    const fail = await verify();
    expect([fail.code, fail.stderr]).toEqual([1, expect.stringContaining(`error attestation-signature: ${names[0]}: no functionary of the layout signed it`)]);
  });
});

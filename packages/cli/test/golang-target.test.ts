// Target in-toto-golang through the CLI: compile writes DSSE by default (with in-toto 1.3 keyids and
// in-toto-golang's X.509 fields in the payload), and verify warns that X.509 functionaries are not verified.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadEnvelope, parsePublicKey } from "@totem/engine";
import { beforeEach, describe, expect, it } from "vitest";
import { FIXTURES, runCli, tempDir } from "./run-cli.js";

const POLICY = `layout "golang" {
  target "in-toto-golang"
  expires "2027-01-01T00:00:00Z"
  functionary bob key "keys/bob.pub"
  root-cas {}
  step build {
    by bob
    products { create "app"  disallow "*" }
    cert-constraints {
      constraint {
        common-name "build.example.com"
        roots ["*"]
      }
    }
  }
}
`;

let cwd: string;
beforeEach(() => {
  cwd = tempDir();
  cpSync(join(FIXTURES, "policies", "keys"), join(cwd, "keys"), { recursive: true });
  writeFileSync(join(cwd, "golang.totem"), POLICY);
});

describe("target in-toto-golang", () => {
  it("compiles to DSSE by default, with in-toto 1.3 keyids and the X.509 fields in the payload", async () => {
    const r = await runCli(["compile", "golang.totem", "--key", "keys/owner", "--now", "2026-06-01T00:00:00Z"], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/target in-toto-golang, dsse, 1 step/);
    const loaded = loadEnvelope(readFileSync(join(cwd, "golang.layout")), { expect: "layout" });
    if (!loaded.ok || loaded.value.type !== "layout") throw new Error("not a layout");
    expect(loaded.value.envelope).toBe("dsse");
    const bob = parsePublicKey(readFileSync(join(cwd, "keys/bob.pub"), "utf8"));
    if (!bob.ok) throw new Error(bob.error.message);
    expect(Object.keys(loaded.value.layout.keys)).toEqual([bob.value.keyid("in-toto-1.3")]);
    expect(loaded.value.layout.rootcas).toEqual({});
    expect(loaded.value.layout.steps[0]?.cert_constraints).toEqual([{ common_name: "build.example.com", roots: ["*"] }]);
  });

  it("still writes a Metablock when asked", async () => {
    const r = await runCli(["compile", "golang.totem", "--key", "keys/owner", "--envelope", "metablock"], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/target in-toto-golang, metablock/);
  });

  it("verify warns that X.509 functionaries are not verified, in text and in --json", async () => {
    expect((await runCli(["compile", "golang.totem", "--key", "keys/owner"], { cwd })).code).toBe(0);
    mkdirSync(join(cwd, "links"));
    const args = ["verify", "-l", "golang.layout", "-k", "keys/owner.pub", "-d", "links", "--no-inspection-links"];
    const text = await runCli(args, { cwd });
    expect(text.stderr).toContain("warning[x509-not-verified] The layout has in-toto-golang's X.509 fields (rootcas, cert_constraints of step \"build\")");
    const json = JSON.parse((await runCli([...args, "--json"], { cwd })).stdout) as { warnings: { code: string; stage: number }[] };
    expect(json.warnings).toContainEqual(expect.objectContaining({ code: "x509-not-verified", stage: 0 }));
  });
});

// Commands that do not finish, side by side with the reference tools: in-toto-run 1.3.1 stops a
// command after LINK_CMD_EXEC_TIMEOUT (SIGKILL, `TimeoutExpired`, exit 1, no link), and in-toto-verify
// fails an inspection the same way after 10 s. Totem's `run --timeout` and `verify` (default
// --inspection-timeout 10) reach the same outcome, stopping the command's whole process group
// (SIGTERM, then SIGKILL after 2 s) — here on a command that ignores SIGTERM.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { envelopeToText, type Layout, layoutToJson, parsePrivateKey, signMetablock } from "@totem/engine";
import { describe, expect, it } from "vitest";
import { exec, refKeygen, referenceVerdict, TOTEM, tmp } from "./reference.js";

const STUBBORN = ["sh", "-c", "trap '' TERM; exec sleep 60"];
const links = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".link"));

describe("a command that outlives its timeout", () => {
  it("in-toto-run and totem run --timeout both exit 1 and write no link", () => {
    const dir = tmp("totem-interop-timeout-");
    const key = refKeygen(dir, "functionary", "ed25519");
    const ref = exec(["in-toto-run", "-n", "step", "-k", key, "-t", "ed25519", "--", ...STUBBORN], { cwd: dir, env: { ...process.env, IN_TOTO_LINK_CMD_EXEC_TIMEOUT: "2" } });
    expect(ref.status).toBe(1);
    expect(ref.stderr).toContain("TimeoutExpired");
    expect(links(dir)).toEqual([]);
    const totem = exec([...TOTEM, "run", "-n", "step", "-k", key, "--timeout", "2", "--", ...STUBBORN], { cwd: dir });
    expect(totem.status).toBe(1);
    expect(totem.stderr).toContain("did not finish within 2 s");
    expect(links(dir)).toEqual([]);
  });

  it("in-toto-verify and totem verify both fail the inspection after 10 s", () => {
    const dir = tmp("totem-interop-timeout-");
    const keyPath = refKeygen(dir, "owner", "ed25519");
    const owner = parsePrivateKey(readFileSync(keyPath, "utf8"));
    if (!owner.ok) throw new Error(owner.error.message);
    const allow = [{ type: "allow" as const, pattern: "*" }];
    const layout: Layout = {
      _type: "layout",
      expires: "2030-01-01T00:00:00Z",
      readme: "",
      keys: {},
      steps: [],
      inspect: [{ _type: "inspection", name: "stubborn", run: STUBBORN, expected_materials: allow, expected_products: allow }],
    };
    writeFileSync(join(dir, "root.layout"), envelopeToText(signMetablock(layoutToJson(layout), [owner.value], "in-toto-1.3")));
    const ref = exec(["in-toto-verify", "--layout", "root.layout", "--layout-keys", `${keyPath}.pub`, "--key-types", "ed25519"], { cwd: dir });
    expect(referenceVerdict(ref)).toBe("TimeoutExpired");
    const totem = exec([...TOTEM, "verify", "--layout", "root.layout", "--layout-key", `${keyPath}.pub`, "--json", "--no-inspection-links"], { cwd: dir });
    expect(totem.status).toBe(1);
    expect((JSON.parse(totem.stdout) as { failures: { code: string }[] }).failures.map((f) => f.code)).toEqual(["inspection-timeout"]);
  });
});

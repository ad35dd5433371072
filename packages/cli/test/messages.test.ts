// Author-facing messages end to end (`totem check`): a mistyped key path suggests the file beside it,
// and `expires 180d` is one error with its fix.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempDir } from "./run-cli.js";

describe("messages of totem check", () => {
  it("suggests the key file that was probably meant", async () => {
    const cwd = tempDir("totem-messages-");
    mkdirSync(join(cwd, "keys"));
    expect((await runCli(["keygen", "keys/alice"], { cwd })).code).toBe(0);
    writeFileSync(join(cwd, "p.totem"), 'layout "p" {\n  expires in 90d\n  functionary alice key "keys/alce.pub"\n  step a {\n    by alice\n    materials { disallow "*" }\n    products { disallow "*" }\n  }\n}\n');
    const r = await runCli(["check", "p.totem"], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('p.totem:3:25: error[key-unreadable] The key file "keys/alce.pub" of functionary "alice" cannot be read: check the path (it is relative to the policy). Did you mean "keys/alice.pub"?');
  });

  it("reports `expires 180d` once, with the fix", async () => {
    const cwd = tempDir("totem-messages-");
    writeFileSync(join(cwd, "p.totem"), 'layout "p" {\n  expires 180d\n}\n');
    const r = await runCli(["check", "p.totem"], { cwd });
    expect(r.stdout).toContain("p.totem:2:11: error[syntax-error] `expires 180d` needs `in`: write `expires in 180d`");
    expect(r.stdout).toContain("  help: Write `expires in 180d`");
    expect(r.stdout).not.toContain("missing-expiry");
    expect(r.stderr).toBe("1 error, 0 warnings in 1 file\n");
  });
});

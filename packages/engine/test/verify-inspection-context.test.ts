// The inspection runner learns where each inspection is declared (root layout or a sublayout, whose
// commands a step functionary chose), and an error outcome may carry its own failure code: the CLI
// uses both for `--inspections root-only|none` and for timeouts.
import { describe, expect, it } from "vitest";
import type { Layout } from "../src/model.js";
import { linkFileName, sublayoutDir } from "../src/verify/link-stages.js";
import type { InspectionContext, InspectionOutcome } from "../src/verify/types.js";
import { verifyChain } from "../src/verify/verify-chain.js";
import { bob, carl, cloneLink, dana, demoLayout, layoutFile, link, linkFile, linksDir, owner, packageLink, untarOutcome } from "./fixtures/chains/build-chain.js";

const NOW = new Date("2026-01-01T00:00:00Z");

/** The demo chain whose "clone" step is a sublayout signed by bob, with an inspection of its own. */
function delegatedLinks(): Record<string, Uint8Array> {
  const sub: Layout = {
    _type: "layout",
    expires: "2030-01-01T00:00:00Z",
    readme: "",
    keys: { [dana.keyid]: dana.pub },
    steps: [
      { _type: "step", name: "fetch", threshold: 1, pubkeys: [dana.keyid], expected_command: [], expected_materials: [], expected_products: [{ type: "create", pattern: "*" }] },
    ],
    inspect: [
      { _type: "inspection", name: "sub-check", run: ["true"], expected_materials: [{ type: "allow", pattern: "*" }], expected_products: [{ type: "allow", pattern: "*" }] },
    ],
  };
  return {
    [linkFileName("clone", bob.keyid)]: layoutFile(sub, [bob]),
    [linkFileName("package", carl.keyid)]: linkFile(packageLink, carl),
    [sublayoutDir("clone", bob.keyid) + linkFileName("fetch", dana.keyid)]: linkFile(link("fetch", { products: cloneLink.products }), dana),
  };
}

async function verifyWith(runInspection: (name: string, argv: string[], context: InspectionContext) => Promise<InspectionOutcome>) {
  return verifyChain({ layout: layoutFile(demoLayout(), [owner]), layoutKeys: [owner.input], readLink: linksDir(delegatedLinks()), now: NOW, runInspection });
}

describe("inspection context and outcome codes", () => {
  it("tells the runner which sublayout each inspection comes from", async () => {
    const seen: string[] = [];
    const result = await verifyWith(async (name, _argv, context) => {
      seen.push(`${name} in [${context.sublayout.join(",")}]`);
      return untarOutcome;
    });
    expect(result.failures).toEqual([]);
    expect(seen).toEqual(["sub-check in [clone]", "untar in []"]);
  });

  it("fails with the code an error outcome gives, and inspection-error without one", async () => {
    const refused = await verifyWith(async (_name, _argv, context) =>
      context.sublayout.length > 0 ? { error: "refused by the verifier", code: "inspection-refused" } : untarOutcome,
    );
    expect(refused.failures.map((f) => [f.stage, f.code, f.step, f.sublayout])).toEqual([[10, "inspection-refused", "sub-check", ["clone"]]]);
    const plain = await verifyWith(async () => ({ error: "not found" }));
    expect(plain.failures.map((f) => f.code)).toEqual(["inspection-error"]);
  });
});

// verifyChain hands each passed inspection's unsigned link to `recordInspection` right after the
// command, before the next inspection runs, where in-toto 1.3.1 dumps `<name>.link` (SPEC-NOTES §7
// step 11); inspections of sublayouts too. What the recorder reports is a warning, never a failure.
import { describe, expect, it } from "vitest";
import type { Inspection, Layout, Link } from "../src/model.js";
import { linkFileName, sublayoutDir } from "../src/verify/link-stages.js";
import type { InspectionOutcome, VerifyInput } from "../src/verify/types.js";
import { verifyChain } from "../src/verify/verify-chain.js";
import { bob, carl, cloneLink, dana, demoLayout, layoutFile, link, linkFile, linksDir, owner, packageLink, untarOutcome } from "./fixtures/chains/build-chain.js";

const NOW = new Date("2026-01-01T00:00:00Z");

const allowAll = (name: string, run: string[]): Inspection => ({
  _type: "inspection",
  name,
  run,
  expected_materials: [{ type: "allow", pattern: "*" }],
  expected_products: [{ type: "allow", pattern: "*" }],
});

const demoLinks = (): Record<string, Uint8Array> => ({
  [linkFileName("clone", bob.keyid)]: linkFile(cloneLink, bob),
  [linkFileName("package", carl.keyid)]: linkFile(packageLink, carl),
});

/** The demo links with "clone" delegated to bob, whose own layout has a step "fetch" by dana and an inspection "sub-check". */
function delegatedLinks(): Record<string, Uint8Array> {
  const sub: Layout = {
    _type: "layout",
    expires: "2030-01-01T00:00:00Z",
    readme: "",
    keys: { [dana.keyid]: dana.pub },
    steps: [
      { _type: "step", name: "fetch", threshold: 1, pubkeys: [dana.keyid], expected_command: [], expected_materials: [], expected_products: [{ type: "create", pattern: "*" }] },
    ],
    inspect: [allowAll("sub-check", ["true"])],
  };
  return {
    ...demoLinks(),
    [linkFileName("clone", bob.keyid)]: layoutFile(sub, [bob]),
    [sublayoutDir("clone", bob.keyid) + linkFileName("fetch", dana.keyid)]: linkFile(link("fetch", { products: cloneLink.products }), dana),
  };
}

/** Verifies `layout`, logging every inspection run and record in order. */
async function verifyLogged(
  layout: Layout,
  opts: { links?: Record<string, Uint8Array>; outcome?: (argv: string[]) => InspectionOutcome; record?: (link: Link) => string | undefined } = {},
) {
  const events: string[] = [];
  const recorded: Link[] = [];
  const input: VerifyInput = {
    layout: layoutFile(layout, [owner]),
    layoutKeys: [owner.input],
    readLink: linksDir(opts.links ?? demoLinks()),
    now: NOW,
    runInspection: async (name, argv) => {
      events.push(`run ${name}`);
      return opts.outcome?.(argv) ?? untarOutcome;
    },
    recordInspection: (l) => {
      events.push(`record ${l.name}`);
      recorded.push(l);
      return opts.record?.(l);
    },
  };
  return { result: await verifyChain(input), events, recorded };
}

describe("recordInspection", () => {
  it("receives each passed inspection's link, in 1.3.1's fields, before the next inspection runs", async () => {
    const layout = demoLayout();
    layout.inspect.push(allowAll("second", ["true"]));
    const { result, events, recorded } = await verifyLogged(layout);
    expect(result.failures).toEqual([]);
    expect(events).toEqual(["run untar", "record untar", "run second", "record second"]);
    expect(recorded[0]).toEqual({
      _type: "link",
      name: "untar",
      command: ["tar", "xzf", "demo-project.tar.gz"],
      materials: untarOutcome.materials,
      products: untarOutcome.products,
      byproducts: { "return-value": 0, stderr: "", stdout: "" },
      environment: {},
    });
  });

  it("is not called for an inspection that exits non-zero, and no later inspection runs", async () => {
    const layout = demoLayout();
    layout.inspect.unshift(allowAll("broken", ["false"]));
    const failing = (argv: string[]) => (argv[0] === "false" ? { ...untarOutcome, returnValue: 1 } : untarOutcome);
    const { result, events } = await verifyLogged(layout, { outcome: failing });
    expect(result.failures.map((f) => `${f.stage}:${f.code}:${f.step}`)).toEqual(["10:inspection-failed:broken"]);
    expect(events).toEqual(["run broken"]);
  });

  it("turns what the recorder reports, or throws, into a stage-10 warning; the chain still passes", async () => {
    const layout = demoLayout();
    layout.inspect.push(allowAll("second", ["true"]));
    const record = (l: Link) => {
      if (l.name === "second") throw new Error("disk full");
      return "its name is unsafe";
    };
    const { result } = await verifyLogged(layout, { record });
    expect(result.passed).toBe(true);
    expect(result.warnings).toEqual([
      { stage: 10, code: "inspection-link-not-written", message: 'The link of inspection "untar" was not written: its name is unsafe.', step: "untar" },
      { stage: 10, code: "inspection-link-not-written", message: 'The link of inspection "second" was not written: disk full.', step: "second" },
    ]);
  });

  it("records a sublayout's inspections too (1.3.1 persists them in the same cwd), warning with the path to it", async () => {
    const record = (l: Link) => (l.name === "sub-check" ? "refused" : undefined);
    const { result, events } = await verifyLogged(demoLayout(), { links: delegatedLinks(), record });
    expect(result.failures).toEqual([]);
    expect(events).toEqual(["run sub-check", "record sub-check", "run untar", "record untar"]);
    expect(result.warnings.filter((w) => w.stage === 10)).toEqual([
      { stage: 10, code: "inspection-link-not-written", message: 'The link of inspection "sub-check" was not written: refused.', step: "sub-check", sublayout: ["clone"] },
    ]);
  });
});

// The runner learns where each inspection is declared (root layout or a sublayout, whose commands a
// step functionary chose), and an error outcome may carry its own failure code: the CLI uses both for
// `--inspections root-only|none` and for timeouts.
describe("inspection context and outcome codes", () => {
  const verifyWith = (runInspection: NonNullable<VerifyInput["runInspection"]>) =>
    verifyChain({ layout: layoutFile(demoLayout(), [owner]), layoutKeys: [owner.input], readLink: linksDir(delegatedLinks()), now: NOW, runInspection });

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

import { describe, expect, it } from "vitest";
import { canonicalize } from "../src/canonical-json.js";
import type { Layout, Link } from "../src/model.js";
import { linkToJson } from "../src/serialize.js";
import { envelopeToText } from "../src/sign.js";
import { linkFileName, sublayoutDir } from "../src/verify/link-stages.js";
import type { InspectionOutcome, VerifyInput } from "../src/verify/types.js";
import { verifyChain } from "../src/verify/verify-chain.js";
import {
  bob,
  carl,
  cloneLink,
  dana,
  demoLayout,
  dsse,
  h,
  layoutFile,
  link,
  linkFile,
  linksDir,
  owner,
  packageLink,
  type TestKey,
  untarOutcome,
} from "./fixtures/chains/build-chain.js";

const NOW = new Date("2026-01-01T00:00:00Z");

interface Chain {
  layout?: Layout;
  layoutBytes?: Uint8Array;
  links?: Record<string, Uint8Array>;
  outcome?: InspectionOutcome;
  keys?: TestKey[];
  now?: Date;
}

function demoLinks(): Record<string, Uint8Array> {
  return {
    [linkFileName("clone", bob.keyid)]: linkFile(cloneLink, bob),
    [linkFileName("package", carl.keyid)]: linkFile(packageLink, carl),
  };
}

function verify(chain: Chain = {}) {
  const ran: string[][] = [];
  const input: VerifyInput = {
    layout: chain.layoutBytes ?? layoutFile(chain.layout ?? demoLayout(), [owner]),
    layoutKeys: (chain.keys ?? [owner]).map((k) => k.input),
    readLink: linksDir(chain.links ?? demoLinks()),
    now: chain.now ?? NOW,
    runInspection: async (_name, argv) => {
      ran.push(argv);
      return chain.outcome ?? untarOutcome;
    },
  };
  return verifyChain(input);
}

/** Failures without messages, for compact assertions; messages are checked by snapshot. */
async function codes(chain: Chain = {}) {
  const r = await verify(chain);
  return r.failures.map((f) => `${f.stage}:${f.code}${f.step ? `:${f.step}` : ""}${f.sublayout ? `@${f.sublayout.join("/")}` : ""}`);
}

describe("verifyChain", () => {
  it("passes the demo chain and traces every rule", async () => {
    const r = await verify();
    expect(r.failures).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.warnings).toEqual([]);
    expect(r.trace).toMatchSnapshot();
    expect(r.summary?.products).toEqual(packageLink.products);
  });

  it("reports an unreadable layout at stage 0", async () => {
    expect(await codes({ layoutBytes: new TextEncoder().encode("{") })).toEqual(["0:layout-unreadable"]);
  });

  it("reports a layout not signed by the given key (stage 1)", async () => {
    const r = await verify({ keys: [bob] });
    expect(r.failures.map((f) => f.code)).toEqual(["layout-signature-missing"]);
    expect(r.failures[0]?.message).toMatchSnapshot();
  });

  it("requires every given layout key to have signed (stage 1)", async () => {
    const bytes = layoutFile(demoLayout(), [owner]);
    expect(await codes({ layoutBytes: bytes, keys: [owner, dana] })).toEqual(["1:layout-signature-missing"]);
    const both = layoutFile(demoLayout(), [owner, dana]);
    expect(await codes({ layoutBytes: both, keys: [owner, dana] })).toEqual([]);
  });

  it("reports a tampered layout as an invalid signature (stage 1)", async () => {
    const text = new TextDecoder().decode(layoutFile(demoLayout(), [owner])).replace('"readme": "demo"', '"readme": "evil"');
    expect(await codes({ layoutBytes: new TextEncoder().encode(text) })).toEqual(["1:layout-signature-invalid"]);
  });

  it("finds the layout signature under the modern keyid too", async () => {
    expect(await codes({ layoutBytes: layoutFile(demoLayout(), [owner], "in-toto") })).toEqual([]);
  });

  it("reports an expired layout after its signature (stage 2)", async () => {
    const r = await verify({ now: new Date("2031-01-01T00:00:00Z") });
    expect(r.failures).toMatchSnapshot();
  });

  it("reports a missing link with the file names it looked for (stage 3)", async () => {
    const links = demoLinks();
    delete links[linkFileName("package", carl.keyid)];
    const r = await verify({ links });
    expect(r.failures).toMatchSnapshot();
  });

  it("never reads a link file outside the links directory for a step named with a path (stage 3)", async () => {
    const layout = demoLayout();
    (layout.steps[0] as Layout["steps"][number]).name = "../clone";
    const read: string[] = [];
    const links = demoLinks();
    const r = await verifyChain({
      layout: layoutFile(layout, [owner]),
      layoutKeys: [owner.input],
      readLink: (path) => {
        read.push(path);
        return linksDir(links)(path);
      },
      now: NOW,
      runInspection: async () => untarOutcome,
    });
    expect(read.filter((p) => p.includes("/"))).toEqual([]);
    expect(r.failures.find((f) => f.stage === 3)).toMatchObject({ code: "link-name-unsafe", step: "../clone" });
    expect(r.passed).toBe(false);
  });

  it("reports a malformed link file at stage 3 with its JSON path", async () => {
    const links = { ...demoLinks(), [linkFileName("clone", bob.keyid)]: new TextEncoder().encode('{"signed": {"_type": "link", "name": "clone", "materials": {"a": {"sha256": 1.0}}}, "signatures": []}') };
    const r = await verify({ links });
    expect(r.failures.map((f) => f.code)).toEqual(["link-unreadable"]);
    expect(r.failures[0]?.message).toContain("$.signed.materials.a.sha256");
  });

  it("reports a tampered threshold-1 link as a threshold failure, as in-toto does (stage 4)", async () => {
    const text = new TextDecoder().decode(linkFile(cloneLink, bob)).replace(h("foo").sha256 as string, h("bar").sha256 as string);
    const links = { ...demoLinks(), [linkFileName("clone", bob.keyid)]: new TextEncoder().encode(text) };
    const r = await verify({ links });
    expect(r.failures).toMatchSnapshot();
  });

  it("fails, as in-toto-verify 1.3.1 does (FormatError), when a link is authorized by a key object without keyid (stage 4)", async () => {
    const layout = demoLayout();
    layout.keys[bob.keyid] = { ...bob.pub, keyidAbsent: true };
    expect(await codes({ layout })).toEqual(["4:link-key-without-keyid:clone"]);
    // A step that needs no link from such a key verifies as usual: dana signs instead, threshold 1.
    layout.keys[dana.keyid] = dana.pub;
    (layout.steps[0] as Layout["steps"][number]).pubkeys = [bob.keyid, dana.keyid];
    const links = { ...demoLinks(), [linkFileName("clone", dana.keyid)]: linkFile(cloneLink, dana) };
    delete links[linkFileName("clone", bob.keyid)];
    expect(await codes({ layout, links })).toEqual([]);
  });

  it("rejects a link signed by an unauthorized functionary (stage 4)", async () => {
    const links = { ...demoLinks(), [linkFileName("clone", bob.keyid)]: linkFile(cloneLink, dana) };
    expect(await codes({ links })).toEqual(["4:link-threshold:clone"]);
  });

  const t2 = (): Layout => {
    const layout = demoLayout();
    layout.keys[dana.keyid] = dana.pub;
    const clone = layout.steps[0] as Layout["steps"][number];
    clone.pubkeys = [bob.keyid, dana.keyid];
    clone.threshold = 2;
    return layout;
  };

  it("passes a threshold-2 step with two agreeing links", async () => {
    const links = { ...demoLinks(), [linkFileName("clone", dana.keyid)]: linkFile(cloneLink, dana) };
    expect(await codes({ layout: t2(), links })).toEqual([]);
  });

  it("reports a threshold one link short (stage 3)", async () => {
    expect(await codes({ layout: t2() })).toEqual(["3:link-missing:clone"]);
  });

  it("reports threshold links that disagree on artifacts (stage 7)", async () => {
    const other = link("clone", { ...cloneLink, products: { "demo-project/foo.py": h("other") } });
    const links = { ...demoLinks(), [linkFileName("clone", dana.keyid)]: linkFile(other, dana) };
    const r = await verify({ layout: t2(), links });
    expect(r.failures).toMatchSnapshot();
  });

  it("warns about a command that differs from the expected one (stage 6)", async () => {
    const links = { ...demoLinks(), [linkFileName("clone", bob.keyid)]: linkFile({ ...cloneLink, command: ["git", "clone", "evil"] }, bob) };
    const r = await verify({ links });
    expect(r.passed).toBe(true);
    expect(r.warnings).toMatchSnapshot();
  });

  it("reports an extra product under DISALLOW * with the rule and artifact (stage 9)", async () => {
    const extra = link("package", { ...packageLink, products: { ...packageLink.products, "backdoor.sh": h("evil") } });
    const links = { ...demoLinks(), [linkFileName("package", carl.keyid)]: linkFile(extra, carl) };
    const r = await verify({ links });
    expect(r.failures).toMatchSnapshot();
  });

  it("reports a modified artifact that no longer matches the previous step (stage 9)", async () => {
    const changed = link("package", { ...packageLink, materials: { "demo-project/foo.py": h("tampered") } });
    const links = { ...demoLinks(), [linkFileName("package", carl.keyid)]: linkFile(changed, carl) };
    const r = await verify({ links });
    expect(r.failures.map((f) => [f.code, f.rule?.text, f.artifacts])).toEqual([["rule-disallow", "DISALLOW *", ["demo-project/foo.py"]]]);
    // The true cause: the MATCH that should have consumed it saw another digest; both are shown.
    const here = h("tampered").sha256 as string;
    const there = (cloneLink.products as Record<string, Record<string, string>>)["demo-project/foo.py"]?.sha256 as string;
    expect(r.failures[0]?.message).toContain(
      `"demo-project/foo.py" differs from the products of "clone": sha256 ${here.slice(0, 16)}… here, sha256 ${there.slice(0, 16)}… there — it changed between the steps.`,
    );
    expect(r.failures[0]?.message).not.toContain("add a rule");
  });

  it("reports a failed REQUIRE (stage 9)", async () => {
    const layout = demoLayout();
    (layout.steps[0] as Layout["steps"][number]).expected_products.unshift({ type: "require", pattern: "demo-project/README" });
    const r = await verify({ layout });
    expect(r.failures).toMatchSnapshot();
  });

  it("reports a failing inspection (stage 10)", async () => {
    const r = await verify({ outcome: { ...(untarOutcome as Extract<InspectionOutcome, { returnValue: number | null }>), returnValue: 2 } });
    expect(r.failures).toMatchSnapshot();
  });

  it("reports an inspection that could not run (stage 10)", async () => {
    expect(await codes({ outcome: { error: "command not found: tar" } })).toEqual(["10:inspection-error:untar"]);
  });

  it("reports inspection rules against step and inspection links (stage 11)", async () => {
    const outcome = { ...(untarOutcome as Extract<InspectionOutcome, { returnValue: number | null }>) };
    outcome.materials = { ...outcome.materials, "demo-project.tar.gz": h("swapped") };
    const r = await verify({ outcome });
    expect(r.failures.map((f) => [f.stage, f.code, f.rule?.text, f.artifacts])).toEqual([
      [11, "rule-disallow", "DISALLOW *", ["demo-project.tar.gz"]],
    ]);
  });

  it("accepts DSSE links next to a Metablock layout", async () => {
    const links = { ...demoLinks(), [linkFileName("clone", bob.keyid)]: dsse(linkToJson(cloneLink), [bob]) };
    expect(await codes({ links })).toEqual([]);
  });

  describe("sublayouts", () => {
    // The "clone" step is delegated to bob, whose own layout has one step "fetch" done by dana.
    const subLayout = (): Layout => ({
      _type: "layout",
      expires: "2030-01-01T00:00:00Z",
      readme: "",
      keys: { [dana.keyid]: dana.pub },
      steps: [
        {
          _type: "step",
          name: "fetch",
          threshold: 1,
          pubkeys: [dana.keyid],
          expected_command: [],
          expected_materials: [],
          expected_products: [{ type: "create", pattern: "*" }],
        },
      ],
      inspect: [],
    });
    const files = (fetch: Link): Record<string, Uint8Array> => ({
      [linkFileName("clone", bob.keyid)]: layoutFile(subLayout(), [bob]),
      [sublayoutDir("clone", bob.keyid) + linkFileName("fetch", dana.keyid)]: linkFile(fetch, dana),
      [linkFileName("package", carl.keyid)]: linkFile(packageLink, carl),
    });

    it("verifies a sublayout and uses its summary link for the outer rules", async () => {
      const r = await verify({ links: files(link("fetch", { products: cloneLink.products })) });
      expect(r.failures).toEqual([]);
      expect(r.warnings.map((w) => w.code)).toEqual(["command-mismatch"]);
    });

    it("reports failures inside a sublayout with the path to it", async () => {
      // A summary link that does not match the next step fails the outer rules, not the sublayout.
      const r = await verify({ links: files(link("fetch", { products: { "demo-project/foo.py": h("other") } })) });
      expect(r.failures.map((f) => `${f.stage}:${f.code}:${f.step}:${f.sublayout}`)).toEqual(["9:rule-disallow:package:undefined"]);
      const missing = { ...files(link("fetch")) };
      delete missing[sublayoutDir("clone", bob.keyid) + linkFileName("fetch", dana.keyid)];
      expect(await codes({ links: missing })).toEqual(["3:link-missing:fetch@clone"]);
    });
  });

  it("never throws for garbage evidence", async () => {
    const garbage = ["", "null", "[]", '{"signed": 1}', '{"signed": {"_type": "link"}}', '{"payload": "!!", "payloadType": "application/vnd.in-toto+json", "signatures": []}'];
    for (const g of garbage) {
      const links = { ...demoLinks(), [linkFileName("clone", bob.keyid)]: new TextEncoder().encode(g) };
      const r = await verify({ links });
      expect(r.passed).toBe(false);
      const l = await verify({ layoutBytes: new TextEncoder().encode(g) });
      expect(l.failures[0]?.stage).toBe(0);
    }
  });
});

describe("the stripped-bytes shortcut for link signatures", () => {
  const sortedFile = (payload: Record<string, unknown>, key: TestKey) => {
    const sig = Buffer.from(key.signRaw(canonicalize(payload as never))).toString("hex");
    return new TextEncoder().encode(envelopeToText({ signed: payload as never, signatures: [{ keyid: key.keyid, sig }] }));
  };
  const withSpaces = link("clone", { ...cloneLink, products: { "demo project/foo bar.py": h("foo"), "demo-project/foo.py": h("foo") } });

  it("accepts an in-toto-style sorted link whose paths contain spaces", async () => {
    const layout = demoLayout();
    (layout.steps[0] as Layout["steps"][number]).expected_products.unshift({ type: "allow", pattern: "demo project/*" });
    const links = { ...demoLinks(), [linkFileName("clone", bob.keyid)]: sortedFile(linkToJson(withSpaces), bob) };
    expect(await codes({ layout, links })).toEqual([]);
  });

  // A functionary who signed the file's own (non-canonical) text instead of the canonical bytes: 1.3.1
  // checks the canonical bytes and rejects the link, so the shortcut must not accept it either.
  const strippedTextFile = (text: string, key: TestKey) => {
    const sig = Buffer.from(key.signRaw(new TextEncoder().encode(text))).toString("hex"); // compact text: signed as is
    return new TextEncoder().encode(`{"signatures": [{"keyid": "${key.keyid}", "sig": "${sig}"}], "signed": ${text}}`);
  };
  const payload = linkToJson(cloneLink);
  it.each([
    ["keys out of order", JSON.stringify({ name: payload.name, ...payload })],
    ["a \\u escape", new TextDecoder().decode(canonicalize(payload)).replace('"clone"', '"\\u0063lone"')],
  ])("rejects a signature over stripped text with %s, as in-toto 1.3.1 does", async (_what, text) => {
    expect(strippedTextFile(text, bob)).not.toEqual(sortedFile(payload, bob));
    const links = { ...demoLinks(), [linkFileName("clone", bob.keyid)]: strippedTextFile(text, bob) };
    expect(await codes({ links })).toEqual(["4:link-threshold:clone"]);
  });

  it("still rejects a signature over an unknown field, which in-toto 1.3.1 drops before checking", async () => {
    const payload = { ...linkToJson(cloneLink), spec_version: "1.0" };
    const links = { ...demoLinks(), [linkFileName("clone", bob.keyid)]: sortedFile(payload, bob) };
    expect(await codes({ links })).toEqual(["4:link-threshold:clone"]);
  });
});

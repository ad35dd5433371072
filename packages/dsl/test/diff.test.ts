// diffPolicies and its renderers through the public API: each kind of change with its
// classification, rule-list semantics (permissions before a DISALLOW), and golden renderings.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type ArtifactRule, type Layout, loadEnvelope } from "@totem/engine";
import { describe, expect, it } from "vitest";
import { CHANGE_KINDS, type Change, compilePolicy, diffPolicies, renderDiffJson, renderDiffMarkdown, renderDiffText } from "../src/index.js";

const FIXTURES = join(import.meta.dirname, "fixtures");
const UPDATE = process.env.UPDATE_GOLDENS === "1";

function demo(): Layout {
  const loaded = loadEnvelope(readFileSync(join(FIXTURES, "import", "layouts", "demo.layout")), { expect: "layout" });
  if (!loaded.ok || loaded.value.type !== "layout") throw new Error("demo fixture does not load");
  return loaded.value.layout;
}

function golden(file: string, actual: string): void {
  const path = join(FIXTURES, "diff", file);
  if (UPDATE || !existsSync(path)) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, "utf8"));
}

/** `classification kind subject` for each change, for compact expectations. */
function brief(changes: Change[]): string[] {
  return changes.map((c) => `${c.classification} ${c.kind} ${c.subject}`);
}

function withProducts(layout: Layout, step: number, rules: ArtifactRule[]): Layout {
  const copy = structuredClone(layout);
  copy.steps[step]!.expected_products = rules;
  return copy;
}

const create = (pattern: string): ArtifactRule => ({ type: "create", pattern });
const allow = (pattern: string): ArtifactRule => ({ type: "allow", pattern });
const disallow = (pattern: string): ArtifactRule => ({ type: "disallow", pattern });
const require_ = (pattern: string): ArtifactRule => ({ type: "require", pattern });

describe("diffPolicies", () => {
  const base = demo();

  it("finds nothing between a layout and its copy", () => {
    expect(diffPolicies(base, structuredClone(base))).toEqual([]);
  });

  it("classifies expiry, readme and target changes", () => {
    const later = { ...structuredClone(base), expires: "2031-01-01T00:00:00Z", readme: "other" };
    const earlier = { ...structuredClone(base), expires: "2029-01-01T00:00:00Z" };
    expect(brief(diffPolicies(base, later))).toEqual(["weakens expires layout", "neutral readme layout"]);
    expect(brief(diffPolicies(base, earlier))).toEqual(["strengthens expires layout"]);
    expect(brief(diffPolicies({ layout: base, target: "in-toto-1.3" }, { layout: base, target: "in-toto" }))).toEqual([
      "neutral target layout",
    ]);
  });

  it("treats a removed step as weakening, an added one as strengthening, and a new step order as neutral", () => {
    const removed = structuredClone(base);
    removed.steps.splice(1, 1);
    // Rules that MATCH from the removed step no longer find its link: that part is stricter.
    expect(brief(diffPolicies(base, removed))).toEqual([
      "weakens item-removed step update-version",
      "strengthens rule-changed step package materials",
      "strengthens rule-changed inspection untar products",
    ]);
    expect(brief(diffPolicies(removed, base))).toEqual([
      "strengthens item-added step update-version",
      "weakens rule-changed step package materials",
      "weakens rule-changed inspection untar products",
    ]);
    const reordered = structuredClone(base);
    reordered.steps.reverse();
    expect(brief(diffPolicies(base, reordered))).toEqual(["neutral items-reordered layout"]);
  });

  it("judges a step's keys and threshold together, by the chains they accept", () => {
    const [bob, carl] = [base.steps[0]!.pubkeys[0]!, base.steps[2]!.pubkeys[0]!];
    const two = structuredClone(base);
    two.steps[0]!.pubkeys = [bob, carl];
    two.steps[0]!.threshold = 2;
    // Two agreeing links where one was enough: every chain the new step accepts, the old one did.
    expect(diffPolicies(base, two).map((c) => `${c.classification} ${c.kind}: ${c.reason}`)).toEqual([
      `strengthens signers: key ${carl.slice(0, 8)} may now sign; threshold 1 → 2: now rejects valid links by key ${bob.slice(0, 8)}`,
    ]);
    const lowered = structuredClone(two);
    lowered.steps[0]!.threshold = 1;
    expect(diffPolicies(two, lowered).map((c) => c.reason)).toEqual([`threshold 2 → 1: now accepts valid links by key ${bob.slice(0, 8)}`]);
    expect(brief(diffPolicies(two, base))).toEqual(["weakens signers step clone"]);
    // At threshold 1 the first valid link in key order is the one checked: a key added in front
    // both lets a new signer in and lets its bad link be the one that counts.
    const front = structuredClone(base);
    front.steps[0]!.pubkeys = [carl, bob];
    const back = structuredClone(base);
    back.steps[0]!.pubkeys = [bob, carl];
    expect(brief(diffPolicies(base, front))).toEqual(["mixed functionary-added step clone"]);
    expect(brief(diffPolicies(base, back))).toEqual(["weakens functionary-added step clone"]);
    expect(brief(diffPolicies(back, front))).toEqual(["mixed functionaries-reordered step clone"]);
    const backTwo = structuredClone(back);
    backTwo.steps[0]!.threshold = 2;
    const frontTwo = structuredClone(backTwo);
    frontTwo.steps[0]!.pubkeys = [carl, bob];
    // Above threshold 1 every valid link must agree, so the order of keys no longer matters.
    expect(brief(diffPolicies(backTwo, frontTwo))).toEqual(["neutral functionaries-reordered step clone"]);
  });

  it("reports a functionary whose key was replaced once, by name", () => {
    const [bob, carl] = [base.steps[0]!.pubkeys[0]!, base.steps[2]!.pubkeys[0]!];
    const other = structuredClone(base);
    other.steps[2]!.pubkeys = [bob];
    const before = { layout: base, names: new Map([[bob, "bob"], [carl, "carl"]]) };
    const after = { layout: other, names: new Map([[bob, "carl"]]) };
    expect(diffPolicies(before, after).map((c) => `${c.classification} ${c.kind}: ${c.reason}`)).toEqual([
      `mixed key-replaced: key of carl replaced ${carl.slice(0, 8)} → ${bob.slice(0, 8)}: now accepts valid links by carl (${bob.slice(0, 8)}); now rejects valid links by carl (${carl.slice(0, 8)})`,
    ]);
  });

  it("compares keys by keyid and public key, not by the shape of the key object", () => {
    const withPrivate = structuredClone(base);
    for (const key of Object.values(withPrivate.keys)) (key.keyval as Record<string, string>).private = "";
    expect(diffPolicies(base, withPrivate)).toEqual([]);
    const rotated = structuredClone(base);
    const carl = base.steps[2]!.pubkeys[0]!;
    rotated.keys[carl]!.keyval.public = "00".repeat(32);
    expect(brief(diffPolicies(base, rotated))).toEqual(["mixed key-changed step package"]);
  });

  it("treats a command change as neutral and an inspection's new command as not determined", () => {
    const changed = structuredClone(base);
    changed.steps[0]!.expected_command = ["git", "clone", "--depth", "1"];
    changed.inspect[0]!.run = ["tar", "xf", "demo-project.tar.gz"];
    expect(brief(diffPolicies(base, changed))).toEqual(["neutral command step clone", "undetermined run inspection untar"]);
  });

  it("classifies rule lists by the artifacts each list accepts", () => {
    const rules = [create("a"), disallow("*")];
    const b = withProducts(base, 0, rules);
    const cases: [ArtifactRule[], string[]][] = [
      [[create("a"), allow("b"), disallow("*")], ["weakens rule-added step clone products rule 2"]],
      [[disallow("*")], ["strengthens rule-removed step clone products rule 1"]],
      [[create("a")], ["weakens rule-removed step clone products rule 2"]],
      [[require_("a"), create("a"), disallow("*")], ["strengthens rule-added step clone products rule 1"]],
      [[create("a"), disallow("*.exe")], ["weakens rule-changed step clone products rule 2"]],
      [[create("*"), disallow("*")], ["weakens rule-changed step clone products rule 1"]],
      [[disallow("*"), create("a")], ["strengthens rules-reordered step clone products"]],
      [[disallow("*"), create("a"), allow("b")], ["strengthens rule-changed step clone products"]],
      // A narrower DISALLOW that still catches everything the CREATE leaves: nothing changes.
      [[create("a"), disallow("a"), disallow("*")], ["neutral rule-added step clone products rule 2"]],
    ];
    for (const [after, expected] of cases) expect(brief(diffPolicies(b, withProducts(base, 0, after)))).toEqual(expected);
    // Without a DISALLOW after it, a consuming rule never changes the verdict (in-toto issue 287).
    const open = withProducts(base, 0, [create("a")]);
    expect(brief(diffPolicies(open, withProducts(base, 0, [create("a"), allow("b")])))).toEqual(["neutral rule-added step clone products rule 2"]);
    expect(brief(diffPolicies(withProducts(base, 0, [disallow("*"), create("a")]), b))).toEqual(["weakens rules-reordered step clone products"]);
  });

  it("gets the five misclassifications of issue 15 right", () => {
    const reasons = (before: ArtifactRule[], after: ArtifactRule[]) =>
      diffPolicies(withProducts(base, 0, before), withProducts(base, 0, after)).map((c) => `${c.classification}: ${c.reason}`);
    // A list with no rules accepts anything: [ALLOW x, DISALLOW *] only takes away.
    expect(reasons([], [allow("x"), disallow("*")])).toEqual([
      `strengthens: ALLOW "x" added, DISALLOW "*" added: now rejects products "y" (created) at rule 2 'DISALLOW *'`,
    ]);
    // CREATE x → ALLOW x before DISALLOW *: x that was already a material now passes.
    expect(reasons([create("x"), disallow("*")], [allow("x"), disallow("*")])).toEqual([
      `weakens: ALLOW "x" added, CREATE "x" removed: now accepts products "x" (unchanged material), which rule 2 'DISALLOW *' rejected`,
    ]);
    // REQUIRE after the rule that consumes x: the new list never passes.
    expect(reasons([require_("x"), create("x"), disallow("*")], [create("x"), require_("x"), disallow("*")])).toEqual([
      `strengthens: rules reordered: REQUIRE "x", CREATE "x", DISALLOW "*" → CREATE "x", REQUIRE "x", DISALLOW "*": now rejects every set of products, e.g. products "x" (created) at rule 2 'REQUIRE x'`,
    ]);
  });

  it("reports a MATCH removed before a DISALLOW as strengthening, with an artifact it used to let through", () => {
    const after = structuredClone(base);
    after.steps[1]!.expected_materials.splice(0, 1);
    const [change] = diffPolicies(base, after);
    expect(change?.classification).toBe("strengthens");
    expect(change?.reason).toBe(
      `MATCH "demo-project/*" WITH PRODUCTS FROM "clone" removed: now rejects materials "demo-project/x" (deleted, same hash in clone products) at rule 1 'DISALLOW *'`,
    );
  });

  it("says the effect is not determined where it cannot decide exactly", () => {
    const prefixed = structuredClone(base);
    prefixed.steps[1]!.expected_materials.unshift({ type: "match", pattern: "*", sourcePrefix: "src", destinationType: "products", destinationName: "clone" });
    const [change] = diffPolicies(base, prefixed);
    expect(change?.classification).toBe("undetermined");
    // What it did find is still said: a witness is a real queue.
    expect(change?.reason).toBe(
      `MATCH "*" IN "src" WITH PRODUCTS FROM "clone" added: effect not determined (MATCH with IN "src" can consume an artifact other than the path it matched; it does weaken: it now accepts materials "src/x" (deleted, same hash in clone products), which rule 2 'DISALLOW *' rejected)`,
    );
    // With witnesses both ways the change is mixed, whatever else such a MATCH can do.
    const prefixedMatch: ArtifactRule = { type: "match", pattern: "*", sourcePrefix: "src", destinationType: "products", destinationName: "clone" };
    const swapped = structuredClone(prefixed);
    swapped.steps[1]!.expected_materials[0] = allow("src/a");
    expect(prefixed.steps[1]!.expected_materials[0]).toEqual(prefixedMatch);
    expect(brief(diffPolicies(prefixed, swapped))).toEqual(["mixed rule-changed step update-version materials rule 1"]);
    const classes = withProducts(base, 0, [create("[ab]"), disallow("*")]);
    expect(brief(diffPolicies(base, classes))).toEqual(["undetermined rule-changed step clone products rule 1"]);
  });

  it("resolves a relative expiry against a signed layout's reference time unless --now is explicit", () => {
    const relative = { kind: "relative", amount: 180, unit: "d", text: "180d", span: { start: 0, end: 0 } } as const;
    const policy = { layout: { ...structuredClone(base), expires: "2031-06-01T00:00:00Z" }, origin: "policy" as const, relativeExpiry: relative };
    const layout = { layout: base, origin: "layout" as const };
    expect(diffPolicies(layout, policy)).toEqual([]);
    expect(diffPolicies(policy, layout)).toEqual([]);
    expect(brief(diffPolicies(layout, policy, { explicitNow: true }))).toEqual(["weakens expires layout"]);
    // Two policies with the same relative expiry do not differ, whatever clock lowered them.
    expect(diffPolicies(policy, { ...policy, layout: base })).toEqual([]);
    const longer = { ...policy, relativeExpiry: { ...relative, amount: 365, text: "365d" } };
    expect(diffPolicies(policy, longer).map((c) => `${c.classification}: ${c.reason}`)).toEqual([
      "weakens: expiry in 180d → in 365d: a compiled layout stays valid longer: it accepts chains verified after the old one would have expired",
    ]);
  });

  it("finds nothing between a policy and its reformatted, refactored twin", () => {
    const key = 'key { type "ed25519" scheme "ed25519" public "20d38ef8ad77ee761860258716d4c268b9dabcca56e2c1b4002c147424a7496f" }';
    const plain = `layout "x" {\n  expires "2030-01-01T00:00:00Z"\n  functionary a ${key}\n  step s {\n    by a\n    products {\n      create "out"\n      disallow "*"\n    }\n  }\n}\n`;
    const refactored = `# comment\nconst OUT = "out"\nrules sealed { disallow "*" }\nlayout "renamed" { expires "2030-01-01T00:00:00Z" functionary a ${key}\n step s { by a products { create OUT use sealed } } }`;
    const options = { readKey: () => undefined, now: new Date("2026-01-01T00:00:00Z") };
    const [x, y] = [compilePolicy(plain, options), compilePolicy(refactored, options)];
    expect(x.layout && y.layout).toBeDefined();
    expect(diffPolicies({ layout: x.layout!, target: x.target }, { layout: y.layout!, target: y.target })).toEqual([]);
  });

  it("names the policy line of each change when it knows the source", () => {
    const key = 'key { type "ed25519" scheme "ed25519" public "20d38ef8ad77ee761860258716d4c268b9dabcca56e2c1b4002c147424a7496f" }';
    const text = (extra: string) => `layout "x" {\n  expires "2030-01-01T00:00:00Z"\n  functionary a ${key}\n  step s {\n    by a\n    products {\n      create "out"\n${extra}      disallow "*"\n    }\n  }\n}\n`;
    const options = { readKey: () => undefined, now: new Date("2026-01-01T00:00:00Z") };
    const side = (t: string) => {
      const r = compilePolicy(t, options);
      return { layout: r.layout!, source: { text: t, sourceMap: r.sourceMap } };
    };
    const [change] = diffPolicies(side(text("")), side(text('      allow "*.sig"\n')));
    expect(change?.line).toEqual({ side: "new", line: 8 });
    // A removal names the line in the old policy.
    const [removal] = diffPolicies(side(text('      allow "*.sig"\n')), side(text("")));
    expect([removal?.kind, removal?.line]).toEqual(["rule-removed", { side: "old", line: 8 }]);
  });

  it("uses only kinds from CHANGE_KINDS", () => {
    const changed = structuredClone(base);
    changed.steps.reverse();
    changed.expires = "2031-01-01T00:00:00Z";
    for (const c of diffPolicies(base, changed)) expect(CHANGE_KINDS).toContain(c.kind);
  });
});

describe("diff renderers", () => {
  const base = demo();
  const changed = structuredClone(base);
  changed.expires = "2031-01-01T00:00:00Z";
  changed.steps[2]!.threshold = 1;
  changed.steps[2]!.expected_products = [create("demo-project.tar.gz"), allow("*.sig"), disallow("*")];
  changed.steps[0]!.expected_command = ["git", "clone", "a|b"];
  changed.steps[1]!.expected_materials.splice(0, 1);
  changed.inspect = [];
  const changes = diffPolicies(base, changed);

  it("renders text", () => golden("demo.txt", renderDiffText(changes)));
  it("renders markdown with ⚠️ on weakening rows and escaped cells", () => {
    const md = renderDiffMarkdown(changes);
    golden("demo.md", md);
    // A pattern keeps its `*` instead of starting italics.
    expect(md).toContain('MATCH "demo-project/\\*" WITH PRODUCTS FROM "clone" removed');
  });
  it("links rows to their policy line and keeps long diffs short", () => {
    const rows: Change[] = [
      { kind: "threshold", subject: "step build", classification: "weakens", reason: "threshold 2 → 1", line: { side: "new", line: 12 } },
      { kind: "item-removed", subject: "step test", classification: "weakens", reason: "removed", line: { side: "old", line: 30 } },
      { kind: "readme", subject: "layout", classification: "neutral", reason: "readme changed" },
    ];
    const md = renderDiffMarkdown(rows, { links: { old: "https://x/old.totem", new: "https://x/new.totem" }, maxRows: 2 });
    expect(md.split("\n").slice(6)).toEqual([
      "| ⚠️ weakens | [step build](https://x/new.totem#L12) | threshold 2 → 1 |",
      "| ⚠️ weakens | [step test](https://x/old.totem#L30) | removed |",
      "",
      "…and 1 more changes (`totem diff` prints all of them).",
      "",
    ]);
  });
  it("renders the documented JSON", () => {
    const json = renderDiffJson(changes);
    golden("demo.json", json);
    expect(Object.keys(JSON.parse(json))).toEqual(["version", "summary", "changes"]);
  });
  it("says so when nothing changed", () => {
    expect(renderDiffText([])).toBe("No semantic changes.\n");
    expect(renderDiffMarkdown([])).toContain("No semantic changes.");
    expect(JSON.parse(renderDiffJson([]))).toEqual({
      version: 2,
      summary: { weakens: 0, mixed: 0, undetermined: 0, strengthens: 0, neutral: 0 },
      changes: [],
    });
  });
});

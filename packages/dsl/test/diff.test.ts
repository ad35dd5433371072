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

  it("treats a removed step as weakening, an added one as strengthening, and a new order as neutral", () => {
    const removed = structuredClone(base);
    removed.steps.splice(1, 1);
    expect(brief(diffPolicies(base, removed))).toEqual(["weakens item-removed step update-version"]);
    expect(brief(diffPolicies(removed, base))).toEqual(["strengthens item-added step update-version"]);
    const reordered = structuredClone(base);
    reordered.steps.reverse();
    expect(brief(diffPolicies(base, reordered))).toEqual(["neutral items-reordered layout"]);
  });

  it("classifies thresholds and functionaries of a step", () => {
    const [bob, carl] = [base.steps[0]!.pubkeys[0]!, base.steps[2]!.pubkeys[0]!];
    const two = structuredClone(base);
    two.steps[0]!.pubkeys = [bob, carl];
    two.steps[0]!.threshold = 2;
    expect(diffPolicies(base, two).map((c) => `${c.classification}: ${c.reason}`)).toEqual([
      `weakens: key ${carl.slice(0, 8)} may now sign clone`,
      "strengthens: threshold of clone raised 1 → 2",
    ]);
    const lowered = structuredClone(two);
    lowered.steps[0]!.threshold = 1;
    expect(diffPolicies(two, lowered).map((c) => c.reason)).toEqual(["threshold of clone lowered 2 → 1"]);
    expect(brief(diffPolicies(two, base))).toEqual(["strengthens functionary-removed step clone", "weakens threshold step clone"]);
  });

  it("reports a functionary whose key was replaced once, by name, as weakening", () => {
    const [bob, carl] = [base.steps[0]!.pubkeys[0]!, base.steps[2]!.pubkeys[0]!];
    const other = structuredClone(base);
    other.steps[2]!.pubkeys = [bob];
    const before = { layout: base, names: new Map([[bob, "bob"], [carl, "carl"]]) };
    const after = { layout: other, names: new Map([[bob, "carl"]]) };
    expect(diffPolicies(before, after).map((c) => `${c.classification} ${c.kind}: ${c.reason}`)).toEqual([
      `weakens key-replaced: key of carl replaced ${carl.slice(0, 8)} → ${bob.slice(0, 8)}: the new key may sign everything carl signs`,
    ]);
  });

  it("treats a command change as neutral and an inspection's run change as weakening", () => {
    const changed = structuredClone(base);
    changed.steps[0]!.expected_command = ["git", "clone", "--depth", "1"];
    changed.inspect[0]!.run = ["tar", "xf", "demo-project.tar.gz"];
    expect(brief(diffPolicies(base, changed))).toEqual(["neutral command step clone", "weakens run inspection untar"]);
  });

  it("classifies rules by what they do before a DISALLOW", () => {
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
      [[disallow("*"), create("a"), allow("b")], ["strengthens rules-reordered step clone products rule 1", "neutral rule-added step clone products rule 3"]],
    ];
    for (const [after, expected] of cases) expect(brief(diffPolicies(b, withProducts(base, 0, after)))).toEqual(expected);
    // Without a DISALLOW after it, a consuming rule never changes the verdict (in-toto issue 287).
    const open = withProducts(base, 0, [create("a")]);
    expect(brief(diffPolicies(open, withProducts(base, 0, [create("a"), allow("b")])))).toEqual([
      "neutral rule-added step clone products rule 2",
    ]);
    expect(brief(diffPolicies(withProducts(base, 0, [disallow("*"), create("a")]), b))).toEqual([
      "weakens rules-reordered step clone products",
    ]);
  });

  it("reports a MATCH removed before a DISALLOW as strengthening, with the reason", () => {
    const before = structuredClone(base);
    const after = structuredClone(base);
    after.steps[1]!.expected_materials.splice(0, 1);
    const [change] = diffPolicies(before, after);
    expect(change?.classification).toBe("strengthens");
    expect(change?.reason).toBe('MATCH "demo-project/*" WITH PRODUCTS FROM "clone" removed: what it consumed now reaches DISALLOW "*"');
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
  changed.inspect = [];
  const changes = diffPolicies(base, changed);

  it("renders text", () => golden("demo.txt", renderDiffText(changes)));
  it("renders markdown with ⚠️ on weakening rows and escaped cells", () => golden("demo.md", renderDiffMarkdown(changes)));
  it("renders the documented JSON", () => {
    const json = renderDiffJson(changes);
    golden("demo.json", json);
    expect(Object.keys(JSON.parse(json))).toEqual(["version", "summary", "changes"]);
  });
  it("says so when nothing changed", () => {
    expect(renderDiffText([])).toBe("No semantic changes.\n");
    expect(renderDiffMarkdown([])).toContain("No semantic changes.");
    expect(JSON.parse(renderDiffJson([]))).toEqual({ version: 1, summary: { weakens: 0, strengthens: 0, neutral: 0 }, changes: [] });
  });
});

// A witnessed corpus for `totem diff`: layout pairs, one per kind of change (and the five
// misclassifications of issue 15), each with the label the diff must give and witness chains whose
// verdicts in-toto-verify 1.3.1 gives against both versions. A "weakens" label is confirmed by a chain
// the new layout passes and the old one fails, "strengthens" by the reverse, "mixed" by both, and
// "neutral" by chains whose verdicts agree (including the witnesses of the other cases). Layouts and
// links are signed here with keys made by in-toto-keygen; nothing is read from outside the test.
// (Not here: `target`, which a signed layout does not carry, and `expires in …` resolved at diff
// time, which involves no verifier: packages/cli/test/diff.test.ts checks that one.)
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  canonicalize,
  envelopeToText,
  type HashDict,
  type JsonObject,
  type Layout,
  layoutToJson,
  linkFileName,
  linkToJson,
  loadEnvelope,
  type PrivateKeyMaterial,
  parsePrivateKey,
  signMetablock,
  toHex,
} from "@totem/engine";
import { type Change, diffPolicies, functionaryNames } from "@totem/dsl";
import { beforeAll, describe, expect, it } from "vitest";
import { exec, referenceVerdict, refKeygen, tmp } from "./reference.js";

type Name = "owner" | "alice" | "bob" | "carol";
const keys = {} as Record<Name, { priv: PrivateKeyMaterial; pub: string; id: string }>;
let root: string;

beforeAll(() => {
  root = tmp("totem-diff-witness-");
  for (const name of ["owner", "alice", "bob", "carol"] as const) {
    const path = refKeygen(root, name, "ed25519");
    const priv = parsePrivateKey(readFileSync(path, "utf8"));
    if (!priv.ok) throw new Error(priv.error.message);
    keys[name] = { priv: priv.value, pub: `${path}.pub`, id: priv.value.public.keyid("in-toto-1.3") };
  }
});

const H = (n: number): HashDict => ({ sha256: n.toString(16).padStart(64, "0") });

/** The base pipeline: alice builds `app`, bob packages it into `app.tar` (MATCH from build). */
function base(): Layout {
  const key = (n: Name) => [keys[n].id, keys[n].priv.public.toLayoutKey("in-toto-1.3")] as const;
  return {
    _type: "layout",
    expires: "2030-01-01T00:00:00Z",
    readme: "",
    keys: Object.fromEntries([key("alice"), key("bob"), key("carol")]),
    steps: [
      {
        _type: "step",
        name: "build",
        threshold: 1,
        pubkeys: [keys.alice.id],
        expected_command: ["make"],
        expected_materials: [],
        expected_products: [
          { type: "create", pattern: "app" },
          { type: "disallow", pattern: "*" },
        ],
      },
      {
        _type: "step",
        name: "package",
        threshold: 1,
        pubkeys: [keys.bob.id],
        expected_command: ["tar"],
        expected_materials: [
          { type: "match", pattern: "app", destinationType: "products", destinationName: "build" },
          { type: "disallow", pattern: "*" },
        ],
        expected_products: [
          { type: "create", pattern: "app.tar" },
          { type: "disallow", pattern: "*" },
        ],
      },
    ],
    inspect: [],
  };
}

/** A link of a chain: which step, signed by whom, with what artifacts. */
interface LinkSpec {
  step: string;
  by: Name;
  /** The functionary whose keyid the link claims (and is named after), when not `by`'s. */
  as?: Name;
  materials?: Record<string, HashDict>;
  products?: Record<string, HashDict>;
}
type ChainSpec = LinkSpec[];

const BUILD: LinkSpec = { step: "build", by: "alice", products: { app: H(1) } };
const PACKAGE: LinkSpec = { step: "package", by: "bob", materials: { app: H(1) }, products: { "app.tar": H(2) } };
const GOOD: ChainSpec = [BUILD, PACKAGE];

let counter = 0;

/** Writes the layout (signed by owner; `edit` may change its JSON) and the chain's links; runs in-toto-verify. */
function verdict(layout: Layout, chain: ChainSpec, edit?: (json: JsonObject) => void): string {
  const dir = join(root, `run-${counter++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, "root.layout"), layoutFile(layout, edit));
  for (const l of chain) {
    const link = { _type: "link" as const, name: l.step, command: [], materials: l.materials ?? {}, products: l.products ?? {}, byproducts: {}, environment: {} };
    const payload = linkToJson(link);
    const sig = toHex(keys[l.by].priv.sign(canonicalize(payload)));
    const id = keys[l.as ?? l.by].id;
    writeFileSync(join(dir, linkFileName(l.step, id)), JSON.stringify({ signatures: [{ keyid: id, sig }], signed: payload }));
  }
  const r = exec(["in-toto-verify", "--layout", "root.layout", "--layout-keys", keys.owner.pub, "--key-types", "ed25519"], { cwd: dir });
  return referenceVerdict(r);
}

function layoutFile(layout: Layout, edit?: (json: JsonObject) => void): string {
  const json = layoutToJson(layout);
  edit?.(json);
  return envelopeToText(signMetablock(json, [keys.owner.priv], "in-toto-1.3"));
}

/** What `totem diff` reports for two signed layouts, read through the strict loader as the CLI reads them. */
function diff(before: Layout, after: Layout, editAfter?: (json: JsonObject) => void): Change[] {
  const load = (text: string) => {
    const loaded = loadEnvelope(new TextEncoder().encode(text), { expect: "layout" });
    if (!loaded.ok || loaded.value.type !== "layout") throw new Error(loaded.ok ? "not a layout" : loaded.error.message);
    return loaded.value.layout;
  };
  const [a, b] = [load(layoutFile(before)), load(layoutFile(after, editAfter))];
  return diffPolicies({ layout: a, names: functionaryNames(a), origin: "layout" }, { layout: b, names: functionaryNames(b), origin: "layout" });
}

interface Case {
  name: string;
  /** Applied to both versions first. */
  setup?(l: Layout): void;
  /** Applied to the new version. */
  edit(l: Layout): void;
  /** Changes to the new version's signed JSON that the model cannot express (`"private": ""`). */
  editJson?(json: JsonObject): void;
  /** `classification kind` of each change the diff must report, in order. */
  expected: string[];
  /** Passes the new layout, fails the old one. */
  weaker?: ChainSpec;
  /** Passes the old layout, fails the new one. */
  stronger?: ChainSpec;
}

const step = (l: Layout, name: string) => l.steps.find((s) => s.name === name)!;
const products = (l: Layout, name: string) => step(l, name).expected_products;
const BAD_BUILD = (by: Name): LinkSpec => ({ step: "build", by, products: { app: H(1), evil: H(9) } });

const CASES: Case[] = [
  // The five misclassifications of issue 15.
  {
    name: "a step with no product rules gaining [ALLOW x, DISALLOW *] only strengthens",
    setup: (l) => {
      step(l, "build").expected_products = [];
    },
    edit: (l) => {
      step(l, "build").expected_products = [
        { type: "allow", pattern: "x" },
        { type: "disallow", pattern: "*" },
      ];
    },
    expected: ["strengthens rule-added"],
    stronger: GOOD,
  },
  {
    name: "CREATE x replaced by ALLOW x before DISALLOW * only weakens",
    edit: (l) => {
      products(l, "build")[0] = { type: "allow", pattern: "app" };
    },
    expected: ["weakens rule-changed"],
    weaker: [{ ...BUILD, materials: { app: H(1) } }, PACKAGE],
  },
  {
    name: "REQUIRE moved after the rule that consumes its path strengthens (the new list never passes)",
    setup: (l) => {
      products(l, "build").unshift({ type: "require", pattern: "app" });
    },
    edit: (l) => {
      products(l, "build").splice(0, 2, { type: "create", pattern: "app" }, { type: "require", pattern: "app" });
    },
    expected: ["strengthens rules-reordered"],
    stronger: GOOD,
  },
  {
    name: 'an added "private": "" in the key objects is no change',
    edit: () => {},
    editJson: (json) => {
      for (const key of Object.values(json.keys as Record<string, { keyval: Record<string, string> }>)) key.keyval.private = "";
    },
    expected: [],
  },
  // Every other kind of change.
  {
    name: "REQUIRE added after the CREATE of its path strengthens",
    edit: (l) => {
      products(l, "build").splice(1, 0, { type: "require", pattern: "app" });
    },
    expected: ["strengthens rule-added"],
    stronger: GOOD,
  },
  {
    name: "an expiry in the past strengthens",
    edit: (l) => {
      l.expires = "2020-01-01T00:00:00Z";
    },
    expected: ["strengthens expires"],
    stronger: GOOD,
  },
  {
    name: "a second key and threshold 2 strengthen",
    edit: (l) => {
      step(l, "build").pubkeys.push(keys.carol.id);
      step(l, "build").threshold = 2;
    },
    expected: ["strengthens signers"],
    stronger: GOOD,
  },
  {
    name: "a threshold lowered weakens",
    setup: (l) => {
      step(l, "build").pubkeys.push(keys.carol.id);
      step(l, "build").threshold = 2;
    },
    edit: (l) => {
      step(l, "build").threshold = 1;
    },
    expected: ["weakens threshold"],
    weaker: GOOD,
  },
  {
    name: "a key added after the existing one at threshold 1 only weakens",
    edit: (l) => {
      step(l, "build").pubkeys.push(keys.carol.id);
    },
    expected: ["weakens functionary-added"],
    weaker: [{ ...BUILD, by: "carol" }, PACKAGE],
  },
  {
    name: "a key added in front at threshold 1 is mixed: its bad link becomes the one checked",
    edit: (l) => {
      step(l, "build").pubkeys.unshift(keys.carol.id);
    },
    expected: ["mixed functionary-added"],
    weaker: [{ ...BUILD, by: "carol" }, PACKAGE],
    stronger: [BUILD, BAD_BUILD("carol"), PACKAGE],
  },
  {
    name: "keys reordered at threshold 1 is mixed",
    setup: (l) => {
      step(l, "build").pubkeys.push(keys.carol.id);
    },
    edit: (l) => {
      step(l, "build").pubkeys.reverse();
    },
    expected: ["mixed functionaries-reordered"],
    weaker: [BAD_BUILD("alice"), { ...BUILD, by: "carol" }, PACKAGE],
    stronger: [BUILD, BAD_BUILD("carol"), PACKAGE],
  },
  {
    name: "a functionary removed after the first key only strengthens",
    setup: (l) => {
      step(l, "package").pubkeys.push(keys.carol.id);
    },
    edit: (l) => {
      step(l, "package").pubkeys.pop();
    },
    expected: ["strengthens functionary-removed"],
    stronger: [BUILD, { ...PACKAGE, by: "carol" }],
  },
  {
    name: "a functionary's key replaced (same name on both sides) is mixed",
    edit: (l) => {
      step(l, "build").pubkeys = [keys.carol.id];
    },
    expected: ["mixed key-replaced"],
    weaker: [{ ...BUILD, by: "carol" }, PACKAGE],
    stronger: GOOD,
  },
  {
    name: "a step added strengthens: its links are required",
    edit: (l) => {
      l.steps.push({ ...structuredClone(step(l, "build")), name: "test", expected_products: [] });
    },
    expected: ["strengthens item-added"],
    stronger: GOOD,
  },
  {
    name: "a step removed weakens, and the MATCH that read its link becomes stricter",
    edit: (l) => {
      l.steps.splice(0, 1);
    },
    expected: ["weakens item-removed", "strengthens rule-changed"],
    weaker: [{ ...PACKAGE, materials: {} }],
    stronger: GOOD,
  },
  {
    name: "steps reordered is neutral",
    edit: (l) => {
      l.steps.reverse();
    },
    expected: ["neutral items-reordered"],
  },
  {
    name: "an expected command changed is neutral",
    edit: (l) => {
      step(l, "build").expected_command = ["make", "all"];
    },
    expected: ["neutral command"],
  },
  {
    name: "a MATCH removed before DISALLOW * strengthens",
    edit: (l) => {
      step(l, "package").expected_materials.splice(0, 1);
    },
    expected: ["strengthens rule-removed"],
    stronger: GOOD,
  },
  {
    name: "DISALLOW * narrowed to DISALLOW *.exe weakens",
    edit: (l) => {
      products(l, "build")[1] = { type: "disallow", pattern: "*.exe" };
    },
    expected: ["weakens rule-changed"],
    weaker: [{ ...BUILD, products: { app: H(1), notes: H(5) } }, PACKAGE],
  },
  {
    name: "two consuming rules swapped before DISALLOW * is neutral",
    setup: (l) => {
      products(l, "build").splice(1, 0, { type: "allow", pattern: "x" });
    },
    edit: (l) => {
      products(l, "build").reverse();
      products(l, "build").push(products(l, "build").shift()!);
    },
    expected: ["neutral rules-reordered"],
  },
  {
    name: "an inspection added after the others strengthens",
    edit: (l) => {
      l.inspect.push({ _type: "inspection", name: "check", run: ["false"], expected_materials: [], expected_products: [] });
    },
    expected: ["strengthens item-added"],
    stronger: GOOD,
  },
  {
    name: "an inspection removed weakens",
    setup: (l) => {
      l.inspect.push({ _type: "inspection", name: "check", run: ["false"], expected_materials: [], expected_products: [] });
    },
    edit: (l) => {
      l.inspect = [];
    },
    expected: ["weakens item-removed"],
    weaker: GOOD,
  },
  {
    name: "an inspection's command changed: effect not determined",
    setup: (l) => {
      l.inspect.push({ _type: "inspection", name: "check", run: ["true"], expected_materials: [], expected_products: [] });
    },
    edit: (l) => {
      l.inspect[0]!.run = ["false"];
    },
    expected: ["undetermined run"],
    stronger: GOOD,
  },
  {
    name: "inspections reordered: effect not determined (one sees what the other left in the directory)",
    setup: (l) => {
      l.inspect.push(
        { _type: "inspection", name: "mark", run: ["touch", "marker"], expected_materials: [], expected_products: [] },
        { _type: "inspection", name: "check", run: ["true"], expected_materials: [], expected_products: [{ type: "disallow", pattern: "marker" }] },
      );
    },
    edit: (l) => {
      l.inspect.reverse();
    },
    expected: ["undetermined items-reordered"],
    weaker: GOOD,
  },
  {
    name: "a MATCH with a source prefix: effect not determined",
    edit: (l) => {
      step(l, "package").expected_materials.unshift({ type: "match", pattern: "*", sourcePrefix: "src", destinationType: "products", destinationName: "build" });
    },
    expected: ["undetermined rule-added"],
    weaker: [BUILD, { ...PACKAGE, materials: { app: H(1), "src/app": H(1) } }],
  },
  {
    name: "the public key under a step's keyid changed is mixed",
    edit: (l) => {
      l.keys[keys.alice.id] = { ...keys.carol.priv.public.toLayoutKey("in-toto-1.3"), keyid: keys.alice.id };
    },
    expected: ["mixed key-changed"],
    weaker: [{ ...BUILD, by: "carol", as: "alice" }, PACKAGE],
    stronger: GOOD,
  },
  {
    name: "the readme and unused keys are neutral",
    edit: (l) => {
      l.readme = "changed";
      delete l.keys[keys.carol.id];
      l.keys[keys.owner.id] = keys.owner.priv.public.toLayoutKey("in-toto-1.3");
    },
    expected: ["neutral readme", "neutral key-added", "neutral key-removed"],
  },
];

describe("totem diff against in-toto-verify 1.3.1 on witness chains", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const before = base();
      c.setup?.(before);
      const after = structuredClone(before);
      c.edit(after);
      const changes = diff(before, after, c.editJson);
      expect(changes.map((x) => `${x.classification} ${x.kind}`), changes.map((x) => x.reason).join("\n")).toEqual(c.expected);
      const verdicts = (chain: ChainSpec) => [verdict(before, chain), verdict(after, chain, c.editJson)];
      if (c.weaker) expect(verdicts(c.weaker), "the weaker witness passes new and fails old").toEqual([expect.not.stringMatching(/^PASS$/), "PASS"]);
      if (c.stronger) expect(verdicts(c.stronger), "the stronger witness passes old and fails new").toEqual(["PASS", expect.not.stringMatching(/^PASS$/)]);
      const labels = new Set(changes.map((x) => x.classification));
      // A neutral pair (or one with no change): the good chain and the other cases' witnesses agree.
      if ([...labels].every((l) => l === "neutral")) {
        expect(verdicts(GOOD)).toEqual(["PASS", "PASS"]);
        for (const chain of [GOOD, ...CASES.flatMap((o) => [o.weaker, o.stronger]).filter((w): w is ChainSpec => w !== undefined).slice(0, 4)]) {
          const [x, y] = verdicts(chain);
          expect(x === "PASS", `chain ${JSON.stringify(chain)}`).toBe(y === "PASS");
        }
      }
    });
  }
});

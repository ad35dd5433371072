// diffPolicies on target "ite-10" policies against the engine as oracle: random attestation policies
// (.totem text: keyed and keyless functionaries, steps expecting predicate types with signers,
// thresholds and checks), one random mutation of the kinds attestation-diff.ts judges (checks added,
// removed, made warn or allow-if-absent and back; predicate types required or not; signers and
// thresholds; a step's own `by`; a key no step names declared or not; the keyless functionary's
// identity and issuer), and random claim sets — in-toto Statements in DSSE envelopes signed by ed25519 test keys, and Sigstore bundles from
// the in-memory test Sigstore for the keyless one — verified with verifyAttestations against both.
// When the diff says a pair only strengthens, no claim set may pass the new policy and fail the old;
// only weakens, the reverse; nothing or only neutral, no verdict may differ (docs/cli.md, "totem diff").
// Claim sets are aimed at one side's edge (every claim it asks for, then one dropped, flawed or added),
// and each test asserts it has teeth. It found warn checks judged neutral (a `warn` check still refuses
// a claim lacking its field or failing to evaluate) and a key declared but unused judged neutral (a
// file it signs for a step loads instead of failing the run); restoring either, judging a lowered
// threshold as strengthening, or swapping an identity's weakens and strengthens makes a test fail.
import { type AttestationFile, identityMatches, verifyAttestations } from "@totem/engine";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { envelope, functionary } from "../../engine/test/fixtures/attest/layout-fixtures.js";
import { dsseBundle, makeAuthority, makeSigner } from "../../node-io/src/test-sigstore.js";
import { type Change, compileAttestationPolicy, compilePolicy, diffPolicies, type PolicySnapshot } from "../src/index.js";

const NOW = new Date("2026-01-01T00:00:00Z");
const V1 = "https://in-toto.io/Statement/v1";
const LINK = "https://in-toto.io/attestation/link/v0.3";
const TYPES = ["https://in-toto.io/attestation/test-result/v0.1", "https://example.com/scan/v1"];
const STEPS = ["build", "test"];
const RULES = ["predicate.result == 'PASSED'", "size(predicate.failedTests) == 0", "predicate.level > 1"];

// ---- functionaries: three keys and one keyless identity --------------------------------------

const KEYED = ["a", "b", "c"];
const SIGNERS = [...KEYED, "wf"];
/** A key no step names, declared or not: files it signs for a step fail verification unless it is declared. */
const SPARE = "d";
const keys = [...KEYED, SPARE].map((name) => functionary(`diff-attestations-oracle-${name}`));
const GH = "https://token.actions.githubusercontent.com";
const ISSUERS = [GH, "https://gitlab.example"];
const WORKFLOWS = "https://github.com/acme/app/.github/workflows";
const RELEASE = `${WORKFLOWS}/release.yml`;
const SANS = [`${RELEASE}@refs/tags/v1`, `${RELEASE}@refs/tags/v2`, `${RELEASE}@refs/heads/v1`, `${RELEASE}@refs/main`, `${WORKFLOWS}/other.yml@refs/tags/v1`];
// Patterns that cover, overlap and miss each other (`*` never matches "/": `${WORKFLOWS}/*` matches none of the SANs).
const PATTERNS = [`${RELEASE}@refs/tags/*`, `${RELEASE}@refs/*`, `${RELEASE}@refs/*/v1`, `${WORKFLOWS}/*.yml@refs/tags/v1`, `${WORKFLOWS}/*`];
const authority = makeAuthority();
/** One certificate per (SAN, issuer): who a keyless claim is signed by. */
const certificates = SANS.flatMap((uri) => ISSUERS.map((issuer) => makeSigner(authority, { identity: { uri }, issuer })));

interface Identity {
  pattern: boolean;
  identity: string;
  issuer: string;
}
const identityArb: fc.Arbitrary<Identity> = fc.record({
  pattern: fc.boolean(),
  exact: fc.constantFrom(...SANS),
  glob: fc.constantFrom(...PATTERNS),
  issuer: fc.constantFrom(GH, GH, ISSUERS[1]!),
}).map(({ pattern, exact, glob, issuer }) => ({ pattern, identity: pattern ? glob : exact, issuer }));

// ---- policies ----------------------------------------------------------------------------------

interface Check {
  rule: string;
  warn: boolean;
  absent: boolean;
}
interface Signers {
  by: string[];
  threshold: number;
}
interface Attestation extends Signers {
  type: string;
  checks: Check[];
}
interface StepModel {
  name: string;
  own?: Signers;
  attestations: Attestation[];
}
interface Policy {
  wf: Identity;
  spare: boolean;
  steps: StepModel[];
}

const checkArb: fc.Arbitrary<Check> = fc.record({ rule: fc.constantFrom(...RULES), warn: fc.boolean(), absent: fc.boolean() });
// Mostly keys: a keyless claim is a Sigstore bundle, costly to verify (the keyless test requires one).
const signersArb: fc.Arbitrary<Signers> = fc
  .oneof({ weight: 3, arbitrary: fc.subarray(KEYED, { minLength: 1, maxLength: 2 }) }, fc.subarray(SIGNERS, { minLength: 1, maxLength: 2 }))
  .chain((by) => fc.record({ by: fc.constant(by), threshold: fc.integer({ min: 1, max: by.length }) }));
const attestationArb = (type: string): fc.Arbitrary<Attestation> =>
  fc.record({ s: signersArb, checks: fc.uniqueArray(checkArb, { maxLength: 2, selector: (c) => c.rule }) }).map(({ s, checks }) => ({ type, ...s, checks }));
const stepArb = (name: string): fc.Arbitrary<StepModel> =>
  fc
    .record({ own: fc.option(signersArb, { nil: undefined, freq: 3 }), types: fc.subarray(TYPES, { minLength: 1 }) })
    .chain(({ own, types }) => fc.tuple(...types.map(attestationArb)).map((attestations) => ({ name, ...(own ? { own } : {}), attestations })));
const policyArb: fc.Arbitrary<Policy> = fc.record({ wf: identityArb, spare: fc.boolean(), steps: fc.tuple(...STEPS.map(stepArb)) });

function render(p: Policy): string {
  const key = (i: number) => `{ type "ed25519" scheme "ed25519" public "${keys[i]!.publicHex}" }`;
  const signers = (s: Signers, indent: string) => `${indent}by ${s.by.join(", ")}\n${s.threshold > 1 ? `${indent}threshold ${s.threshold}\n` : ""}`;
  const check = (c: Check) => `      check ${JSON.stringify(c.rule)}${c.warn ? " warn" : ""}${c.absent ? " allow-if-absent" : ""}\n`;
  const attestation = (a: Attestation) => `    attestation ${JSON.stringify(a.type)} {\n${signers(a, "      ")}${a.checks.map(check).join("")}    }\n`;
  const step = (s: StepModel) => `  step ${s.name} {\n${s.own ? signers(s.own, "    ") : ""}${s.attestations.map(attestation).join("")}  }\n`;
  return `layout "release" {
  target "ite-10"
  expires "2030-01-01T00:00:00Z"
${[...KEYED, ...(p.spare ? [SPARE] : [])].map((name, i) => `  functionary ${name} key ${key(i)}\n`).join("")}  functionary wf sigstore {
    issuer ${JSON.stringify(p.wf.issuer)}
    ${p.wf.pattern ? "identity-pattern" : "identity"} ${JSON.stringify(p.wf.identity)}
  }
${p.steps.map(step).join("")}}
`;
}

function snapshot(text: string): PolicySnapshot {
  const policy = compilePolicy(text, { readKey: () => undefined, now: NOW });
  const attested = compileAttestationPolicy(text, { readKey: () => undefined, now: NOW });
  if (policy.layout === undefined || attested.layout === undefined) throw new Error(`${text}\n${JSON.stringify([...policy.diagnostics, ...attested.diagnostics].filter((d) => d.severity === "error"))}`);
  return { layout: policy.layout, target: policy.target, origin: "policy", attestations: attested.layout, source: { text, sourceMap: policy.sourceMap } };
}

// ---- mutations: one change of a kind attestation-diff.ts judges ----------------------------------

type Mutation = (p: Policy) => void;
const pick = <T>(list: readonly T[], at: number): T | undefined => (list.length === 0 ? undefined : list[at % list.length]);
const setSigners = (s: Signers, by: string[], threshold: number) => {
  s.by = by;
  s.threshold = Math.max(1, Math.min(threshold, by.length));
};
const CHECK_EDITS = ["check-add", "check-remove", "check-warn", "check-absent"] as const;
const KINDS = [...CHECK_EDITS, "type-add", "type-remove", "signer-add", "signer-remove", "threshold", "own", "identity", "spare"] as const;
const mutationArb = (kinds: readonly (typeof KINDS)[number][]): fc.Arbitrary<Mutation> => fc
  .record({
    kind: fc.constantFrom(...kinds),
    step: fc.nat(),
    at: fc.nat(),
    check: checkArb,
    signer: fc.constantFrom(...SIGNERS),
    threshold: fc.integer({ min: 1, max: 2 }),
    attestation: attestationArb(TYPES[0]!),
    own: fc.option(signersArb, { nil: undefined }),
    identity: identityArb,
    // Often the same issuer: another issuer is always `mixed`, which claims nothing to test.
    sameIssuer: fc.boolean(),
  })
  .map((m) => (p: Policy) => {
    const step = pick(p.steps, m.step)!;
    const attestation = pick(step.attestations, m.at);
    const check = attestation && pick(attestation.checks, m.at);
    switch (m.kind) {
      case "check-add":
        if (attestation && !attestation.checks.some((c) => c.rule === m.check.rule)) attestation.checks.push(m.check);
        break;
      case "check-remove":
        if (attestation && check) attestation.checks.splice(attestation.checks.indexOf(check), 1);
        break;
      case "check-warn":
        if (check) check.warn = !check.warn;
        break;
      case "check-absent":
        if (check) check.absent = !check.absent;
        break;
      case "type-add": {
        const type = TYPES.find((t) => !step.attestations.some((a) => a.type === t));
        if (type) step.attestations.push({ ...m.attestation, type });
        break;
      }
      case "type-remove":
        if (attestation && step.attestations.length > 1) step.attestations.splice(step.attestations.indexOf(attestation), 1);
        break;
      case "signer-add":
        if (attestation && !attestation.by.includes(m.signer)) setSigners(attestation, [...attestation.by, m.signer], attestation.threshold);
        break;
      case "signer-remove":
        if (attestation && attestation.by.length > 1) setSigners(attestation, attestation.by.filter((s) => s !== pick(attestation.by, m.at)), attestation.threshold);
        break;
      case "threshold":
        if (attestation) setSigners(attestation, attestation.by, m.threshold);
        break;
      case "own":
        if (m.own) step.own = m.own;
        else delete step.own;
        break;
      case "identity":
        p.wf = m.sameIssuer ? { ...m.identity, issuer: p.wf.issuer } : m.identity;
        break;
      case "spare":
        p.spare = !p.spare;
        break;
    }
  });

type Pair = { before: Policy; after: Policy };
const pairArb = (kinds: readonly (typeof KINDS)[number][]): fc.Arbitrary<Pair> => fc.record({ before: policyArb, mutation: mutationArb(kinds) }).map(({ before, mutation }) => {
  const after = structuredClone(before);
  mutation(after);
  return { before, after };
});

// ---- claim sets ------------------------------------------------------------------------------

/** A good predicate (every check true), and what may replace one of its fields: a value that makes its check false, nothing, or one of the wrong type. */
const GOOD = { result: "PASSED", failedTests: [], level: 2 };
const FLAWS: Record<string, unknown[]> = { result: ["FAILED", undefined, 7], failedTests: [["t1"], undefined, "none"], level: [0, undefined, "high"] };
const flawArb = fc.constantFrom(...Object.keys(FLAWS)).chain((field) => fc.constantFrom(...FLAWS[field]!).map((value) => ({ field, value })));
const flawed = (flaw: { field: string; value: unknown } | undefined) =>
  flaw === undefined ? GOOD : Object.fromEntries(Object.entries({ ...GOOD, [flaw.field]: flaw.value }).filter(([, v]) => v !== undefined));
type Claim = { step: string; signer: string; certificate: number; type: string; predicate: Record<string, unknown> };

/** The certificates whose SAN and issuer `wf` accepts (only to aim claim sets; the engine decides). */
const accepted = (wf: Identity) =>
  certificates.map((_, i) => i).filter((i) => ISSUERS[i % ISSUERS.length] === wf.issuer && (wf.pattern ? identityMatches(wf.identity, SANS[Math.floor(i / ISSUERS.length)]!) : wf.identity === SANS[Math.floor(i / ISSUERS.length)]));

/**
 * A claim set aimed at one side of the pair, near its edge: every claim that side asks for, good —
 * but often one missing, one flawed, or one more by anyone (the spare key when the pair declares it on one side only) of any type; wf signs with a certificate
 * the side accepts most of the time.
 */
function claimSetArb({ before, after }: Pair): fc.Arbitrary<Claim[]> {
  // The claims of an expected predicate the mutation changed are where verdicts may differ: flaw those most.
  const edited = (step: string, type: string) => {
    const find = (p: Policy) => p.steps.find((s) => s.name === step)?.attestations.find((a) => a.type === type);
    return JSON.stringify(find(before)) !== JSON.stringify(find(after));
  };
  return fc.constantFrom(before, after).chain((side) => {
    const wanted = side.steps.flatMap((step) =>
      [...(step.own ? [{ type: LINK, by: step.own.by }] : []), ...step.attestations].flatMap((a) => a.by.map((signer) => ({ step: step.name, signer, type: a.type }))),
    );
    const targets = wanted.flatMap((w, i) => (edited(w.step, w.type) ? [i] : []));
    const at = targets.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...targets) }, fc.nat()) : fc.nat();
    const good = accepted(side.wf);
    const sometimes = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, arb); // a third of the time
    return fc
      .record({
        drop: sometimes(fc.nat()),
        flaw: fc.option(fc.record({ at, flaw: flawArb }), { nil: undefined, freq: 4 }),
        extra: sometimes(fc.record({ step: fc.constantFrom(...STEPS), signer: before.spare === after.spare ? fc.constantFrom(...SIGNERS, SPARE) : fc.constant(SPARE), type: fc.constantFrom(...TYPES, LINK), predicate: flawArb.map(flawed) })),
        certificate: good.length > 0 ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...good) }, fc.nat({ max: certificates.length - 1 })) : fc.nat({ max: certificates.length - 1 }),
      })
      .map(({ drop, flaw, extra, certificate }) => {
        // The flaw is in every claim of one expected predicate (one flawed claim of several may not matter to its threshold).
        const hit = flaw && wanted[flaw.at % wanted.length]!;
        const claims: Omit<Claim, "certificate">[] = wanted.map((w) => ({ ...w, predicate: flawed(hit && hit.step === w.step && hit.type === w.type ? flaw.flaw : undefined) }));
        if (drop !== undefined) claims.splice(drop % claims.length, 1);
        return [...claims, ...(extra ? [extra] : [])].map((c) => ({ ...c, certificate }));
      });
  });
}

const SUBJECT = [{ name: "app", digest: { sha256: "1".repeat(64) } }];
function statement(c: Claim) {
  const predicate = c.type === LINK ? { name: c.step, command: [], materials: [], byproducts: {}, environment: {} } : c.predicate;
  return { _type: V1, subject: SUBJECT, predicateType: c.type, predicate };
}

/** The claim set's files, named `<step>.<signer>-<n>.json`; keyed claims carry the key's keyid from a layout that declares it. */
function files(claims: Claim[], keyids: Map<string, string>): AttestationFile[] {
  return claims.map((c, n) => ({ name: `${c.step}.${c.signer}-${n}.json`, bytes: signed(c, keyids) }));
}

/** A claim signed: DSSE by its key (with the key's keyid in the layout), or a bundle of wf's certificate; signed once per content. */
const signedCache = new Map<string, Uint8Array>();
function signed(c: Claim, keyids: Map<string, string>): Uint8Array {
  const who = keys[[...KEYED, SPARE].indexOf(c.signer)];
  const keyid = who && (keyids.get(who.publicHex) ?? who.keyid);
  const id = JSON.stringify([c.signer, keyid ?? c.certificate, statement(c)]);
  let bytes = signedCache.get(id);
  if (bytes === undefined) {
    const text = who ? envelope(statement(c), { ...who, keyid: keyid! }) : JSON.stringify(dsseBundle(authority, certificates[c.certificate]!, statement(c)));
    bytes = new TextEncoder().encode(text);
    signedCache.set(id, bytes);
  }
  return bytes;
}

// ---- the property --------------------------------------------------------------------------

const only = (changes: Change[], allowed: string[]) => changes.every((c) => allowed.includes(c.classification));
const trust = { trustedRoot: authority.rootJson as never };

interface Seen {
  pairs: number;
  /** Pairs with changes, none mixed or undetermined. */
  judged: number;
  passing: number;
  differing: number;
  weakensWitnessed: number;
  strengthensWitnessed: number;
}

async function check(pairs: fc.Arbitrary<Pair>, numRuns: number): Promise<Seen> {
  const seen: Seen = { pairs: 0, judged: 0, passing: 0, differing: 0, weakensWitnessed: 0, strengthensWitnessed: 0 };
  await fc.assert(
    fc.asyncProperty(pairs.chain((pair) => fc.tuple(fc.constant(pair), fc.array(claimSetArb(pair), { minLength: 8, maxLength: 8 }))), async ([{ before, after }, claimSets]) => {
      const [old, neu] = [snapshot(render(before)), snapshot(render(after))];
      const changes = diffPolicies(old, neu);
      seen.pairs++;
      const keyids = new Map([old, neu].flatMap((l) => [...l.attestations!.functionaries.values()].map((k) => [k.keyval.public, k.keyid] as const)));
      const strengthensOnly = only(changes, ["strengthens", "neutral"]);
      const weakensOnly = only(changes, ["weakens", "neutral"]);
      // A pair with a mixed or undetermined change claims nothing a claim set could contradict.
      if (!strengthensOnly && !weakensOnly) return;
      if (changes.length > 0) seen.judged++;
      let witnessed = false;
      for (const claims of claimSets) {
        const attestations = files(claims, keyids);
        const [po, pn] = await Promise.all([verifyAttestations(old.attestations!, attestations, NOW, trust), verifyAttestations(neu.attestations!, attestations, NOW, trust)]).then((v) => v.map((r) => r.passed));
        if (po || pn) seen.passing++;
        if (po === pn) continue;
        seen.differing++;
        witnessed = true;
        const claim = `${pn ? "passes new, fails old" : "passes old, fails new"}; diff says:\n${changes.map((c) => `${c.classification} ${c.kind} ${c.subject}: ${c.reason}`).join("\n")}\nclaims: ${JSON.stringify(claims)}\nold:\n${render(before)}`;
        if (pn) expect(strengthensOnly, claim).toBe(false);
        else expect(weakensOnly, claim).toBe(false);
      }
      if (witnessed && changes.some((c) => c.classification === "weakens")) seen.weakensWitnessed++;
      if (witnessed && changes.some((c) => c.classification === "strengthens")) seen.strengthensWitnessed++;
    }),
    { numRuns, seed: 10 },
  );
  return seen;
}

/** Identity changes only, on policies whose build step needs a claim by wf: every claim set has a bundle. */
const keylessPairs = pairArb(["identity"]).map(({ before, after }) => {
  for (const p of [before, after]) p.steps[0]!.attestations[0]!.by = ["wf"];
  for (const p of [before, after]) p.steps[0]!.attestations[0]!.threshold = 1;
  return { before, after };
});

/** Teeth: claim sets pass, verdicts differ, and weakens and strengthens claims each meet claim sets that witness them. */
function expectTeeth(seen: Seen, min: { passing: number; differing: number; witnessed: number }): void {
  expect(seen.passing).toBeGreaterThan(min.passing);
  expect(seen.differing).toBeGreaterThan(min.differing);
  expect(Math.min(seen.weakensWitnessed, seen.strengthensWitnessed)).toBeGreaterThan(min.witnessed);
}

// The seed is fixed; the minimums are what it gives, with room.
describe("diffPolicies of attestation policies with the engine as oracle", () => {
  it("holds for checks, predicate types, signers, thresholds and a step's own signers", async () => {
    expectTeeth(await check(pairArb(KINDS), 60), { passing: 200, differing: 15, witnessed: 3 });
  }, 60_000);

  it("holds for check edits: added, removed, made warn or allow-if-absent and back", async () => {
    expectTeeth(await check(pairArb(CHECK_EDITS), 60), { passing: 200, differing: 10, witnessed: 2 });
  }, 60_000);

  it("holds for declaring a key no step names", async () => {
    expectTeeth(await check(pairArb(["spare"]), 20), { passing: 50, differing: 10, witnessed: 2 });
  }, 60_000);

  it("holds for keyless identities: exact or pattern, and the issuer", async () => {
    expectTeeth(await check(keylessPairs, 100), { passing: 40, differing: 6, witnessed: 2 });
  }, 60_000);
});

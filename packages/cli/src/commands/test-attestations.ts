// Policy tests of target "ite-10" policies (docs/testing.md): the evidence a test describes — per
// step, who signs and what Statement they make — built in memory and verified against the policy's
// attestation layout by the engine's verifyAttestations, exactly as `totem verify --layout L
// --attestations DIR` verifies a folder. Key functionaries sign DSSE envelopes with test keys (the
// layout's keys replaced by them), a classic link step gets a Metablock link as link tests build it,
// and keyless (sigstore) functionaries sign Sigstore bundles through a test Sigstore made for the run
// (node-io's test-sigstore.ts), whose trusted root is the only one trusted. A test that points at a
// recorded attestations folder keeps the policy's real keys and names its own trusted root. No
// verification logic here: the verdict is the engine's.
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { PolicyTest, PolicyTestFile, StepEvidence } from "@totem/dsl";
import {
  type AttestationFile,
  type AttestationLayout,
  type AttestationStep,
  buildLink,
  dsseBody,
  type EnvelopeKey,
  type JsonValue,
  type Layout,
  LINK_PREDICATE_V03,
  linkFileName,
  type PrivateKeyMaterial,
  type SigstoreIdentity,
  signDsse,
  substituteParameters,
  verifyAttestations,
} from "@totem/engine";
import { dsseBundle, makeSigner } from "@totem/node-io";
import { dict, EvidenceError, signLink, suggest, type TestKeys } from "./test-chain.js";
import type { TestFinding, TestVerdict } from "./test-report.js";
import { statementOf } from "./test-statement.js";
import { readAttestJsonFile, readFolder } from "./verify-attestations.js";

/** Attestation layouts name keys by their in-toto 1.3 keyids (lower-attestations.ts), so test keys do too. */
const TARGET = "in-toto-1.3";

/** Everything the tests of one file share: the policy's attestation layout and names, the keys, the clock. */
export interface AttestationTestContext {
  /** The policy lowered for target "ite-10", with its real keys and `{name}` placeholders. */
  layout: AttestationLayout;
  /** The same policy lowered as an in-toto layout: the steps' expected commands for links. */
  inToto: Layout;
  /** Functionary name → the keyid of its real key. */
  keyids: Readonly<Record<string, string>>;
  keys: TestKeys;
  file: PolicyTestFile;
  now: Date;
  /** The directory the test file is in (folders and files resolve against it). */
  dir: string;
}

type Signer = { kind: "key"; name: string; key: PrivateKeyMaterial } | { kind: "sigstore"; name: string; identity: SigstoreIdentity };

/** The policy's layout with every key functionary's key replaced by its test key, and who each of its ids (test keyid, label) is. */
function testLayout(ctx: AttestationTestContext): { layout: AttestationLayout; nameOf: Map<string, string> } {
  const realName = new Map<string, string>();
  for (const [name, keyid] of Object.entries(ctx.keyids)) if (ctx.layout.functionaries.has(keyid) && !realName.has(keyid)) realName.set(keyid, name);
  const testId = new Map<string, string>();
  const nameOf = new Map<string, string>();
  const functionaries = new Map<string, EnvelopeKey>();
  for (const [real, name] of realName) {
    const key = ctx.keys.of(name).public.toLayoutKey(TARGET);
    testId.set(real, key.keyid);
    nameOf.set(key.keyid, name);
    functionaries.set(key.keyid, { keyid: key.keyid, keytype: key.keytype, scheme: key.scheme, keyval: { public: key.keyval.public } });
  }
  const steps = ctx.layout.steps.map((s) => ({ ...s, expectedPredicates: s.expectedPredicates.map((p) => ({ ...p, functionaries: p.functionaries.map((id) => testId.get(id) ?? id) })) }));
  for (const label of ctx.layout.identities.keys()) nameOf.set(label, label);
  return { layout: { ...ctx.layout, functionaries, steps }, nameOf };
}

function signerOf(name: string, ev: StepEvidence, ctx: AttestationTestContext): Signer {
  const identity = ctx.layout.identities.get(name);
  if (identity !== undefined) return { kind: "sigstore", name, identity };
  if (ctx.keyids[name] !== undefined || ctx.file.outsiders.includes(name)) return { kind: "key", name, key: ctx.keys.of(name) };
  const known = [...Object.keys(ctx.keyids), ...ctx.layout.identities.keys()];
  throw new EvidenceError(`step "${ev.step}" is signed by "${name}", who is neither a functionary of the policy nor declared \`outsider ${name}\`${suggest(name, known)}`);
}

/** The SAN a keyless signer's test certificate names: the test's `identity`, else the functionary's (a pattern's `*` as "test"). */
function certificateIdentity(signer: Extract<Signer, { kind: "sigstore" }>, ev: StepEvidence): { uri: string } | { email: string } {
  const san = ev.identity?.path ?? (signer.identity.pattern ? signer.identity.identity.replaceAll("*", "test") : signer.identity.identity);
  return /^[^@/:]+@[^@/]+$/.test(san) ? { email: san } : { uri: san };
}

/** Claims of one described step: a file per signer. */
function stepFiles(ev: StepEvidence, step: AttestationStep, ctx: AttestationTestContext, nameOf: Map<string, string>): { name: string; text: string }[] {
  const described = ev.attests?.predicateType;
  const first = step.expectedPredicates[0];
  const expected = step.expectedPredicates.find((p) => p.predicateType === described) ?? first;
  const predicateType = described ?? first?.predicateType ?? LINK_PREDICATE_V03;
  const names = ev.by.length > 0 ? ev.by.map((b) => b.name) : (expected?.functionaries.slice(0, expected.threshold) ?? []).map((id) => nameOf.get(id) ?? id);
  const command = ev.command ?? ctx.inToto.steps.find((s) => s.name === ev.step)?.expected_command ?? [];
  const out: { name: string; text: string }[] = [];
  for (const signer of names.map((n) => signerOf(n, ev, ctx))) {
    if (signer.kind === "key" && described === undefined && predicateType === LINK_PREDICATE_V03) {
      const link = buildLink({ name: ev.step, materials: dict(ev.materials), products: dict(ev.products), command: [...command], returnValue: 0 });
      out.push({ name: linkFileName(ev.step, signer.key.public.keyid(TARGET)), text: new TextDecoder().decode(signLink(link, signer.key, TARGET)) });
      continue;
    }
    const statement = statementOf(ev, predicateType, command);
    if (signer.kind === "key") {
      const envelope = signDsse(dsseBody(statement), [signer.key], TARGET);
      out.push({ name: `${ev.step}.${signer.key.public.keyid(TARGET).slice(0, 8)}.json`, text: JSON.stringify(envelope) });
    } else {
      const auth = ctx.keys.sigstore();
      const issued = new Date(ctx.now.getTime() - 5 * 60_000);
      const cert = makeSigner(auth, { identity: certificateIdentity(signer, ev), issuer: ev.issuer?.path ?? signer.identity.issuer, issued });
      out.push({ name: `${ev.step}.${signer.name}.json`, text: JSON.stringify(dsseBundle(auth, cert, statement)) });
    }
  }
  return out;
}

/** The described test's attestations folder, in memory, and the layout with test keys. */
function describedEvidence(test: PolicyTest, ctx: AttestationTestContext): { layout: AttestationLayout; files: AttestationFile[]; trustedRoot: JsonValue } {
  const { layout, nameOf } = testLayout(ctx);
  const files: AttestationFile[] = [];
  const taken = new Set<string>();
  const encoder = new TextEncoder();
  for (const ev of test.steps) {
    const step = layout.steps.find((s) => s.name === ev.step);
    if (step === undefined) throw new EvidenceError(`test "${test.name}": the policy has no step "${ev.step}"${suggest(ev.step, layout.steps.map((s) => s.name))}`);
    for (const file of stepFiles(ev, step, ctx, nameOf)) {
      // Two claims of one signer for one step (two predicate types): `build.1a2b3c4d-2.json`, still for `build`.
      let name = file.name;
      for (let n = 2; taken.has(name); n++) name = file.name.replace(/(\.[a-z]+)$/, `-${n}$1`);
      taken.add(name);
      files.push({ name, bytes: encoder.encode(file.text) });
    }
  }
  return { layout, files, trustedRoot: ctx.keys.sigstore().rootJson as JsonValue };
}

/** The attestation-verifier parameters of a test: its (or the file's) parameters file, then `parameter` lines, less the omitted. */
function parametersOf(test: PolicyTest, ctx: AttestationTestContext): JsonValue {
  const source = test.parameters ?? ctx.file.parameters;
  const fromFile = source === undefined ? {} : readAttestJsonFile(join(ctx.dir, source.path), source.path, "parameters");
  if (typeof fromFile !== "object" || fromFile === null || Array.isArray(fromFile)) throw new EvidenceError(`the parameters file "${source?.path}" is not a JSON object of names and values`);
  const values: Record<string, JsonValue> = { ...fromFile, ...ctx.file.parameterValues, ...test.parameterValues };
  for (const name of test.omittedParameters ?? []) delete values[name];
  return values;
}

/** A recorded attestations folder with the policy's real keys and the trusted root the test names. */
function recordedEvidence(test: PolicyTest, ctx: AttestationTestContext): { layout: AttestationLayout; files: AttestationFile[]; trustedRoot?: JsonValue } {
  const shown = test.attestations?.path ?? ".";
  const dir = join(ctx.dir, shown);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new EvidenceError(`test "${test.name}": the attestations folder "${shown}" is not a directory`);
  const root = test.trustedRoot ?? ctx.file.trustedRoot;
  const trustedRoot = root === undefined ? undefined : readAttestJsonFile(join(ctx.dir, root.path), root.path, "trusted root");
  return { layout: ctx.layout, files: readFolder(dir, shown), ...(trustedRoot === undefined ? {} : { trustedRoot }) };
}

function finding(f: { code: string; message: string; step?: string }): TestFinding {
  return { stage: null, code: f.code, message: f.message, ...(f.step === undefined ? {} : { step: f.step }) };
}

/** Builds (or reads) the test's attestations and verifies them with the engine. Throws EvidenceError for bad evidence. */
export async function runAttestationTest(test: PolicyTest, ctx: AttestationTestContext): Promise<TestVerdict> {
  const evidence = test.attestations === undefined ? describedEvidence(test, ctx) : recordedEvidence(test, ctx);
  const substituted = substituteParameters(evidence.layout, parametersOf(test, ctx));
  if (!substituted.ok) {
    const { code, message } = substituted.error;
    if (code === "parameters-shape" || code === "parameters-name") throw new EvidenceError(`test "${test.name}": parameters: ${message}`);
    // A layout whose placeholders have no values cannot pass, as in `totem verify --attestations`.
    return { passed: false, failures: [finding({ code, message })], warnings: [] };
  }
  const verdict = await verifyAttestations(substituted.value, evidence.files, ctx.now, evidence.trustedRoot === undefined ? {} : { trustedRoot: evidence.trustedRoot });
  return { passed: verdict.passed, failures: verdict.failures.map(finding), warnings: verdict.warnings.map(finding) };
}

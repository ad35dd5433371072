// The chain a policy test describes, built and verified: the policy's layout with every functionary's
// key replaced by a test key Totem makes for this run (the test is about the policy's logic — steps,
// rules, thresholds, who signs — not its real key files, which `check` reads), a link per signer of
// each step signed with those keys, and the engine's verifyChain over them. A test that points at a
// recorded links folder keeps the policy's real keys. No verification logic here: the verdict is the
// engine's.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { type InspectionEvidence, type PolicyFile, type PolicyTest, type StepEvidence, type TestArtifact, didYouMean } from "@totem/dsl";
import {
  type HashDict,
  type InspectionOutcome,
  type Layout,
  type Link,
  type PrivateKeyMaterial,
  type Target,
  type VerificationResult,
  artifactRecord,
  buildLink,
  envelopeToText,
  generateKeyPair,
  layoutToJson,
  linkFileName,
  linkToJson,
  loadEnvelope,
  parsePrivateKey,
  signMetablock,
  verifyChain,
} from "@totem/engine";
import { type Authority, makeAuthority } from "@totem/node-io";
import { readBytes } from "../io.js";

/** Test keys made on first use, one per name, for one `totem test` run. Never written anywhere. */
export class TestKeys {
  private readonly keys = new Map<string, PrivateKeyMaterial>();
  private authority?: Authority;

  /** The run's test Sigstore (a CA and a log key, node-io's test-sigstore.ts): keyless signers' certificates chain to it. */
  sigstore(): Authority {
    this.authority ??= makeAuthority();
    return this.authority;
  }

  /** The key of a functionary, an outsider, or (`""`) the layout owner. */
  of(name: string): PrivateKeyMaterial {
    let key = this.keys.get(name);
    if (key === undefined) {
      const parsed = parsePrivateKey(generateKeyPair("ed25519", "securesystemslib").privateText);
      if (!parsed.ok) throw new Error(`a generated test key is unreadable: ${parsed.error.message}`);
      key = parsed.value;
      this.keys.set(name, key);
    }
    return key;
  }
}

/** A problem with the test's evidence (not the policy's verdict): an unknown step or signer. */
export class EvidenceError extends Error {}

const encoder = new TextEncoder();

/** The digest a content tag stands for. */
export function hashOf(content: string): HashDict {
  return { sha256: createHash("sha256").update(content, "utf8").digest("hex") };
}

/** Test artifacts as a link's artifact dict (path → digest of its content tag). */
export function dict(list: readonly TestArtifact[]): Record<string, HashDict> {
  const out: Record<string, HashDict> = {};
  for (const a of list) out[a.path] = hashOf(a.content);
  return out;
}

/** Functionary name → the keyid the policy gives it, read from the steps' `by` lists. */
function functionaryKeyids(file: PolicyFile, layout: Layout): Map<string, string> {
  const out = new Map<string, string>();
  for (const decl of file.layout?.steps ?? []) {
    const step = layout.steps.find((s) => s.name === decl.name.text);
    decl.by.forEach((b, i) => {
      const keyid = step?.pubkeys[i];
      if (keyid !== undefined && !out.has(b.text)) out.set(b.text, keyid);
    });
  }
  return out;
}

/** Everything one test file shares: the compiled policy, its tree, the keys and the clock. */
export interface TestContext {
  layout: Layout;
  file: PolicyFile;
  target: Target;
  keys: TestKeys;
  outsiders: readonly string[];
  now: Date;
  /** The directory the test file is in (links folders resolve against it). */
  dir: string;
}

/** A chain's files in memory: the layout to sign and its link files by name. */
interface Chain {
  layout: Layout;
  links: Map<string, Uint8Array>;
  /** A recorded folder's inspection links (`<inspection>.link`): what each inspection did. */
  inspections?: Map<string, InspectionOutcome>;
}

/** A link's Metablock file bytes, signed by `key`, as `totem run` writes it. */
export function signLink(link: Link, key: PrivateKeyMaterial, target: Target): Uint8Array {
  return encoder.encode(envelopeToText(signMetablock(linkToJson(link), [key], target)));
}

/** Builds the described chain's files: the layout with test keys, and one link file per signer. */
function describedChain(test: PolicyTest, ctx: TestContext): Chain {
  const ids = functionaryKeyids(ctx.file, ctx.layout);
  const byKeyid = new Map<string, string>();
  for (const [name, keyid] of ids) if (!byKeyid.has(keyid)) byKeyid.set(keyid, name);
  const testKeyid = (name: string) => ctx.keys.of(name).public.keyid(ctx.target);
  const keys: Layout["keys"] = {};
  for (const name of byKeyid.values()) keys[testKeyid(name)] = ctx.keys.of(name).public.toLayoutKey(ctx.target);
  const steps = ctx.layout.steps.map((s) => ({ ...s, pubkeys: s.pubkeys.map((k) => testKeyid(byKeyid.get(k) ?? k)) }));
  const layout: Layout = { ...ctx.layout, keys, steps };
  const links = new Map<string, Uint8Array>();
  for (const ev of test.steps) {
    const step = ctx.layout.steps.find((s) => s.name === ev.step);
    if (step === undefined) throw new EvidenceError(`test "${test.name}": the policy has no step "${ev.step}"${suggest(ev.step, ctx.layout.steps.map((s) => s.name))}`);
    for (const signer of signersOf(ev, step.threshold, ctx, ids)) {
      const link = buildLink({ name: ev.step, materials: dict(ev.materials), products: dict(ev.products), command: ev.command ?? step.expected_command, returnValue: 0 });
      links.set(linkFileName(ev.step, testKeyid(signer)), signLink(link, ctx.keys.of(signer), ctx.target));
    }
  }
  return { layout, links };
}

function signersOf(ev: StepEvidence, threshold: number, ctx: TestContext, ids: Map<string, string>): string[] {
  if (ev.by.length === 0) {
    const decl = ctx.file.layout?.steps.find((s) => s.name.text === ev.step);
    return (decl?.by ?? []).slice(0, threshold).map((b) => b.text);
  }
  const known = [...ids.keys(), ...(ctx.file.layout?.functionaries ?? []).map((f) => f.name.text)];
  for (const b of ev.by) {
    if (!known.includes(b.name) && !ctx.outsiders.includes(b.name)) {
      throw new EvidenceError(
        `step "${ev.step}" is signed by "${b.name}", who is neither a functionary of the policy nor declared \`outsider ${b.name}\`${suggest(b.name, known)}`,
      );
    }
  }
  return ev.by.map((b) => b.name);
}

/** `; did you mean "x"?` for the closest name (the dsl's didYouMean), else nothing. */
export function suggest(name: string, names: readonly string[]): string {
  const best = didYouMean(name, names)[0];
  return best === undefined ? "" : `; did you mean "${best}"?`;
}

/**
 * Reads a recorded links folder: the link files by name, and the inspection links (`<inspection>.link`,
 * as in-toto-verify and `totem verify` write them) as what those inspections did.
 */
function recordedChain(test: PolicyTest, ctx: TestContext): Chain {
  const dir = join(ctx.dir, test.links?.path ?? ".");
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new EvidenceError(`test "${test.name}": the links folder "${test.links?.path}" is not a directory`);
  const links = new Map<string, Uint8Array>();
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith(".link")) links.set(name, readBytes(join(dir, name), "link", join(test.links?.path ?? ".", name), "link"));
  }
  const inspections = new Map<string, InspectionOutcome>();
  for (const inspection of ctx.layout.inspect) {
    const bytes = links.get(`${inspection.name}.link`);
    const loaded = bytes === undefined ? undefined : loadEnvelope(bytes, { expect: "link" });
    if (loaded?.ok && loaded.value.type === "link" && loaded.value.link.name === inspection.name) {
      const { materials, products, byproducts } = loaded.value.link;
      const code = byproducts["return-value"];
      inspections.set(inspection.name, { materials: artifactRecord(materials), products: artifactRecord(products), returnValue: typeof code === "number" ? code : 0 });
    }
  }
  return { layout: ctx.layout, links, inspections };
}

/** What the test says an inspection did; one it does not describe exits 0 and finds an empty folder. */
function inspectionOutcome(evidence: InspectionEvidence | undefined): InspectionOutcome {
  return { materials: dict(evidence?.materials ?? []), products: dict(evidence?.products ?? []), returnValue: evidence?.exitCode ?? 0 };
}

/** Builds the test's chain and verifies it with the engine. Throws EvidenceError for bad evidence. */
export async function runTest(test: PolicyTest, ctx: TestContext): Promise<VerificationResult> {
  const chain = test.links === undefined ? describedChain(test, ctx) : recordedChain(test, ctx);
  for (const ev of test.inspections) {
    if (!ctx.layout.inspect.some((i) => i.name === ev.inspection)) {
      throw new EvidenceError(`test "${test.name}": the policy has no inspection "${ev.inspection}"${suggest(ev.inspection, ctx.layout.inspect.map((i) => i.name))}`);
    }
  }
  const owner = ctx.keys.of("");
  const layoutBytes = encoder.encode(envelopeToText(signMetablock(layoutToJson(chain.layout), [owner], ctx.target)));
  return verifyChain({
    layout: layoutBytes,
    layoutKeys: [owner.public],
    readLink: (path) => chain.links.get(path),
    listLinks: (dir) => (dir === "" ? [...chain.links.keys()] : []),
    now: ctx.now,
    runInspection: async (name) => {
      const described = test.inspections.find((i) => i.inspection === name);
      return described === undefined ? (chain.inspections?.get(name) ?? inspectionOutcome(undefined)) : inspectionOutcome(described);
    },
  });
}

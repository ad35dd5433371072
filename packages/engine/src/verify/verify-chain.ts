// verifyChain: in-toto 1.3.1's `in_toto_verify` (SPEC-NOTES §7) as numbered stages, one function
// per stage, stopping after the first stage that fails (as 1.3.1 stops at its first exception) but
// reporting every failure within that stage. Sublayouts recurse (stage 5). Never throws.
import { type LoadedEnvelope, loadEnvelope } from "../load/envelope.js";
import { describeLoadError } from "../load/load-error.js";
import type { Inspection, Layout, Link } from "../model.js";
import { itemRuleFailures } from "./artifact-rules.js";
import { checkChunk, planSteps } from "./chunks.js";
import { type KeyCandidate, linkFileName, sublayoutDir, verifyExpiry, verifyLayoutSignatures } from "./link-stages.js";
import { settleStep } from "./step-check.js";
import type { ChunkOutcome, Failure, RuleTrace, SettledStep, StepOutcome, VerificationResult, VerifyInput, Warning } from "./types.js";

/** State shared by one layout's verification (a sublayout gets its own, with a longer path). */
interface Run {
  input: VerifyInput;
  /** Link-path prefix of this layout's links directory ("" at the top). */
  prefix: string;
  /** Steps leading to this sublayout, outermost first. */
  path: string[];
  warnings: Warning[];
  trace: RuleTrace[] | undefined;
}

function within<T extends { sublayout?: string[] }>(run: Run, items: T[]): T[] {
  if (run.path.length > 0) for (const f of items) f.sublayout = [...run.path, ...(f.sublayout ?? [])];
  return items;
}

/**
 * Stages 3 and 4 (and 6–8, and the rules the chunks settle) for every step: the top-level layout's
 * chunks through the caller's runner when it has one, anything else as one chunk in this thread.
 * Outcomes come back in layout order.
 */
async function checkSteps(layout: Layout, run: Run): Promise<StepOutcome[]> {
  const trace = run.trace !== undefined;
  const runner = run.prefix === "" && run.path.length === 0 ? run.input.chunkRunner : undefined;
  if (runner && runner.threads >= 2 && layout.steps.length > 1) {
    const plan = planSteps(layout, run.prefix, runner.threads, trace, run.input.now);
    let outcomes: ChunkOutcome[] | undefined;
    try {
      outcomes = await runner.run(plan);
    } catch {
      outcomes = undefined; // thread trouble: the same kernel, in this thread
    }
    const steps = outcomes?.length === plan.chunks.length ? outcomes.flatMap((o) => o.steps) : undefined;
    // Only an outcome for every step, in layout order, is used; anything else is checked here.
    if (steps?.length === layout.steps.length && steps.every((o, i) => o.check.step === layout.steps[i]?.name)) return steps;
  }
  return checkChunk(planSteps(layout, run.prefix, 1, trace, run.input.now), 0, run.input.readLink).steps;
}

/**
 * Stage 5: verify every valid link that is itself a layout, recursively, and settle its step (stages
 * 6–8) with the summary links. Steps without sublayouts were settled by the kernel.
 */
async function verifySublayouts(layout: Layout, outcomes: StepOutcome[], run: Run): Promise<{ settled: Map<string, SettledStep>; failures: Failure[] }> {
  const settled = new Map<string, SettledStep>();
  const failures: Failure[] = [];
  for (const [i, step] of layout.steps.entries()) {
    const check = (outcomes[i] as StepOutcome).check;
    if (check.settled) {
      settled.set(step.name, check.settled);
      continue;
    }
    const byKey = new Map<string, Link>();
    for (const [keyid, loaded] of check.sublayouts ?? []) {
      if (loaded.type === "link") {
        byKey.set(keyid, loaded.link);
        continue;
      }
      // 1.3.1 passes {keyid: layout.keys[keyid]} and looks the signature up by the key's own keyid.
      const key = layout.keys[keyid] as NonNullable<Layout["keys"][string]>;
      const sub = await verifyLayout(loaded, [[{ keyid: key.keyid, key }]], step.name, {
        ...run,
        prefix: run.prefix + sublayoutDir(step.name, keyid),
        path: [...run.path, step.name],
      });
      if (sub.failures.length > 0) failures.push(...sub.failures);
      else if (sub.summary) byKey.set(keyid, sub.summary);
    }
    settled.set(step.name, settleStep(step, byKey, run.prefix));
  }
  return { settled, failures };
}

/**
 * Stage 9: each step's material rules, then its product rules, in layout order — as a chunk settled
 * them, or here from the first links the chunks kept for it.
 */
function verifyStepRules(layout: Layout, outcomes: StepOutcome[], firsts: ReadonlyMap<string, Link>, run: Run): Failure[] {
  const failures: Failure[] = [];
  for (const [i, step] of layout.steps.entries()) {
    const done = (outcomes[i] as StepOutcome).rules;
    const trace = run.trace ? ([] as RuleTrace[]) : undefined;
    failures.push(...(done ? done.failures : itemRuleFailures(step, firsts, 9, trace)));
    if (run.trace) run.trace.push(...within(run, done ? done.trace : (trace as RuleTrace[])));
  }
  return failures;
}

/** Stage 11: each inspection's rules over the steps' first links and the inspections' links. */
function verifyInspectionRules(inspections: readonly Inspection[], links: ReadonlyMap<string, Link>, run: Run): Failure[] {
  const failures: Failure[] = [];
  for (const item of inspections) {
    const trace = run.trace ? ([] as RuleTrace[]) : undefined;
    failures.push(...itemRuleFailures(item, links, 11, trace));
    if (trace) run.trace?.push(...within(run, trace));
  }
  return failures;
}

/**
 * A `link-missing` failure with the link files of its step that ARE in the directory but are named for
 * keys the step does not authorize, and who signed them (read only for this report).
 */
function explainMissing(f: Failure, layout: Layout, run: Run): Failure {
  const step = layout.steps.find((s) => s.name === f.step);
  if (f.code !== "link-missing" || !step || !run.input.listLinks) return f;
  const authorized = new Set(step.pubkeys.map((k) => linkFileName(step.name, k)));
  const present = run.input
    .listLinks(run.prefix)
    .filter((name) => name.startsWith(`${step.name}.`) && /^\.[0-9a-fA-F]{8}\.link$/.test(name.slice(step.name.length)) && !authorized.has(name))
    .sort();
  if (present.length === 0) return f;
  const described = present.slice(0, 10).map((name) => {
    const bytes = run.input.readLink(run.prefix + name);
    const loaded = bytes ? loadEnvelope(bytes) : undefined;
    const by = loaded?.ok ? loaded.value.signatures.map((s) => s.keyid.slice(0, 8)).join(", ") || "nobody" : "unreadable";
    return `${run.prefix}${name} (signed by ${by})`;
  });
  const more = present.length > 10 ? ` and ${present.length - 10} more` : "";
  return { ...f, message: `${f.message} Present but named for keys this step does not authorize: ${described.join(", ")}${more}.` };
}

/** Stage 10: run each inspection through the injected runner and build its (unsigned) link. */
async function runInspections(layout: Layout, run: Run): Promise<{ links: Map<string, Link>; failures: Failure[] }> {
  const links = new Map<string, Link>();
  for (const inspection of layout.inspect) {
    const fail = (code: string, message: string) => ({ links, failures: [{ stage: 10 as const, code, message, step: inspection.name }] });
    if (!run.input.runInspection) {
      return fail("inspection-not-run", `Inspection "${inspection.name}" must run, but this verification cannot run commands.`);
    }
    let outcome: Awaited<ReturnType<NonNullable<VerifyInput["runInspection"]>>>;
    try {
      outcome = await run.input.runInspection(inspection.name, inspection.run, { sublayout: run.path });
    } catch (e) {
      outcome = { error: e instanceof Error ? e.message : String(e) };
    }
    if ("error" in outcome) {
      return fail(outcome.code ?? "inspection-error", `Inspection "${inspection.name}" could not run ${JSON.stringify(inspection.run)}: ${outcome.error}`);
    }
    if (outcome.returnValue !== 0) {
      return fail(
        "inspection-failed",
        `Inspection "${inspection.name}" ran ${JSON.stringify(inspection.run)} and it ${outcome.returnValue === null ? "was killed by a signal" : `exited with ${outcome.returnValue}`}; it must exit with 0. Run the command yourself in the verification directory to see why.`,
      );
    }
    const link: Link = {
      _type: "link",
      name: inspection.name,
      command: [...inspection.run],
      materials: outcome.materials,
      products: outcome.products,
      byproducts: { "return-value": outcome.returnValue, stderr: "", stdout: "" },
      environment: {},
    };
    links.set(inspection.name, link);
    const problem = await recordInspection(link, run);
    if (problem !== undefined) {
      const message = `The link of inspection "${inspection.name}" was not written: ${problem}.`;
      const warning: Warning = { stage: 10, code: "inspection-link-not-written", message, step: inspection.name };
      run.warnings.push(...within(run, [warning]));
    }
  }
  return { links, failures: [] };
}

/** Hands a passed inspection's link to the caller (1.3.1 dumps it right after the command, SPEC-NOTES §7 step 11). */
async function recordInspection(link: Link, run: Run): Promise<string | undefined> {
  try {
    return await run.input.recordInspection?.(link);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** The summary link 1.3.1 returns: first step's materials, last step's products/byproducts/command. */
function summaryLink(layout: Layout, reduced: Map<string, Link>, name: string): Link {
  const first = layout.steps[0] ? reduced.get(layout.steps[0].name) : undefined;
  const last = layout.steps.at(-1) ? reduced.get((layout.steps.at(-1) as { name: string }).name) : undefined;
  return {
    _type: "link",
    name,
    command: last?.command ?? [],
    materials: first?.materials ?? {},
    products: last?.products ?? {},
    byproducts: last?.byproducts ?? {},
    environment: {},
  };
}

async function verifyLayout(envelope: LoadedEnvelope, keys: KeyCandidate[][], name: string, run: Run): Promise<VerificationResult> {
  const done = (failures: Failure[], summary?: Link): VerificationResult => ({
    passed: failures.length === 0,
    failures: within(run, failures),
    warnings: run.warnings,
    trace: run.trace ?? [],
    ...(summary ? { summary } : {}),
  });
  if (envelope.type !== "layout") {
    return done([{ stage: 0, code: "not-a-layout", message: "The layout file holds a link, not a layout." }]);
  }
  const layout = envelope.layout;
  let failures = verifyLayoutSignatures(envelope, keys, run.input.now); // 1
  if (failures.length) return done(failures);
  failures = verifyExpiry(layout, run.input.now); // 2
  if (failures.length) return done(failures);
  const outcomes = await checkSteps(layout, run); // 3, 4 (and 6–9 where the kernel settles them)
  failures = outcomes.flatMap((o) => o.check.loadFailures); // 3
  if (failures.length) return done(failures.map((f) => explainMissing(f, layout, run)));
  failures = outcomes.flatMap((o) => o.check.signatureFailures); // 4
  if (failures.length) return done(failures);
  const subs = await verifySublayouts(layout, outcomes, run); // 5
  if (subs.failures.length) return done(subs.failures);
  const settled = [...subs.settled.values()];
  run.warnings.push(...within(run, settled.flatMap((s) => s.warnings))); // 6
  failures = settled.flatMap((s) => s.agreement); // 7
  if (failures.length) return done(failures);
  const firsts = new Map<string, Link>(); // 8: the first valid link of each step (those still held)
  for (const [step, s] of subs.settled) if (s.first) firsts.set(step, s.first);
  failures = verifyStepRules(layout, outcomes, firsts, run); // 9
  if (failures.length) return done(failures);
  const inspections = await runInspections(layout, run); // 10
  if (inspections.failures.length) return done(inspections.failures);
  failures = verifyInspectionRules(layout.inspect, new Map([...firsts, ...inspections.links]), run); // 11
  return done(failures, failures.length ? undefined : summaryLink(layout, firsts, name));
}

/**
 * Verifies a supply chain against a layout, like `in-toto-verify` 1.3.1 (SPEC-NOTES §7), accepting
 * DSSE envelopes too. Resolves to a result for any evidence; it never rejects.
 */
export async function verifyChain(input: VerifyInput): Promise<VerificationResult> {
  const run: Run = { input, prefix: "", path: [], warnings: [], trace: input.trace === false ? undefined : [] };
  try {
    let envelope: LoadedEnvelope;
    if (input.layout instanceof Uint8Array) {
      const loaded = loadEnvelope(input.layout, { expect: "layout" });
      if (!loaded.ok) {
        return {
          passed: false,
          failures: [{ stage: 0, code: "layout-unreadable", message: `The layout cannot be read: ${describeLoadError(loaded.error)}.` }],
          warnings: [],
          trace: [],
        };
      }
      envelope = loaded.value;
    } else {
      envelope = input.layout;
    }
    const keys = input.layoutKeys.map((k) => {
      const old = k.toLayoutKey("in-toto-1.3");
      const modern = k.toLayoutKey("in-toto");
      return old.keyid === modern.keyid ? [{ keyid: old.keyid, key: old }] : [{ keyid: old.keyid, key: old }, { keyid: modern.keyid, key: modern }];
    });
    return await verifyLayout(envelope, keys, "", run);
  } catch (e) {
    // A bug, not bad evidence: still a result, never an exception (DESIGN.md invariant).
    return {
      passed: false,
      failures: [{ stage: 0, code: "internal-error", message: `Verification stopped on an internal error: ${e instanceof Error ? e.message : String(e)}. Please report it.` }],
      warnings: run.warnings,
      trace: run.trace ?? [],
    };
  }
}

// How verifyChain runs the per-step kernel (step-check.ts) over a layout's steps: in chunks of
// consecutive steps. A chunk checks each step's link files (stages 3, 4, 6–8) and, where every step a
// step's MATCH rules read is settled in the same chunk, the step's rules (stage 9) — from the very
// links it checked, read once. Of each step's first valid link it returns only what verifyChain
// still reads (rules it settles itself, inspections, the summary link), so a big chain's artifact
// dicts never all sit in memory together. verifyChain runs one chunk in this thread; a caller may
// run the chunks of a plan elsewhere (the CLI: worker threads) with this same function. Plans and
// outcomes are plain data (structured-clone safe).
import type { Layout, Link, Step } from "../model.js";
import { itemRuleFailures } from "./artifact-rules.js";
import { checkStep } from "./step-check.js";
import type { ChunkOutcome, RuleTrace, StepOutcome, StepsPlan } from "./types.js";

/** The smallest chunk: the last chunks are this small, so threads finish close together. */
export const MIN_CHUNK_STEPS = 4;

/** The layout steps whose links a step's or inspection's rules read (MATCH … FROM); `steps` are the layout's step names. */
function ruleSources(steps: ReadonlySet<string>, item: Pick<Step, "expected_materials" | "expected_products">): string[] {
  const out = new Set<string>();
  for (const rule of item.expected_materials) if (rule.type === "match" && steps.has(rule.destinationName)) out.add(rule.destinationName);
  for (const rule of item.expected_products) if (rule.type === "match" && steps.has(rule.destinationName)) out.add(rule.destinationName);
  return [...out];
}

/**
 * The plan for `threads` threads: one chunk when `threads` < 2; otherwise chunks that shrink as the
 * queue empties ("guided" scheduling: few boundaries, and small last chunks so threads finish
 * together).
 */
export function planSteps(layout: Layout, prefix: string, threads: number, trace: boolean, now?: Date): StepsPlan {
  const names = layout.steps.map((s) => s.name);
  const chunks: string[][] = [];
  if (threads < 2) chunks.push(names);
  else {
    for (let at = 0; at < names.length; ) {
      const size = Math.max(MIN_CHUNK_STEPS, Math.ceil((names.length - at) / (2 * threads)));
      chunks.push(names.slice(at, at + size));
      at += size;
    }
  }
  const chunkOf = new Map<string, number>();
  chunks.forEach((chunk, i) => {
    for (const name of chunk) chunkOf.set(name, i);
  });
  const keep = new Set<string>();
  const stepNames = new Set(names);
  for (const step of layout.steps) {
    const sources = ruleSources(stepNames, step);
    if (sources.every((s) => chunkOf.get(s) === chunkOf.get(step.name))) continue;
    keep.add(step.name);
    for (const s of sources) keep.add(s);
  }
  for (const inspection of layout.inspect) for (const s of ruleSources(stepNames, inspection)) keep.add(s);
  for (const step of [layout.steps[0], layout.steps.at(-1)]) if (step) keep.add(step.name);
  return { layout, prefix, chunks, keep: [...keep], trace, ...(now ? { now } : {}) };
}

/**
 * Checks chunk `index` of a plan: each step through the kernel, in order, and each step's rules as
 * soon as every step they read is settled. A first link is let go once nothing in the chunk reads it
 * any more, unless the plan keeps it or a rule that reads it is left to verifyChain.
 */
export function checkChunk(plan: StepsPlan, index: number, readLink: (path: string) => Uint8Array | undefined): ChunkOutcome {
  const { layout } = plan;
  const chunk = plan.chunks[index] ?? [];
  const steps = new Map(layout.steps.map((s) => [s.name, s]));
  const position = new Map(chunk.map((name, i) => [name, i]));
  const keep = new Set(plan.keep);
  const stepNames = new Set(steps.keys());
  const sources = new Map(chunk.map((name) => [name, ruleSources(stepNames, steps.get(name) as Step)]));
  // When each step's rules can run (the last of itself and its sources), and when a first link is last read.
  const readyAt = new Map<string, number>();
  const lastUse = new Map<string, number>(chunk.map((name, i) => [name, i]));
  const readers = new Map<string, string[]>();
  for (const [i, name] of chunk.entries()) {
    const own = sources.get(name) as string[];
    if (!own.every((s) => position.has(s))) continue;
    const at = Math.max(i, ...own.map((s) => position.get(s) as number));
    readyAt.set(name, at);
    for (const s of [name, ...own]) {
      lastUse.set(s, Math.max(lastUse.get(s) as number, at));
      const list = readers.get(s);
      if (list) list.push(name);
      else readers.set(s, [name]);
    }
  }
  // The same, by position (a chunk of n steps is then linear in n, not quadratic).
  const byPosition = (m: Map<string, number>) => {
    const out: string[][] = chunk.map(() => []);
    for (const [name, at] of m) out[at]?.push(name);
    return out;
  };
  const readyBy = byPosition(readyAt);
  const lastUseBy = byPosition(lastUse);
  const outcomes = new Map<string, StepOutcome>();
  const firsts = new Map<string, Link>();
  let failed = false;
  for (const [i, name] of chunk.entries()) {
    const check = checkStep(steps.get(name) as Step, layout.keys, plan.prefix, readLink, plan.now);
    outcomes.set(name, { check });
    if (check.loadFailures.length > 0 || check.signatureFailures.length > 0) failed = true;
    if (check.settled?.first) firsts.set(name, check.settled.first);
    // Rules: only while nothing has failed (verification stops before stage 9 otherwise).
    for (const ready of readyBy[i] ?? []) {
      if (failed) break;
      const needs = [ready, ...(sources.get(ready) as string[])];
      if (!needs.every((s) => outcomes.get(s)?.check.settled)) continue;
      const trace: RuleTrace[] = [];
      const failures = itemRuleFailures(steps.get(ready) as Step, firsts, 9, plan.trace ? trace : undefined);
      (outcomes.get(ready) as StepOutcome).rules = { failures, trace };
    }
    for (const done of lastUseBy[i] ?? []) {
      if (keep.has(done)) continue;
      const unsettled = [done, ...(readers.get(done) ?? [])].some((r) => outcomes.get(r)?.rules === undefined);
      if (unsettled) continue;
      firsts.delete(done);
      const settled = outcomes.get(done)?.check.settled;
      if (settled) delete settled.first;
    }
  }
  return { steps: chunk.map((name) => outcomes.get(name) as StepOutcome) };
}

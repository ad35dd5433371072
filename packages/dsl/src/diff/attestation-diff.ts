// What changed in the attestation part of two target "ite-10" policies (docs/cli.md, "totem diff"):
// the predicate types a step expects, who may make each claim and how many must, the CEL checks on
// them, and keyless functionaries' identities. The in-toto part (steps, artifact rules, expiry) is
// diffed by diff-policies.ts from the same policies' lowered layouts; this adds what that layout
// cannot hold. Judged by the set of claims a step accepts: a check or a required predicate type
// removed, a signer or an identity widened, a threshold lowered, a check made `warn` or
// `allow-if-absent`, a functionary declared — each lets a claim through that the old policy refused.
import { type AttestationLayout, type ExpectedAttribute, type ExpectedPredicate, identityMatches, type SigstoreIdentity } from "@totem/engine";
import type { Change, Classification } from "./change.js";

/** A functionary of an attestation layout as a reviewer reads it: its policy name, else keyID[:8]. */
export type FunctionaryLabel = (id: string) => string;

/** How a check reads in a change: its rule and the modifiers that loosen it. */
function checkText(c: ExpectedAttribute): string {
  const flags = [c.warn ? "warn" : "", c.allowIfNoClaim ? "allow-if-absent" : ""].filter((f) => f !== "");
  return `check ${JSON.stringify(c.rule)}${flags.length === 0 ? "" : ` ${flags.join(" ")}`}`;
}

/**
 * Why a `warn` check added or removed still changes what is accepted: the engine refuses a claim its
 * rule cannot evaluate, or (unless `allow-if-absent`) one without the field it reads, whatever `warn` says.
 */
function warnNote(c: ExpectedAttribute): string {
  if (!c.warn) return "";
  return ` (a false result only warns, but a claim ${c.allowIfNoClaim ? "" : "that lacks the field it reads or "}that it cannot evaluate is refused)`;
}

/** Whether every SAN `wide` accepts includes every one `narrow` accepts (sufficient: `wide` matches `narrow` as written). */
function covers(wide: SigstoreIdentity, narrow: SigstoreIdentity): boolean {
  if (wide.issuer !== narrow.issuer) return false;
  if (!wide.pattern) return !narrow.pattern && wide.identity === narrow.identity;
  return identityMatches(wide.identity, narrow.identity);
}

function identityText(i: SigstoreIdentity): string {
  return `${i.pattern ? "identity-pattern" : "identity"} ${JSON.stringify(i.identity)} (issuer ${i.issuer})`;
}

/** Keyless functionaries whose identity or issuer changed (added and removed ones show where they sign). */
function identityChanges(a: AttestationLayout, b: AttestationLayout): Change[] {
  const out: Change[] = [];
  for (const [name, after] of b.identities) {
    const before = a.identities.get(name);
    if (before === undefined || (before.identity === after.identity && before.issuer === after.issuer && before.pattern === after.pattern)) continue;
    const wider = covers(after, before);
    const narrower = covers(before, after);
    const classification: Classification = wider && narrower ? "neutral" : wider ? "weakens" : narrower ? "strengthens" : "mixed";
    const effect =
      classification === "weakens"
        ? "now accepts certificates of identities it refused"
        : classification === "strengthens"
          ? "now refuses certificates of identities it accepted"
          : classification === "mixed"
            ? "accepts other identities than before"
            : "accepts the same identities";
    out.push({ kind: "identity-changed", subject: `functionary ${name}`, classification, reason: `${identityText(before)} → ${identityText(after)}: ${effect}` });
  }
  return out;
}

/**
 * Functionaries declared or no longer declared (keys and keyless ones), used or not: verification
 * refuses the run when a file for a layout step is signed by no declared functionary, so a declared
 * one's files load where they failed, and a dropped one's fail where they loaded.
 */
function declarationChanges(a: AttestationLayout, b: AttestationLayout, label: FunctionaryLabel): Change[] {
  const declared = (l: AttestationLayout) => new Set([...l.functionaries.keys(), ...l.identities.keys()]);
  const [before, after] = [declared(a), declared(b)];
  const added = [...after].filter((id) => !before.has(id));
  const removed = [...before].filter((id) => !after.has(id));
  return [
    ...added.map((id): Change => ({ kind: "functionary-added", subject: `functionary ${label(id)}`, classification: "weakens", reason: "declared: a file it signs for a step no longer fails verification" })),
    ...removed.map((id): Change => ({ kind: "functionary-removed", subject: `functionary ${label(id)}`, classification: "strengthens", reason: "no longer declared: a file it signs for a step now fails verification" })),
  ];
}

/** Signers and threshold of one expected predicate, judged as a whole (as stepChanges does for links). */
function signerChange(subject: string, before: ExpectedPredicate, after: ExpectedPredicate, label: FunctionaryLabel): Change[] {
  const [setA, setB] = [new Set(before.functionaries), new Set(after.functionaries)];
  const added = after.functionaries.filter((f) => !setA.has(f));
  const removed = before.functionaries.filter((f) => !setB.has(f));
  const edits: string[] = [];
  if (added.length > 0) edits.push(`${added.map(label).join(", ")} may now make it`);
  if (removed.length > 0) edits.push(`${removed.map(label).join(", ")} may no longer make it`);
  if (before.threshold !== after.threshold) edits.push(`threshold ${before.threshold} → ${after.threshold}`);
  if (edits.length === 0) return [];
  // More signers or fewer needed: claims accepted before still are, and more are; and the reverse.
  const weaker = added.length > 0 || after.threshold < before.threshold;
  const stronger = removed.length > 0 || after.threshold > before.threshold;
  const classification: Classification = weaker && stronger ? "mixed" : weaker ? "weakens" : "strengthens";
  const kind = added.length + removed.length === 0 ? "threshold" : before.threshold === after.threshold ? (removed.length === 0 ? "functionary-added" : added.length === 0 ? "functionary-removed" : "signers") : "signers";
  const effect = classification === "weakens" ? "it accepts claims it refused" : classification === "strengthens" ? "it refuses claims it accepted" : "it accepts some claims it refused and refuses some it accepted";
  return [{ kind, subject, classification, reason: `${edits.join("; ")}: ${effect}` }];
}

/** The checks of one expected predicate: each rule compared by its text; modifiers that loosen or tighten it. */
function checkChanges(subject: string, before: readonly ExpectedAttribute[], after: readonly ExpectedAttribute[]): Change[] {
  const out: Change[] = [];
  const remaining = [...before];
  for (const c of after) {
    const i = remaining.findIndex((o) => o.rule === c.rule);
    if (i < 0) {
      out.push({ kind: "check-added", subject, classification: "strengthens", reason: `${checkText(c)} added: claims it refuses are no longer accepted${warnNote(c)}` });
      continue;
    }
    const old = remaining.splice(i, 1)[0] as ExpectedAttribute;
    if (old.warn === c.warn && old.allowIfNoClaim === c.allowIfNoClaim && old.debug === c.debug) continue;
    const weaker = (!old.warn && c.warn) || (!old.allowIfNoClaim && c.allowIfNoClaim);
    const stronger = (old.warn && !c.warn) || (old.allowIfNoClaim && !c.allowIfNoClaim);
    const classification: Classification = weaker && stronger ? "mixed" : weaker ? "weakens" : stronger ? "strengthens" : "neutral";
    const effect = classification === "neutral" ? "only its message changed" : classification === "weakens" ? "claims it refused may now pass" : classification === "strengthens" ? "claims it let through are now refused" : "it refuses other claims than before";
    out.push({ kind: "check-changed", subject, classification, reason: `${checkText(old)} → ${checkText(c)}: ${effect}` });
  }
  for (const c of remaining) {
    out.push({ kind: "check-removed", subject, classification: "weakens", reason: `${checkText(c)} removed: claims it refused are now accepted${warnNote(c)}` });
  }
  return out;
}

/**
 * The attestation changes between two attestation layouts of the same policy's two versions, step
 * by step (steps added or removed are the in-toto diff's `item-added`/`item-removed`).
 */
export function attestationChanges(a: AttestationLayout, b: AttestationLayout, label: FunctionaryLabel): Change[] {
  const out: Change[] = [...declarationChanges(a, b, label), ...identityChanges(a, b)];
  const stepsA = new Map(a.steps.map((s) => [s.name, s]));
  for (const step of b.steps) {
    const old = stepsA.get(step.name);
    if (old === undefined) continue;
    const typesB = new Set(step.expectedPredicates.map((p) => p.predicateType));
    for (const p of old.expectedPredicates) {
      if (typesB.has(p.predicateType)) continue;
      out.push({
        kind: "attestation-removed",
        subject: `step ${step.name}`,
        classification: "weakens",
        reason: `no longer requires a ${p.predicateType} claim (by ${p.functionaries.map(label).join(", ")}${p.expectedAttributes.length > 0 ? `, with ${p.expectedAttributes.length} check(s)` : ""}): the step passes without it`,
      });
    }
    for (const p of step.expectedPredicates) {
      const before = old.expectedPredicates.find((o) => o.predicateType === p.predicateType);
      const subject = `step ${step.name} attestation ${p.predicateType}`;
      if (before === undefined) {
        out.push({
          kind: "attestation-added",
          subject: `step ${step.name}`,
          classification: "strengthens",
          reason: `now requires a ${p.predicateType} claim by ${p.functionaries.map(label).join(", ") || "nobody"}: a step without one fails`,
        });
        continue;
      }
      out.push(...signerChange(subject, before, p, label), ...checkChanges(subject, before.expectedAttributes, p.expectedAttributes));
    }
  }
  return out;
}

// Stages 1–8 of verification (SPEC-NOTES §7): layout signatures, expiry, loading links, link
// signatures and thresholds, command alignment, threshold agreement, reduction. One function per
// stage; each returns its findings and never throws.
import { isSafeFileStem } from "../file-names.js";
import { type LoadedEnvelope, loadEnvelope } from "../load/envelope.js";
import type { ArtifactDict, Layout, Link, LinkArtifacts, PublicKey, Step } from "../model.js";
import { artifactAt, artifactCount, artifactPaths } from "./artifact-dict.js";
import { sameHashes } from "./artifact-rules.js";
import { checkEnvelopeSignature } from "./envelope-signature.js";
import type { CheckedLink, Failure, Warning } from "./types.js";

/** A key that may have signed the layout, under one keyid scheme. */
export interface KeyCandidate {
  keyid: string;
  key: PublicKey;
}

/** Per step: the link files found, by the keyid in their name, in `step.pubkeys` order. */
export type StepLinks = Map<string, Map<string, LoadedEnvelope>>;

/** The link file name for a step and functionary: `<step>.<keyid[:8]>.link` (SPEC-NOTES §3). */
export function linkFileName(step: string, keyid: string): string {
  return `${step}.${keyid.slice(0, 8)}.link`;
}

/** The directory of a sublayout's links: `<step>.<keyid[:8]>/` (SPEC-NOTES §3). */
export function sublayoutDir(step: string, keyid: string): string {
  return `${step}.${keyid.slice(0, 8)}/`;
}

/**
 * Loads one link file and checks its signature by `key` (the authorized key object from the layout;
 * its inner `keyid` selects the signature, as 1.3.1 does). The CLI runs this in worker threads.
 */
export function checkLinkFile(
  bytes: Uint8Array,
  key: PublicKey | undefined,
  opts: { artifactTexts?: boolean; artifactMaps?: boolean } = {},
): { ok: true; value: CheckedLink } | { ok: false; error: string; path: string } {
  const loaded = loadEnvelope(bytes, { fastLinkSignedBytes: true, ...opts });
  if (!loaded.ok) return { ok: false, error: loaded.error.message, path: loaded.error.path };
  const signatureValid = key !== undefined && checkEnvelopeSignature(loaded.value, key.keyid, key) === "valid";
  return { ok: true, value: { keyid: key?.keyid ?? "", loaded: loaded.value, signatureValid } };
}

/** Stage 1: every trusted key must have a valid signature on the layout (found under either keyid scheme). */
export function verifyLayoutSignatures(layout: LoadedEnvelope, keys: KeyCandidate[][]): Failure[] {
  if (keys.length === 0) {
    return [{ stage: 1, code: "no-layout-key", message: "No layout key was given; pass the layout owner's public key (--layout-key)." }];
  }
  const failures: Failure[] = [];
  const present = layout.signatures.map((s) => s.keyid.slice(0, 8)).join(", ") || "none";
  for (const candidates of keys) {
    const found = candidates.find((c) => layout.signatures.some((s) => s.keyid === c.keyid));
    const ids = candidates.map((c) => c.keyid);
    if (!found) {
      failures.push({
        stage: 1,
        code: "layout-signature-missing",
        message: `The layout has no signature by the key ${ids.join(" (or ")}${ids.length > 1 ? ")" : ""}. Signatures present: ${present}. Pass the key that signed the layout, or have the owner sign it with this key (totem sign).`,
      });
    } else if (checkEnvelopeSignature(layout, found.keyid, found.key) !== "valid") {
      failures.push({
        stage: 1,
        code: "layout-signature-invalid",
        message: `The layout's signature by key ${found.keyid} does not verify: the layout was changed after it was signed, or signed with another key. Get the original file or have it re-signed.`,
      });
    }
  }
  return failures;
}

/** Stage 2: the layout must not have expired (`expires < now` fails, as in 1.3.1). */
export function verifyExpiry(layout: Layout, now: Date): Failure[] {
  const expires = Date.parse(layout.expires);
  if (expires < now.getTime()) {
    return [
      {
        stage: 2,
        code: "layout-expired",
        message: `The layout expired at ${layout.expires} (checked at ${now.toISOString().replace(/\.\d{3}Z$/, "Z")}). Ask its owner for a renewed layout.`,
      },
    ];
  }
  return [];
}

/** A step's authorized keyids without repeats, in `pubkeys` order (the order links are loaded and kept in). */
export function uniqueKeyids(step: Step): string[] {
  return [...new Set(step.pubkeys)];
}

/** Stage 3: load `<step>.<keyid8>.link` for every authorized keyid; enough files for each threshold. */
export function loadStepLinks(
  layout: Layout,
  prefix: string,
  readLink: (path: string) => Uint8Array | undefined,
  checked: ReadonlyMap<string, CheckedLink> | undefined,
): { links: StepLinks; checked: Map<string, CheckedLink>; failures: Failure[] } {
  const links: StepLinks = new Map();
  const failures: Failure[] = [];
  // Each link's signature is checked as soon as it is loaded (its verdict is used in stage 4), so the
  // signed bytes of hundreds of links never sit in memory together.
  const all = new Map<string, CheckedLink>(checked ?? []);
  for (const step of layout.steps) {
    const found = new Map<string, LoadedEnvelope>();
    links.set(step.name, found);
    if (!isSafeFileStem(step.name)) {
      failures.push({
        stage: 3,
        code: "link-name-unsafe",
        message: `Step ${JSON.stringify(step.name)} has a name with a path separator or NUL, so its link files would be looked up outside the links directory; Totem does not read them. Rename the step in the layout.`,
        step: step.name,
      });
      continue;
    }
    let unreadable = 0;
    for (const keyid of uniqueKeyids(step)) {
      const path = prefix + linkFileName(step.name, keyid);
      const pre = all.get(path);
      if (pre) {
        found.set(keyid, pre.loaded);
        continue;
      }
      const bytes = readLink(path);
      if (bytes === undefined) continue;
      const key = Object.hasOwn(layout.keys, keyid) ? layout.keys[keyid] : undefined;
      const r = checkLinkFile(bytes, key);
      if (!r.ok) {
        failures.push({
          stage: 3,
          code: "link-unreadable",
          message: `The link file ${path} cannot be read: ${r.error} (at ${r.path}). Replace it with the file the functionary produced.`,
          step: step.name,
          artifacts: [path],
        });
        unreadable++;
        continue;
      }
      const c = r.value;
      const lean: CheckedLink =
        key && c.loaded.type === "link" ? { ...c, loaded: { ...c.loaded, signedBytes: new Uint8Array(0), canonicalSignedBytes: undefined } } : c;
      if (key) all.set(path, lean);
      found.set(keyid, lean.loaded);
    }
    if (found.size + unreadable < step.threshold) {
      const expected = uniqueKeyids(step).map((k) => prefix + linkFileName(step.name, k));
      failures.push({
        stage: 3,
        code: "link-missing",
        message: `Step "${step.name}" requires ${step.threshold} link file(s), found ${found.size}. Expected ${step.threshold === 1 ? "one" : "some"} of: ${expected.join(", ")}. Record the step with an authorized key (totem run --step ${step.name} --key ...) or copy its link into the links directory.`,
        step: step.name,
        artifacts: expected,
      });
    }
  }
  return { links, checked: all, failures };
}

/**
 * Stage 4: keep the links validly signed by their authorized functionary; each step needs
 * `threshold` of them from distinct keys. Invalid links are skipped, so a tampered threshold-1 link
 * is a threshold failure, as in 1.3.1 (SPEC-NOTES §7 step 5).
 */
export function verifyLinkSignatures(
  layout: Layout,
  links: StepLinks,
  prefix: string,
  checked: ReadonlyMap<string, CheckedLink> | undefined,
): { valid: StepLinks; failures: Failure[] } {
  const valid: StepLinks = new Map();
  const failures: Failure[] = [];
  for (const step of layout.steps) {
    const ok = new Map<string, LoadedEnvelope>();
    const usedKeyids = new Set<string>();
    const rejected: string[] = [];
    for (const [keyid, loaded] of links.get(step.name) ?? []) {
      const file = prefix + linkFileName(step.name, keyid);
      const key = Object.hasOwn(layout.keys, keyid) ? layout.keys[keyid] : undefined;
      if (!key) {
        rejected.push(`${file}: the keyid ${keyid} is listed for the step but has no key in the layout`);
        continue;
      }
      const pre = checked?.get(file);
      const result =
        pre && pre.keyid === key.keyid && pre.loaded === loaded
          ? pre.signatureValid
            ? "valid"
            : "invalid"
          : checkEnvelopeSignature(loaded, key.keyid, key);
      if (result !== "valid") {
        rejected.push(
          result === "missing"
            ? `${file}: not signed by ${key.keyid.slice(0, 8)} (signed by ${loaded.signatures.map((s) => s.keyid.slice(0, 8)).join(", ") || "nobody"})`
            : `${file}: the signature does not verify (the link was changed after signing)`,
        );
        continue;
      }
      usedKeyids.add(key.keyid);
      // A link's signed bytes (a copy of the file's payload) are not needed after this stage.
      ok.set(keyid, loaded.type === "link" ? { ...loaded, signedBytes: new Uint8Array(0), canonicalSignedBytes: undefined } : loaded);
    }
    if (usedKeyids.size < step.threshold) {
      failures.push({
        stage: 4,
        code: "link-threshold",
        message: `Step "${step.name}" requires ${step.threshold} link(s) validly signed by different authorized functionaries; found ${usedKeyids.size}.${rejected.length ? ` Rejected: ${rejected.join("; ")}.` : ""} Re-record the step with an authorized key.`,
        step: step.name,
        artifacts: rejected.map((r) => r.slice(0, r.indexOf(":"))),
      });
    }
    valid.set(step.name, ok);
  }
  return { valid, failures };
}

function sameCommand(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Stage 6: a link's command that differs from the step's expected command is a warning only. */
export function checkCommands(layout: Layout, links: Map<string, Map<string, Link>>): Warning[] {
  const warnings: Warning[] = [];
  for (const step of layout.steps) {
    for (const link of links.get(step.name)?.values() ?? []) {
      if (!sameCommand(link.command, step.expected_command)) {
        warnings.push({
          stage: 6,
          code: "command-mismatch",
          message: `Step "${step.name}" ran ${JSON.stringify(link.command)} but the layout expects ${JSON.stringify(step.expected_command)}.`,
          step: step.name,
        });
      }
    }
  }
  return warnings;
}

function differingArtifacts(a: ArtifactDict, b: ArtifactDict): string[] {
  const out: string[] = [];
  if (a === b) return out;
  // Agreeing links are the rule: the same paths with the same digests need no set of all paths.
  const same = (p: string) => {
    const x = artifactAt(a, p);
    const y = artifactAt(b, p);
    return x !== undefined && y !== undefined && sameHashes(x, y);
  };
  const pathsA = [...artifactPaths(a)];
  if (pathsA.length === artifactCount(b) && pathsA.every(same)) return out;
  for (const p of new Set([...pathsA, ...artifactPaths(b)])) if (!same(p)) out.push(p);
  return out;
}

/**
 * Stage 7: for threshold > 1, every valid link must report the same materials and products. `known`
 * gives a step's result when it was computed ahead (VerifyInput.checkedSteps).
 */
export function verifyThresholdAgreement(
  layout: Layout,
  links: ReadonlyMap<string, ReadonlyMap<string, LinkArtifacts>>,
  prefix: string,
  known?: (step: string) => Failure[] | undefined,
): Failure[] {
  const failures: Failure[] = [];
  for (const step of layout.steps) {
    if (step.threshold <= 1) continue;
    const ahead = known?.(step.name);
    if (ahead) {
      failures.push(...ahead);
      continue;
    }
    const entries = [...(links.get(step.name) ?? [])];
    const first = entries[0];
    if (!first) continue;
    for (const [keyid, link] of entries.slice(1)) {
      const diff = [...differingArtifacts(first[1].materials, link.materials), ...differingArtifacts(first[1].products, link.products)];
      if (diff.length > 0) {
        const a = prefix + linkFileName(step.name, first[0]);
        const b = prefix + linkFileName(step.name, keyid);
        failures.push({
          stage: 7,
          code: "threshold-artifacts-differ",
          message: `Links ${a} and ${b} of step "${step.name}" (threshold ${step.threshold}) report different artifacts: ${diff.slice(0, 10).join(", ")}${diff.length > 10 ? ` and ${diff.length - 10} more` : ""}. The functionaries must perform the step on the same inputs and get the same outputs.`,
          step: step.name,
          artifacts: diff,
        });
        break;
      }
    }
  }
  return failures;
}

/** Stage 8: one link per step, the first valid one in `pubkeys` order. */
export function reduceLinks(layout: Layout, links: Map<string, Map<string, Link>>): Map<string, Link> {
  const reduced = new Map<string, Link>();
  for (const step of layout.steps) {
    const first = links.get(step.name)?.values().next().value;
    if (first) reduced.set(step.name, first);
  }
  return reduced;
}

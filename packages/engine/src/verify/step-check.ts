// The per-step kernel of verification: stages 3 and 4 (load a step's link files, keep those validly
// signed by authorized functionaries) and, once each valid link is a plain link, stages 6, 7 and 8
// (command alignment, threshold agreement, the first valid link) — for ONE step. verifyChain loops
// over it (through chunks.ts, in this thread or in the CLI's worker threads); nothing else decides
// which link of a step is valid or which one is kept. Never throws.
import { isSafeFileStem } from "../file-names.js";
import { type LoadedEnvelope, loadEnvelope } from "../load/envelope.js";
import { describeLoadError } from "../load/load-error.js";
import type { ArtifactDict, Layout, Link, Step } from "../model.js";
import { artifactAt, artifactCount, artifactPaths } from "./artifact-dict.js";
import { sameHashes } from "./artifact-rules.js";
import { actualSigner, checkEnvelopeSignature } from "./envelope-signature.js";
import { authorizedKeyFor, linkKeyids } from "./gpg-envelope.js";
import { linkFileName } from "./link-stages.js";
import type { Failure, SettledStep, StepCheck, Warning } from "./types.js";

/** A step's authorized keyids without repeats, in `pubkeys` order (the order links are loaded and kept in). */
function uniqueKeyids(step: Step): string[] {
  return [...new Set(step.pubkeys)];
}

/**
 * Stages 3 and 4 (and 6–8 when they can be settled) for one step. `readLink` reads a file by its
 * path relative to the top links directory; `prefix` is the sublayout directory ("" at the top).
 * Each file is read and loaded once, even when two keyids share its name (their first 8 characters):
 * both keys' signatures are then checked on the same bytes, as 1.3.1 loads the file for each.
 */
export function checkStep(
  step: Step,
  keys: Layout["keys"],
  prefix: string,
  readLink: (path: string) => Uint8Array | undefined,
  now?: Date,
): StepCheck {
  const check: StepCheck = { step: step.name, loadFailures: [], signatureFailures: [] };
  if (!isSafeFileStem(step.name)) {
    check.loadFailures.push({
      stage: 3,
      code: "link-name-unsafe",
      message: `Step ${JSON.stringify(step.name)} has a name with a path separator or NUL, so its link files would be looked up outside the links directory; Totem does not read them. Rename the step in the layout.`,
      step: step.name,
    });
    return check;
  }
  // Stage 3: load `<step>.<keyid8>.link` for every authorized keyid.
  const files = new Map<string, ReturnType<typeof loadEnvelope> | undefined>();
  const found: [keyid: string, path: string, envelope: LoadedEnvelope][] = [];
  let unreadable = 0;
  // GPG keys: also the files named after their subkeys (in-toto-run --gpg names a link after its signer).
  for (const keyid of linkKeyids(step, keys)) {
    const path = prefix + linkFileName(step.name, keyid);
    if (!files.has(path)) {
      const bytes = readLink(path);
      files.set(path, bytes === undefined ? undefined : loadEnvelope(bytes));
    }
    const loaded = files.get(path);
    if (loaded === undefined) continue;
    if (!loaded.ok) {
      check.loadFailures.push({
        stage: 3,
        code: "link-unreadable",
        message: `The link file ${path} cannot be read: ${describeLoadError(loaded.error)}. Replace it with the file the functionary produced.`,
        step: step.name,
        artifacts: [path],
      });
      unreadable++;
      continue;
    }
    found.push([keyid, path, loaded.value]);
  }
  if (found.length + unreadable < step.threshold) {
    const expected = uniqueKeyids(step).map((k) => prefix + linkFileName(step.name, k));
    check.loadFailures.push({
      stage: 3,
      code: "link-missing",
      message: `Step "${step.name}" requires ${step.threshold} link file(s), found ${found.length}. Expected ${step.threshold === 1 ? "one" : "some"} of: ${expected.join(", ")}. Record the step with an authorized key (totem run --step ${step.name} --key ...) or copy its link into the links directory.`,
      step: step.name,
      artifacts: expected,
    });
  }
  if (check.loadFailures.length > 0) return check;
  // Stage 4: keep the links validly signed by their authorized functionary; `threshold` distinct keys.
  // Invalid links are skipped, so a tampered threshold-1 link is a threshold failure, as in 1.3.1.
  const valid: [string, LoadedEnvelope][] = [];
  const usedKeyids = new Set<string>();
  const rejected: string[] = [];
  for (const [keyid, file, loaded] of found) {
    const key = authorizedKeyFor(step, keys, keyid);
    if (!key) {
      rejected.push(`${file}: the keyid ${keyid} is listed for the step but has no key in the layout`);
      continue;
    }
    if (key.keyidAbsent) {
      // 1.3.1's Metablock.verify_signature checks the key against ANY_VERIFICATION_KEY_SCHEMA, which
      // needs `keyid`: the FormatError ends verification (it is not a skipped link).
      check.signatureFailures.push({
        stage: 4,
        code: "link-key-without-keyid",
        message: `The link file ${file} is authorized by the layout's key ${key.keyid}, whose key object has no "keyid" field: in-toto-verify 1.3.1 cannot check a signature with it (FormatError) and fails. Give the key object its keyid in the layout (drop omit ["keyid"] from the policy's key) and sign the layout again.`,
        step: step.name,
        artifacts: [file],
      });
      return check;
    }
    const result = checkEnvelopeSignature(loaded, key.keyid, key, now);
    if (result === "missing") {
      const by = loaded.signatures.map((s) => `${s.keyid.slice(0, 8)}${Object.hasOwn(keys, s.keyid) ? " (a key of this layout, not authorized for this step)" : ""}`);
      rejected.push(`${file}: not signed by ${key.keyid.slice(0, 8)}; signed by ${by.join(", ") || "nobody"}`);
      continue;
    }
    if (result === "expired") {
      rejected.push(`${file}: signed by GPG key ${key.keyid.slice(0, 8)}, which had expired (its validity period ended before ${now?.toISOString()})`);
      continue;
    }
    if (result !== "valid") {
      const signer = actualSigner(loaded, key.keyid, Object.values(keys));
      rejected.push(
        signer
          ? `${file}: its signature labelled ${key.keyid.slice(0, 8)} was made by another key of this layout, ${signer.keyid.slice(0, 8)} (a link recorded by that functionary, renamed)`
          : `${file}: the signature by ${key.keyid.slice(0, 8)} does not verify: the link was changed after signing, or signed by a key this layout does not hold`,
      );
      continue;
    }
    usedKeyids.add(key.keyid);
    valid.push([keyid, loaded]);
  }
  if (usedKeyids.size < step.threshold) {
    check.signatureFailures.push({
      stage: 4,
      code: "link-threshold",
      message: `Step "${step.name}" requires ${step.threshold} link(s) validly signed by different authorized functionaries; found ${usedKeyids.size}.${rejected.length ? ` Rejected: ${rejected.join("; ")}.` : ""} Re-record the step with an authorized key.`,
      step: step.name,
      artifacts: rejected.map((r) => r.slice(0, r.indexOf(":"))),
    });
    return check;
  }
  if (valid.some(([, loaded]) => loaded.type === "layout")) {
    check.sublayouts = valid;
    return check;
  }
  const links = new Map<string, Link>();
  for (const [keyid, loaded] of valid) if (loaded.type === "link") links.set(keyid, loaded.link);
  check.settled = settleStep(step, links, prefix);
  return check;
}

function sameCommand(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
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
 * Stages 6, 7 and 8 for one step from its valid links by keyid, in `pubkeys` order (plain links, or
 * the summary links of verified sublayouts).
 */
export function settleStep(step: Step, links: ReadonlyMap<string, Link>, prefix: string): SettledStep {
  const warnings: Warning[] = [];
  for (const link of links.values()) {
    if (!sameCommand(link.command, step.expected_command)) {
      warnings.push({
        stage: 6,
        code: "command-mismatch",
        message: `Step "${step.name}" ran ${JSON.stringify(link.command)} but the layout expects ${JSON.stringify(step.expected_command)}.`,
        step: step.name,
      });
    }
  }
  const agreement: Failure[] = [];
  const entries = [...links];
  const first = entries[0];
  if (step.threshold > 1 && first) {
    for (const [keyid, link] of entries.slice(1)) {
      const diff = [...differingArtifacts(first[1].materials, link.materials), ...differingArtifacts(first[1].products, link.products)];
      if (diff.length === 0) continue;
      const a = prefix + linkFileName(step.name, first[0]);
      const b = prefix + linkFileName(step.name, keyid);
      agreement.push({
        stage: 7,
        code: "threshold-artifacts-differ",
        message: `Links ${a} and ${b} of step "${step.name}" (threshold ${step.threshold}) report different artifacts: ${diff.slice(0, 10).join(", ")}${diff.length > 10 ? ` and ${diff.length - 10} more` : ""}. The functionaries must perform the step on the same inputs and get the same outputs.`,
        step: step.name,
        artifacts: diff,
      });
      break;
    }
  }
  return first ? { warnings, agreement, first: first[1] } : { warnings, agreement };
}

// `totem/simulate`: verifies a folder of links against the open policy as if its layout were signed
// by a trusted owner, and maps the engine's per-rule trace and failures back to document ranges.
// The compiled layout is signed in memory with a throwaway ed25519 key that is also the only trusted
// layout key, so stage 1 (layout signatures) passes by construction; every later stage is real.
// Inspections are NOT executed unless the request says `runInspections: true`: by default they are
// removed from the simulated layout and listed in `skippedInspections` (a language server should not
// run a policy's commands because a document is open). With the flag they run in `workDir`
// (default: linksDir) exactly as `totem verify` runs them: node-io's inspection runner, with the same
// 10 s timeout, process-group handling, sorted artifact walk and exit-code semantics. Link files are
// read with node-io's bounded reader (a FIFO or /dev/zero in the folder is refused, not read).
// A policy of target "ite-10" is simulated against an attestations folder instead
// (simulate-attestations.ts): the same request, the same folder checks, the same result shape.
import { generateKeyPairSync } from "node:crypto";
import { isAbsolute } from "node:path";
import { type Span, targetsIte10 } from "@totem/dsl";
import {
  envelopeToText,
  layoutToJson,
  parsePrivateKey,
  type PrivateKeyMaterial,
  signMetablock,
  STAGES,
  verifyChain,
} from "@totem/engine";
import { inspectionRunner, listLinkDir, readLinkFile } from "@totem/node-io";
import type { Diagnostic } from "vscode-languageserver";
import type { SimulatedFailure, SimulatedRule, SimulateParams, SimulateResult } from "./protocol.js";
import { noLayoutReason } from "./policy-keys.js";
import type { ServerState } from "./server-state.js";
import { simulateAttestations } from "./simulate-attestations.js";
import { toLspDiagnostic } from "./to-protocol.js";
import { uriToPath } from "./uris.js";

let ephemeral: PrivateKeyMaterial | undefined;

/** A throwaway signing key, made once per server. */
function ephemeralKey(): PrivateKeyMaterial {
  if (!ephemeral) {
    const pem = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const parsed = parsePrivateKey(pem);
    if (!parsed.ok) throw new Error(`cannot make the simulation key: ${parsed.error.message}`);
    ephemeral = parsed.value;
  }
  return ephemeral;
}

/** An absolute path given as a path or a file: URI (a folder or a file), else undefined. */
function absolutePath(dir: unknown): string | undefined {
  if (typeof dir !== "string" || dir === "") return undefined;
  const path = dir.startsWith("file:") ? uriToPath(dir) : dir;
  return path && isAbsolute(path) ? path : undefined;
}

function empty(error: string, diagnostics?: Diagnostic[]): SimulateResult {
  return { passed: false, error, failures: [], warnings: [], trace: [], skippedInspections: [], ...(diagnostics ? { diagnostics } : {}) };
}

/** Runs the simulation for an open document. Never rejects for user input. */
export async function simulate(state: ServerState, p: SimulateParams): Promise<SimulateResult> {
  const doc = state.docs.get(p?.uri);
  if (!doc) return empty(`${p?.uri} is not open in the editor.`);
  const dir = absolutePath(p.linksDir);
  if (!dir) return empty(`linksDir must be an absolute folder path or a file: URI, not ${JSON.stringify(p.linksDir)}.`);
  const runInspections = p.runInspections === true;
  const workDir = p.workDir === undefined ? dir : absolutePath(p.workDir);
  if (!workDir) return empty(`workDir must be an absolute folder path or a file: URI, not ${JSON.stringify(p.workDir)}.`);
  if (targetsIte10(state.analyses.of(doc).file.layout)) {
    const files: { trustedRoot?: string; parameters?: string } = {};
    for (const name of ["trustedRoot", "parameters"] as const) {
      if (p[name] === undefined) continue;
      const path = absolutePath(p[name]);
      if (!path) return empty(`${name} must be an absolute file path or a file: URI, not ${JSON.stringify(p[name])}.`);
      files[name] = path;
    }
    const result = await simulateAttestations(state, doc, { dir, ...files });
    return "failures" in result ? result : empty(result.error, result.diagnostics?.map((d) => toLspDiagnostic(d, doc.lines, doc.uri)));
  }
  const compiled = state.compiled.of(state, doc);
  const layout = compiled.lowered?.layout;
  if (!layout || compiled.diagnostics.some((d) => d.severity === "error")) {
    return empty(noLayoutReason(compiled.diagnostics, "simulating"), compiled.diagnostics.map((d) => toLspDiagnostic(d, doc.lines, doc.uri)));
  }
  const sourceMap = compiled.lowered?.sourceMap ?? { items: {}, rules: {} };
  const range = (span: Span | undefined) => (span ? doc.lines.rangeOf(span) : undefined);
  const target = compiled.lowered?.target ?? state.settings.defaultTarget;
  const key = ephemeralKey();
  const simulated = runInspections ? layout : { ...layout, inspect: [] };
  const text = envelopeToText(signMetablock(layoutToJson(simulated), [key], target));
  const result = await verifyChain({
    layout: new TextEncoder().encode(text),
    layoutKeys: [key.public],
    now: state.settings.now ?? new Date(),
    trace: true,
    ...(runInspections ? { runInspection: inspectionRunner({ cwd: workDir }) } : {}),
    readLink: (path) => readLinkFile(dir, path),
    listLinks: (sub) => listLinkDir(dir, sub),
  });
  const failed = new Map<string, string>();
  const failures: SimulatedFailure[] = result.failures.map((f) => {
    const ruleKey = f.rule ? `${f.rule.item}/${f.rule.side}/${f.rule.index}` : undefined;
    if (ruleKey) failed.set(ruleKey, f.message);
    const where = range((ruleKey ? sourceMap.rules[ruleKey] : undefined) ?? (f.step ? sourceMap.items[f.step] : undefined));
    return {
      stage: f.stage,
      stageName: STAGES[f.stage],
      code: f.code,
      message: f.message,
      ...(f.step ? { step: f.step } : {}),
      ...(f.rule ? { rule: f.rule.text } : {}),
      ...(f.artifacts ? { artifacts: f.artifacts } : {}),
      ...(where ? { range: where } : {}),
    };
  });
  const trace: SimulatedRule[] = result.trace
    .filter((t) => t.sublayout === undefined || t.sublayout.length === 0)
    .map((t) => {
      const k = `${t.item}/${t.side}/${t.index}`;
      const failure = failed.get(k);
      const where = range(sourceMap.rules[k]);
      const shown = t.consumed.slice(0, 5).join(", ") + (t.consumed.length > 5 ? `, … (${t.consumed.length} in all)` : "");
      return {
        step: t.item,
        side: t.side,
        index: t.index,
        rule: t.rule,
        consumed: t.consumed,
        queue: t.queue,
        passed: failure === undefined,
        message: failure ?? (t.consumed.length > 0 ? `consumed ${shown}` : "consumed nothing"),
        ...(where ? { range: where } : {}),
      };
    });
  return {
    passed: result.passed,
    failures,
    warnings: result.warnings.map((w) => ({ stage: w.stage, code: w.code, message: w.message, ...(w.step ? { step: w.step } : {}) })),
    trace,
    skippedInspections: (runInspections ? [] : layout.inspect).map((i) => {
      const where = range(sourceMap.items[i.name]);
      return { name: i.name, ...(where ? { range: where } : {}) };
    }),
  };
}

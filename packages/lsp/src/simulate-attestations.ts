// `totem/simulate` for a policy of target "ite-10": the folder is an attestations folder (DSSE
// Statements, Sigstore bundles and classic links side by side), verified against the policy's
// attestation layout by the engine's verifyAttestations — the code `totem verify --attestations`
// runs — and each finding placed on the attestation block (or step) it is about. The folder is read
// by node-io's readAttestationFolder, as the CLI reads it; `{name}` placeholders take the values of a
// parameters file, keyless bundles are checked against a trusted root file when one is given.
import { constantResolver, type Diagnostic, type PolicyFile, type Span } from "@totem/dsl";
import { type AttestationFinding, type JsonValue, parseAttestJson, substituteParameters, verifyAttestations } from "@totem/engine";
import { ATTESTATIONS_TOTAL_LIMIT, formatBytes, readAttestationFolder, readFileBounded } from "@totem/node-io";
import type { DocumentSnapshot } from "./documents.js";
import { noLayoutReason } from "./policy-keys.js";
import type { SimulatedFailure, SimulateResult } from "./protocol.js";
import type { ServerState } from "./server-state.js";

/** The folder and the optional files of an attestation simulation, as absolute paths. */
export interface AttestationSimulation {
  readonly dir: string;
  readonly trustedRoot?: string;
  readonly parameters?: string;
}

/** Why the simulation could not run, and the policy's diagnostics when they are the reason. */
export interface SimulationError {
  readonly error: string;
  readonly diagnostics?: readonly Diagnostic[];
}

/** The findings' name for the one verification "stage" of an attestation layout. */
export const ATTESTATION_STAGE = { stage: 0, stageName: "attestations" } as const;

/** A JSON file named in the request (a trusted root, parameters), or why it cannot be used. */
function readJson(path: string, what: string): { value: JsonValue } | { error: string } {
  const read = readFileBounded(path, "policy");
  if (!read.ok) return { error: `Cannot read the ${what} ${path}: ${read.error.message}.` };
  const json = parseAttestJson(read.value, what);
  return json.ok ? { value: json.value } : { error: `The ${what} ${path} is not usable: ${json.error.message}` };
}

/** The span of the attestation block a finding is about (by step and predicate type), else of its step. */
function findingSpan(file: PolicyFile, finding: AttestationFinding): Span | undefined {
  const step = file.layout?.steps.find((s) => s.name.text === finding.step);
  if (!step) return undefined;
  const resolve = constantResolver(file);
  const block = finding.predicateType === undefined ? undefined : step.attestations?.find((a) => resolve(a.predicateType) === finding.predicateType);
  return (block ?? step).span;
}

/**
 * Lowers the open policy (target "ite-10") to its attestation layout, verifies the attestations
 * folder against it and maps the verdict to the simulate result: failures with the range of their
 * attestation block or step. Never rejects for user input.
 */
export async function simulateAttestations(state: ServerState, doc: DocumentSnapshot, sim: AttestationSimulation): Promise<SimulateResult | SimulationError> {
  // The compile cache's lowering (the one the preview and the published diagnostics show).
  const compiled = state.compiled.of(state, doc);
  const file = compiled.analysis.file;
  const { diagnostics } = compiled;
  const attestation = compiled.attestations?.layout;
  if (attestation === undefined || diagnostics.some((d) => d.severity === "error")) return { error: noLayoutReason(diagnostics, "simulating"), diagnostics };
  let parameters: JsonValue = {};
  if (sim.parameters !== undefined) {
    const json = readJson(sim.parameters, "parameters file");
    if ("error" in json) return json;
    parameters = json.value;
  }
  const layout = substituteParameters(attestation, parameters);
  if (!layout.ok) return { error: `${layout.error.message} (${layout.error.code})` };
  let trustedRoot: JsonValue | undefined;
  if (sim.trustedRoot !== undefined) {
    const json = readJson(sim.trustedRoot, "trusted root");
    if ("error" in json) return json;
    trustedRoot = json.value;
  }
  const files = readAttestationFolder(sim.dir);
  if (!files.ok) {
    const error = files.error.kind === "unreadable" ? `Cannot read ${files.error.name} in the attestations folder: not a readable regular file within the size limit.` : `The attestations folder is over ${formatBytes(ATTESTATIONS_TOTAL_LIMIT)} in all; split it.`;
    return { error };
  }
  const verdict = await verifyAttestations(layout.value, files.value, state.settings.now ?? new Date(), trustedRoot === undefined ? {} : { trustedRoot });
  const failures: SimulatedFailure[] = verdict.failures.map((f) => {
    const span = findingSpan(file, f);
    return { ...ATTESTATION_STAGE, code: f.code, message: f.message, ...(f.step ? { step: f.step } : {}), ...(f.file ? { artifacts: [f.file] } : {}), ...(span ? { range: doc.lines.rangeOf(span) } : {}) };
  });
  return {
    passed: verdict.passed,
    failures,
    warnings: verdict.warnings.map((w) => ({ stage: ATTESTATION_STAGE.stage, code: w.code, message: w.message, ...(w.step ? { step: w.step } : {}) })),
    trace: [],
    skippedInspections: [],
  };
}

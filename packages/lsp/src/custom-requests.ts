// Custom requests for the editor (documented in docs/lsp.md):
// - `totem/compiledLayout` {uri} → {json, diagnostics, target}: the unsigned layout (the file `totem
//   compile` writes without --key; for target "ite-10" the attestation layout's YAML) for a live
//   preview; json is null while the policy has errors.
// - `totem/simulate` {uri, linksDir} → the verification result of the links in linksDir against the
//   policy, with every failure and every rule's trace mapped to document ranges.
import { ITE10 } from "@totem/dsl";
import { attestationLayoutToYaml, envelopeToText, layoutToJson, signMetablock } from "@totem/engine";
import type { Connection, ResponseError } from "vscode-languageserver";
import type { Guard, ServerState } from "./server-state.js";
import type { CompiledLayoutParams, CompiledLayoutResult, SimulateParams, SimulateResult } from "./protocol.js";
import { simulate } from "./simulate.js";
import { toLspDiagnostic } from "./to-protocol.js";

/** Registers the custom requests on `connection`. */
export function registerCustomRequests(connection: Connection, state: ServerState, guard: Guard): void {
  connection.onRequest(
    "totem/compiledLayout",
    guard("totem/compiledLayout", { json: null, diagnostics: [] } as CompiledLayoutResult, (p: CompiledLayoutParams): CompiledLayoutResult => {
      const doc = state.docs.get(p?.uri);
      if (!doc) return { json: null, diagnostics: [] };
      const compiled = state.compiled.of(state, doc);
      const diagnostics = compiled.diagnostics.map((d) => toLspDiagnostic(d, doc.lines, doc.uri));
      const failed = compiled.diagnostics.some((d) => d.severity === "error");
      if (compiled.attestations !== undefined) {
        // Target "ite-10": the attestation layout as `totem compile` writes it (YAML, unsigned).
        const attestation = compiled.attestations.layout;
        return { json: attestation === undefined || failed ? null : attestationLayoutToYaml(attestation), diagnostics, target: ITE10 };
      }
      const layout = compiled.lowered?.layout;
      if (!layout || failed) return { json: null, diagnostics };
      const target = compiled.lowered?.target ?? state.settings.defaultTarget;
      return { json: envelopeToText(signMetablock(layoutToJson(layout), [], target)), diagnostics, target };
    }),
  );
  connection.onRequest("totem/simulate", async (p: SimulateParams): Promise<SimulateResult | ResponseError> => {
    try {
      return await simulate(state, p);
    } catch (e) {
      connection.console.error(`totem: totem/simulate failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return { passed: false, error: `Simulation failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`, failures: [], warnings: [], trace: [], skippedInspections: [] };
    }
  });
}

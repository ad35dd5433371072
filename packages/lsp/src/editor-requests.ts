// Requests the VS Code extension uses for its commands, so that it needs nothing but the server:
// - `totem/import` {layoutText, name?} → {source, issues}: a signed layout (Metablock or DSSE) as a policy.
// - `totem/diff` {oldText, newText, uri?} → {markdown, error?}: the semantic diff of two versions of a
//   policy (either side may also be a signed layout); key paths resolve relative to `uri`.
// - `totem/sign` {uri, keyPath, password?} → {json, error?, needsPassword?}: the open policy compiled
//   and signed (Metablock) with a private key file; the extension writes the file.
// User input never throws out of these: every problem is an `error` sentence.
import {
  analyze,
  diffPolicies,
  guessTarget,
  importAttestationLayout,
  importLayout,
  lower,
  lowerAttestations,
  type PolicySnapshot,
  renderDiffMarkdown,
  targetsIte10,
} from "@totem/dsl";
import {
  celParser,
  describeLoadError,
  envelopeToText,
  type Layout,
  layoutToJson,
  loadEnvelope,
  looksLikeAttestationLayout,
  parseAttestationLayout,
  parsePrivateKey,
  signMetablock,
} from "@totem/engine";
import { readTextBounded } from "@totem/node-io";
import type { Connection } from "vscode-languageserver";
import { DocumentSnapshot } from "./documents.js";
import { lowerInputs, noLayoutReason } from "./policy-keys.js";
import type { DiffResult, ImportResult, SignResult } from "./protocol.js";
import type { Guard, ServerState } from "./server-state.js";

function looksLikeJson(text: string): boolean {
  return /^\s*\{/.test(text);
}

function loadLayout(text: string): { layout: Layout; envelope: "metablock" | "dsse"; signatures: { keyid: string; sig: string }[] } | string {
  const loaded = loadEnvelope(new TextEncoder().encode(text), { expect: "layout" });
  if (!loaded.ok) return `This is not a readable layout: ${describeLoadError(loaded.error)}.`;
  if (loaded.value.type !== "layout") return "This file holds a link, not a layout.";
  return { layout: loaded.value.layout, envelope: loaded.value.envelope, signatures: loaded.value.signatures };
}

function snapshotOf(state: ServerState, text: string, uri: string, side: string): PolicySnapshot | string {
  if (looksLikeJson(text)) {
    const loaded = loadLayout(text);
    return typeof loaded === "string" ? `${side}: ${loaded}` : { layout: loaded.layout, target: guessTarget(loaded.layout).target };
  }
  const analysis = analyze(text, { now: state.settings.now ?? new Date() });
  const firstError = analysis.diagnostics.find((d) => d.severity === "error");
  if (firstError) return `${side} has errors (${firstError.code}: ${firstError.message}); fix them before diffing.`;
  const inputs = lowerInputs(state, new DocumentSnapshot(uri, 0, text));
  const lowered = lower(analysis.file, inputs);
  if (!lowered.layout) return `${side}: ${lowered.diagnostics[0] ? `it does not compile: ${lowered.diagnostics[0].message}` : noLayoutReason([], "diffing")}`;
  if (!targetsIte10(analysis.file.layout)) return { layout: lowered.layout, target: lowered.target };
  // Target "ite-10": the attestation layout too, for what the in-toto layout cannot hold.
  const attested = lowerAttestations(analysis, inputs);
  if (!attested.layout) return `${side}: ${attested.diagnostics[0] ? `it does not compile: ${attested.diagnostics[0].message}` : noLayoutReason([], "diffing")}`;
  return { layout: lowered.layout, target: lowered.target, attestations: attested.layout };
}

/** `totem/import` of an attestation layout (YAML, target "ite-10"), as `totem import layout.yml` does. Never rejects. */
async function importAttestations(text: string, name: string): Promise<ImportResult> {
  try {
    const parsed = await parseAttestationLayout(text);
    if (!parsed.ok) return { source: "", issues: [], error: `not an attestation layout: ${parsed.error.message}${parsed.error.path ? ` (at ${parsed.error.path})` : ""}` };
    const result = importAttestationLayout(parsed.value, { name, celSyntax: await celParser() });
    return { source: result.source, issues: result.issues };
  } catch (e) {
    return { source: "", issues: [], error: `Import failed unexpectedly: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Registers totem/import, totem/diff and totem/sign. */
export function registerEditorRequests(connection: Connection, state: ServerState, guard: Guard): void {
  connection.onRequest(
    "totem/import",
    guard("totem/import", { source: "", issues: [], error: "Import failed unexpectedly." } as ImportResult, (p: { layoutText?: unknown; name?: unknown }): ImportResult | Promise<ImportResult> => {
      if (typeof p?.layoutText !== "string") return { source: "", issues: [], error: "layoutText must be the layout file's text." };
      const name = typeof p.name === "string" && p.name !== "" ? p.name : "imported";
      if (looksLikeAttestationLayout(p.layoutText)) return importAttestations(p.layoutText, name);
      const loaded = loadLayout(p.layoutText);
      if (typeof loaded === "string") return { source: "", issues: [], error: loaded };
      const result = importLayout(loaded.layout, {
        name,
        signatures: loaded.signatures,
        envelope: loaded.envelope,
      });
      return { source: result.source, issues: result.issues };
    }),
  );
  connection.onRequest(
    "totem/diff",
    guard("totem/diff", { markdown: "", error: "Diff failed unexpectedly." } as DiffResult, (p: { oldText?: unknown; newText?: unknown; uri?: unknown }): DiffResult => {
      if (typeof p?.oldText !== "string" || typeof p.newText !== "string") return { markdown: "", error: "oldText and newText must be texts." };
      const uri = typeof p.uri === "string" ? p.uri : "untitled:policy.totem";
      const before = snapshotOf(state, p.oldText, uri, "The old version");
      if (typeof before === "string") return { markdown: "", error: before };
      const after = snapshotOf(state, p.newText, uri, "The new version");
      if (typeof after === "string") return { markdown: "", error: after };
      return { markdown: renderDiffMarkdown(diffPolicies(before, after)) };
    }),
  );
  connection.onRequest(
    "totem/sign",
    guard("totem/sign", { json: null, error: "Signing failed unexpectedly." } as SignResult, (p: { uri?: unknown; keyPath?: unknown; password?: unknown }): SignResult => {
      const doc = typeof p?.uri === "string" ? state.docs.get(p.uri) : undefined;
      if (!doc) return { json: null, error: "Open the policy in the editor first." };
      if (typeof p.keyPath !== "string") return { json: null, error: "keyPath must be the path of a private key file." };
      const compiled = state.compiled.of(state, doc);
      const layout = compiled.lowered?.layout;
      if (!layout || compiled.diagnostics.some((d) => d.severity === "error")) return { json: null, error: noLayoutReason(compiled.diagnostics, "signing") };
      const keyText = readTextBounded(p.keyPath, "key");
      if (!keyText.ok) return { json: null, error: `Cannot read ${p.keyPath}: ${keyText.error.message}.` };
      const key = parsePrivateKey(keyText.value, typeof p.password === "string" ? { password: p.password } : {});
      if (!key.ok) return { json: null, error: key.error.message, ...(key.error.code === "key-wrong-password" ? { needsPassword: true } : {}) };
      const target = compiled.lowered?.target ?? state.settings.defaultTarget;
      return { json: envelopeToText(signMetablock(layoutToJson(layout), [key.value], target)) };
    }),
  );
}

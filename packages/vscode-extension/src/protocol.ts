// The Totem requests this extension sends, typed by the language server's own declaration of them
// (packages/lsp/src/protocol.ts): one protocol, no copy. Types only, erased when bundled.
export type {
  CompiledLayoutParams,
  CompiledLayoutResult,
  DiffParams,
  ImportParams,
  ServerStartup,
  SignParams,
  SimulatedRule,
  SimulateParams,
  SimulateResult,
  StepGraphResult,
  TotemMethod,
  TotemRequests,
} from "@totem/lsp/protocol";

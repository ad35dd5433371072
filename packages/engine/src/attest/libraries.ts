// The large libraries of attestation work, loaded on first use (as keys/gpg-packets.ts loads
// openpgp): every other command of the CLI imports the engine, and none of them should parse the
// Sigstore protobuf code, the CEL interpreter or a YAML parser at start-up.
import type * as SigstoreBundle from "@sigstore/bundle";
import type * as SigstoreCore from "@sigstore/core";
import type * as ProtobufSpecs from "@sigstore/protobuf-specs";
import type * as SigstoreVerify from "@sigstore/verify";
import type * as Cel from "@bufbuild/cel";
import type * as Yaml from "yaml";
import type * as Nist from "@noble/curves/nist.js";

/** The Sigstore libraries, as modules. */
export interface SigstoreLibs {
  readonly bundle: typeof SigstoreBundle;
  readonly core: typeof SigstoreCore;
  readonly specs: typeof ProtobufSpecs;
  readonly verify: typeof SigstoreVerify;
}

let sigstore: Promise<SigstoreLibs> | undefined;
let cel: Promise<typeof Cel> | undefined;
let yaml: Promise<typeof Yaml> | undefined;
let nist: Promise<typeof Nist> | undefined;

/**
 * A CommonJS module's exports as a dynamic import gives them: Node names them on the namespace, a
 * bundler (esbuild) may give only `default` (the whole `module.exports`).
 */
function commonJs<T extends object>(namespace: T): T {
  const fallback = (namespace as { default?: T }).default;
  return fallback !== undefined && typeof fallback === "object" ? fallback : namespace;
}

/** Loads @sigstore/bundle, core, protobuf-specs and verify once (pure JS over node:crypto; no I/O). */
export function sigstoreLibs(): Promise<SigstoreLibs> {
  sigstore ??= Promise.all([import("@sigstore/bundle"), import("@sigstore/core"), import("@sigstore/protobuf-specs"), import("@sigstore/verify")]).then(
    ([bundle, core, specs, verify]) => ({ bundle: commonJs(bundle), core: commonJs(core), specs: commonJs(specs), verify: commonJs(verify) }),
  );
  return sigstore;
}

/** Loads @bufbuild/cel once. */
export function celLib(): Promise<typeof Cel> {
  cel ??= import("@bufbuild/cel").then(commonJs);
  return cel;
}

/** Loads yaml once. */
export function yamlLib(): Promise<typeof Yaml> {
  yaml ??= import("yaml").then(commonJs);
  return yaml;
}

/** Loads @noble/curves' NIST curves once (ECDSA over a given digest). */
export function nistLib(): Promise<typeof Nist> {
  nist ??= import("@noble/curves/nist.js").then(commonJs);
  return nist;
}

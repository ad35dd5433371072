// The "ite-10" compile target: an ITE-10/11 attestation layout in in-toto/attestation-verifier's YAML
// format (docs/attestations.md) instead of a signed in-toto layout. It is the dsl's target, not one
// of the engine's in-toto keyid targets: nothing is signed, and keys are written by their keyID.
import type { LayoutDecl } from "../ast.js";

export { LINK_PREDICATE_V03 as LINK_PREDICATE } from "@totem/engine";

/** The target name of attestation layouts. */
export const ITE10 = "ite-10";

/** Whether the layout is written for target "ite-10". */
export function targetsIte10(layout: LayoutDecl | undefined): boolean {
  return layout?.target?.value === ITE10;
}
